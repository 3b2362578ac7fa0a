package multiprocessing4j.internal.runtime;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import multiprocessing4j.internal.platform.Fifo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where children connect back exists only while a launch is pending (a pair of FIFOs per launch, or one
 * socket), so that a parent killed with SIGKILL between launches leaves nothing in the temporary directory;
 * only a hello with the launch's secret is accepted.
 */
@Timeout(60)
class ListenerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long FIRST_ID = Long.MAX_VALUE - 20; // never a real launch's id

    @BeforeAll
    @AfterAll
    static void noSpares() {
        Spares.clear(); // a spare being launched would hold the directory open
    }

    @AfterEach
    void defaultLink() {
        System.clearProperty(Listener.LINK_PROPERTY);
    }

    private static Path path(String address, String prefix) {
        assertTrue(address.startsWith(prefix), address);
        return Path.of(address.substring(prefix.length()));
    }

    @Test
    void fifosAreTheDefaultHere() {
        assertTrue(Fifo.available(), Fifo.unavailableReason());
        assertTrue(Listener.usesFifos());
        System.setProperty(Listener.LINK_PROPERTY, "socket");
        assertFalse(Listener.usesFifos());
    }

    @Test
    void theSocketIsBoundForAPendingLaunchAndRemovedWithItsDirectoryWhenNoneIsLeft() throws Exception {
        System.setProperty(Listener.LINK_PROPERTY, "socket");
        Listener listener = Listener.get();
        Path first = path(listener.expect(FIRST_ID, new byte[Wire.SECRET_LENGTH], null), Listener.SOCKET_ADDRESS);
        Path second = path(listener.expect(FIRST_ID + 1, new byte[Wire.SECRET_LENGTH], null), Listener.SOCKET_ADDRESS);
        assertEquals(first, second, "one socket serves every pending launch");
        assertTrue(Files.exists(first));

        listener.forget(FIRST_ID);
        assertTrue(Files.exists(first), "a launch is still pending");
        listener.forget(FIRST_ID + 1);
        assertFalse(Files.exists(first.getParent()), "no launch pending: no socket, no directory");
    }

    @Test
    void aNewLaunchAfterTheSocketWasRemovedBindsAFreshOne() throws Exception {
        System.setProperty(Listener.LINK_PROPERTY, "socket");
        Listener listener = Listener.get();
        Path before = path(listener.expect(FIRST_ID + 2, new byte[Wire.SECRET_LENGTH], null), Listener.SOCKET_ADDRESS);
        listener.forget(FIRST_ID + 2);
        Path after = path(listener.expect(FIRST_ID + 3, new byte[Wire.SECRET_LENGTH], null), Listener.SOCKET_ADDRESS);
        try {
            assertNotEquals(before.getParent(), after.getParent());
            assertTrue(Files.exists(after));
        } finally {
            listener.forget(FIRST_ID + 3);
        }
    }

    @Test
    void eachPendingLaunchHasItsFifosAndForgettingItRemovesThemAndThenTheDirectory() throws Exception {
        Listener listener = Listener.get();
        Path first = path(listener.expect(FIRST_ID + 4, new byte[Wire.SECRET_LENGTH], null), Listener.FIFO_ADDRESS);
        Path second = path(listener.expect(FIRST_ID + 5, new byte[Wire.SECRET_LENGTH], null), Listener.FIFO_ADDRESS);
        assertEquals(first.getParent(), second.getParent(), "one directory for every pending launch");
        for (Path prefix : new Path[]{first, second}) {
            for (String end : new String[]{Listener.UP, Listener.DOWN}) {
                Path fifo = Path.of(prefix + end);
                assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo) && !Files.isDirectory(fifo), fifo.toString());
                assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(fifo)));
            }
        }
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(first.getParent())));

        listener.forget(FIRST_ID + 4);
        assertFalse(Files.exists(Path.of(first + Listener.UP)), "a forgotten launch's FIFOs are removed");
        assertTrue(Files.exists(Path.of(second + Listener.UP)), "a launch is still pending");
        listener.forget(FIRST_ID + 5);
        assertFalse(Files.exists(first.getParent()), "no launch pending: no FIFO, no directory");
    }

    @Test
    void aHelloWithoutTheSecretFailsTheFifoLaunchAndRemovesItsFifos() throws Exception {
        Listener listener = Listener.get();
        Path prefix = path(listener.expect(FIRST_ID + 6, new byte[Wire.SECRET_LENGTH], null), Listener.FIFO_ADDRESS);
        try (FileOutputStream up = new FileOutputStream(prefix + Listener.UP)) {
            byte[] hello = new byte[8 + Wire.SECRET_LENGTH + 8];
            hello[7] = 1; // another launch id, a zero secret, pid 0
            Wire.write(java.nio.channels.Channels.newChannel(up), Wire.HELLO, hello, 0, hello.length);
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (Files.exists(prefix.getParent()) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertFalse(Files.exists(prefix.getParent()), "the refused launch's FIFOs and directory are gone");
        listener.forget(FIRST_ID + 6); // harmless: it is not pending any more
    }

    @ParameterizedTest
    @ValueSource(strings = {"fifo", "socket"})
    void aChildThatHasConnectedLeavesNothingBehindAndTalksBothWays(String link) throws Exception {
        System.setProperty(Listener.LINK_PROPERTY, link);
        try (ChildJvm child = ChildJvm.obtain(JvmSpec.DEFAULT, false)) {
            child.handOver("echo", EchoEntry.class, new byte[0], true, Output.INHERIT, Output.INHERIT);
            assertTrue(child.awaitReady(WAIT));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (ourDirectoryExists() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertFalse(ourDirectoryExists());
            assertTrue(child.isAlive(), "the connection outlives what it was made on");
            byte[] message = "ping".getBytes(StandardCharsets.UTF_8);
            child.link().send(message);
            assertArrayEquals(message, child.link().receive(WAIT));
            child.kill();
            assertEquals(-9, child.exit().get());
            assertThrows(LinkClosedException.class, () -> {
                for (int i = 0; i < 1_000; i++) {
                    child.link().send(new byte[64 * 1024]); // a dead child's end fails, never fills up
                }
            });
            assertThrows(LinkClosedException.class, () -> child.link().receive(WAIT));
        }
    }

    /** Echoes every message back until the link ends. */
    private static final class EchoEntry implements ChildEntry {
        EchoEntry(byte[] unused) {
        }

        @Override
        public void run(Link parent) throws Exception {
            while (true) {
                parent.send(parent.receive());
            }
        }
    }

    private static boolean ourDirectoryExists() throws Exception {
        String prefix = Listener.DIR_PREFIX + ProcessHandle.current().pid() + "-";
        for (Path base : new Path[]{Path.of(System.getProperty("java.io.tmpdir")), Path.of("/tmp")}) {
            try (var dirs = Files.newDirectoryStream(base, prefix + "*")) {
                if (dirs.iterator().hasNext()) {
                    return true;
                }
            }
        }
        return false;
    }
}
