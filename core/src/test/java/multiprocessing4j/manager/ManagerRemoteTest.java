package multiprocessing4j.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentMap;

import org.junit.jupiter.api.Test;

import fixtures.manager.Unregistered;

/** Connecting with keys, refused classes, exceptions, registered types and a server that goes away. */
class ManagerRemoteTest {
    private static final byte[] KEY = "remote-test-key".getBytes(StandardCharsets.UTF_8);
    private static final Duration BOUND = Duration.ofSeconds(20);

    /** A registered type's interface. */
    public interface Account {
        long deposit(long amount);

        long withdraw(long amount);

        long balance();

        Receipt lastReceipt();

        default String describe() {
            return "balance " + balance();
        }
    }

    /** Allowed automatically: a parameter or result type of a registered interface. */
    public record Receipt(String what, long amount) implements Serializable {
    }

    /** Thrown on the server, rebuilt in the caller. */
    public static final class InsufficientFundsException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public InsufficientFundsException(String message) {
            super(message);
        }
    }

    /** Makes accounts; a method reference to it is a factory that serializes without capturing anything. */
    static final class BankAccountFactory {
        private BankAccountFactory() {
        }

        static Account create() {
            return new BankAccount();
        }
    }

    static final class BankAccount implements Account {
        private long balance;
        private Receipt last;

        @Override
        public synchronized long deposit(long amount) {
            balance += amount;
            last = new Receipt("deposit", amount);
            return balance;
        }

        @Override
        public synchronized long withdraw(long amount) {
            if (amount > balance) {
                throw new InsufficientFundsException("cannot withdraw " + amount + " from " + balance);
            }
            balance -= amount;
            last = new Receipt("withdraw", amount);
            return balance;
        }

        @Override
        public synchronized long balance() {
            return balance;
        }

        @Override
        public synchronized Receipt lastReceipt() {
            return last;
        }
    }

    @Test
    void connectWithTheRightKeySharesObjects() {
        try (Manager server = Manager.serve(KEY); Manager client = Manager.connect(server.address(), KEY)) {
            ConcurrentMap<String, Integer> dict = client.dict();
            dict.put("a", 1);

            assertEquals(1, dict.get("a"));
        }
    }

    @Test
    void connectWithAWrongKeyFailsAuthentication() {
        try (Manager server = Manager.serve(KEY)) {
            ManagerAuthenticationException e = assertThrows(ManagerAuthenticationException.class,
                    () -> Manager.connect(server.address(), "wrong".getBytes(StandardCharsets.UTF_8)));

            assertTrue(e.getMessage().contains(String.valueOf(server.address().getPort())), e.getMessage());
            server.list().add("still serving");
        }
    }

    /** A non-loopback address of this machine, if it has one: connections to it stay on TCP. */
    private static java.util.Optional<InetAddress> externalAddress() throws Exception {
        return java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                .filter(i -> {
                    try {
                        return i.isUp() && !i.isLoopback();
                    } catch (java.net.SocketException e) {
                        return false;
                    }
                })
                .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress())
                .findFirst();
    }

    @Test
    void serverBoundToAllInterfacesServesOverPlainTcp() throws Exception {
        InetAddress external = externalAddress().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(external != null, "this machine has no non-loopback address");
        try (Manager server = Manager.serve(new InetSocketAddress("0.0.0.0", 0), KEY);
             Manager client = Manager.connect(new InetSocketAddress(external, server.address().getPort()), KEY)) {
            java.util.concurrent.BlockingQueue<String> queue = client.queue();
            queue.put("over tcp");

            assertEquals("over tcp", queue.poll(5, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(null, queue.poll(60, java.util.concurrent.TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void emptyKeyIsRejectedAtTheCall() {
        assertThrows(IllegalArgumentException.class, () -> Manager.serve(new byte[0]));
    }

    @Test
    void serverBindsToLoopbackByDefault() {
        try (Manager server = Manager.serve(KEY)) {
            assertTrue(server.address().getAddress().isLoopbackAddress(), String.valueOf(server.address()));
        }
    }

    @Test
    void valueOfAClassTheServerDoesNotAllowIsRefusedAndTheServerGoesOn() {
        try (Manager server = Manager.serve(KEY)) {
            List<Object> list = server.list();

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> list.add(new Unregistered("x")));

            assertTrue(e.getMessage().contains(Unregistered.class.getName()), e.getMessage());
            list.add("fine");
            assertEquals(List.of("fine"), list);
        }
    }

    @Test
    void allowedClassIsAccepted() {
        try (Manager server = Manager.builder().allow(Unregistered.class).serve(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), KEY)) {
            List<Object> list = server.list();

            list.add(new Unregistered("x"));

            assertEquals(new Unregistered("x"), list.get(0));
        }
    }

    @Test
    void registeredTypeIsCreatedAndCalledThroughItsInterface() {
        try (Manager server = Manager.serve(KEY)) {
            server.register("account", Account.class, BankAccount::new);
            Account account = server.create("account");

            account.deposit(100);
            account.withdraw(30);

            assertEquals(70, account.balance());
            assertEquals(new Receipt("withdraw", 30), account.lastReceipt());
            assertEquals("balance 70", account.describe());
        }
    }

    @Test
    void registeredTypeIsCreatedByAConnectedClient() {
        try (Manager server = Manager.builder().register("account", Account.class, BankAccount::new)
                .serve(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), KEY);
             Manager client = Manager.connect(server.address(), KEY)) {
            Account account = client.create("account", Account.class);

            assertEquals(5, account.deposit(5));
            assertThrows(UnsupportedOperationException.class,
                    () -> client.register("other", Account.class, BankAccount::new));
        }
    }

    /** A registered type whose methods take managed objects. */
    public interface Summer {
        int totalSize(List<String> a, List<String> b);
    }

    static final class ListSummer implements Summer {
        @Override
        public int totalSize(List<String> a, List<String> b) {
            return a.size() + b.size();
        }
    }

    @Test
    void proxiesOfTheSameManagerReachARegisteredTypeAsTheObjectsThemselves() {
        try (Manager server = Manager.serve(KEY)) {
            server.register("summer", Summer.class, ListSummer::new);
            Summer summer = server.create("summer");
            List<String> a = server.list(List.of("x", "y"));
            List<String> b = server.list(List.of("z"));

            assertEquals(3, summer.totalSize(a, b));
        }
    }

    @Test
    void unknownTypeNameFailsClearly() {
        try (Manager server = Manager.serve(KEY)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> server.create("nope"));

            assertTrue(e.getMessage().contains("nope"), e.getMessage());
        }
    }

    @Test
    void exceptionOnTheServerIsThrownWithItsTypeAndTheServerTrace() {
        try (Manager server = Manager.serve(KEY)) {
            server.register("account", Account.class, BankAccount::new);
            Account account = server.create("account");

            InsufficientFundsException e = assertThrows(InsufficientFundsException.class, () -> account.withdraw(1));

            assertEquals("cannot withdraw 1 from 0", e.getMessage());
            List<String> frames = Arrays.stream(e.getStackTrace()).map(StackTraceElement::getClassName).toList();
            assertTrue(frames.contains(BankAccount.class.getName()), "server frames: " + frames);
            assertTrue(frames.contains(ManagerRemoteTest.class.getName()), "caller frames: " + frames);
        }
    }

    @Test
    void everyProxyCallFailsClearlyOnceTheServerIsGone() {
        Manager server = Manager.serve(KEY);
        Manager client = Manager.connect(server.address(), KEY);
        List<String> list = client.list();
        list.add("before");

        server.close();

        assertTimeoutPreemptively(BOUND, () -> {
            ManagerConnectionException first = assertThrows(ManagerConnectionException.class, () -> list.add("after"));
            assertTrue(first.getMessage().contains(":" + server.address().getPort()), first.getMessage());
            ManagerConnectionException again = assertThrows(ManagerConnectionException.class, list::size);
            assertEquals(first.address(), again.address());
        });
        client.close();
    }

    @Test
    void connectingToNothingFailsClearly() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        InetSocketAddress nowhere = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);

        ManagerConnectionException e = assertThrows(ManagerConnectionException.class, () -> Manager.connect(nowhere, KEY));

        assertTrue(e.getMessage().contains(String.valueOf(port)), e.getMessage());
    }

    @Test
    void proxySentToAnotherJvmShapeResolvesBackToTheSameObject() throws Exception {
        try (Manager server = Manager.serve(KEY)) {
            List<String> list = server.list();
            byte[] bytes;
            try (var out = new java.io.ByteArrayOutputStream(); var oos = new java.io.ObjectOutputStream(out)) {
                oos.writeObject(list);
                oos.flush();
                bytes = out.toByteArray();
            }
            Object copy;
            try (var ois = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes))) {
                copy = ois.readObject();
            }

            @SuppressWarnings("unchecked")
            List<String> resolved = assertInstanceOf(List.class, copy);
            resolved.add("through the copy");

            assertEquals(List.of("through the copy"), list);
        }
    }

    @Test
    void lambdaCapturingProxiesCrossesTheDefaultCodecAndReachesTheSameObjects() {
        try (Manager server = Manager.serve(KEY)) {
            List<String> list = server.list();
            ConcurrentMap<String, Integer> dict = server.dict();
            server.register("account", Account.class, BankAccount::new);
            Account account = server.create("account");
            multiprocessing4j.SerializableRunnable task = () -> {
                list.add("from the task");
                dict.put("n", 1);
                account.deposit(7);
            };
            multiprocessing4j.internal.codec.Codec codec = multiprocessing4j.internal.codec.Codecs.defaultCodec();

            Runnable copy = (Runnable) codec.decode(codec.encode(task));
            copy.run();

            assertEquals(List.of("from the task"), list);
            assertEquals(1, dict.get("n"));
            assertEquals(7, account.balance());
        }
    }

    @Test
    void closingTwiceIsHarmless() {
        Manager server = Manager.serve(KEY);
        server.close();
        server.close();
        assertThrows(IllegalStateException.class, server::list);
    }
}
