package multiprocessing4j.manager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.Lock;

import javax.net.ssl.SSLContext;

import multiprocessing4j.SerializableSupplier;
import multiprocessing4j.internal.manager.ChildServer;
import multiprocessing4j.internal.manager.ManagerClient;
import multiprocessing4j.internal.manager.ManagerServer;
import multiprocessing4j.internal.manager.TypeRegistry;

/**
 * A server holding shared objects (lists, dicts, namespaces, queues, locks, your own types) and handing
 * out proxies to them that implement the {@code java.util} interfaces: Python's {@code Manager()} and
 * {@code BaseManager}. Processes on this machine or across the network share structured state through
 * it.
 *
 * <pre>{@code
 * try (Manager manager = Manager.start()) {                       // the server in a child JVM
 *     List<String> log = manager.list();
 *     ConcurrentMap<String, Integer> counts = manager.dict();
 *     ChildProcess.start(() -> {                                   // proxies travel inside tasks
 *         log.add("hello from " + ProcessHandle.current().pid());
 *         counts.merge("children", 1, Integer::sum);               // atomic: ConcurrentMap semantics
 *     }).join();
 *     System.out.println(log + " " + counts);
 * }
 *
 * // across the network
 * Manager server = Manager.serve(new InetSocketAddress("0.0.0.0", 50000), key);   // binds where told
 * Manager client = Manager.connect(new InetSocketAddress("db-host", 50000), key);
 * }</pre>
 *
 * <h2>Proxies</h2>
 * Every method of a proxy is one round trip to the server and one atomic operation there. Iteration and
 * the views of a list or a map ({@code iterator()}, {@code keySet()}, {@code entrySet()}, {@code subList}
 * …) work on a snapshot taken in one round trip, like {@link java.util.concurrent.CopyOnWriteArrayList}'s
 * iterators: to change the object, call its own methods. Values are copied in and out (a {@code get}
 * returns a copy); a proxy stored in a managed object is stored as a <em>reference</em>, so a list
 * inside a dict is the same list for everyone.
 *
 * <p>Proxies are handles: {@code Serializable}, and a proxy captured in a task sent to a child process
 * or a pool worker connects from there to the same object. A handle carries the authkey, so only send
 * proxies to processes you would trust with the key.
 *
 * <h2>Threads, blocking and ownership</h2>
 * Each thread that uses a manager gets its own connection, served by its own thread on the server, so
 * one client blocking (in a queue's {@code take}, a lock) never stalls another. Blocking methods wait
 * on the server in short slices and so honour interruption and their timeouts promptly. Locks are owned
 * by the calling <em>thread</em>, in whatever process; when a process dies or a thread that used the
 * manager ends, its connection closes and the server releases its locks, the permits it held of a
 * bounded semaphore, and breaks a barrier it waited at. A method of a registered type runs on the
 * server as long as it takes, and its caller waits for it without reacting to interruption: give such
 * methods their own timeouts.
 *
 * <h2>Lifetime and failure</h2>
 * Objects live until the manager shuts down, or until {@link #release} of one of their proxies. If the
 * server goes away, every proxy call throws {@link ManagerConnectionException} naming its address;
 * nothing hangs. An exception thrown by a method on the server is thrown by the proxy call with the same
 * type, and with the server's stack trace followed by the caller's.
 *
 * <h2>Security</h2>
 * Clients prove they know the authkey by challenge and response (HMAC-SHA256; the key never crosses the
 * wire) and so does the server. A server binds to the loopback interface unless given another address,
 * decodes only built-in value types plus the classes it was told to allow ({@link Builder#allow}) and
 * those used by registered types, refuses anything else with an {@link IllegalArgumentException} to the
 * caller, and drops connections that send malformed or oversized frames. {@link Builder#tls} adds TLS.
 *
 * <p><b>Memory consistency effects:</b> an operation through a proxy happens-before any operation,
 * through any proxy in any process, that observes its effect on the server.
 */
public final class Manager implements AutoCloseable {
    private final ManagerClient client;
    private final ManagerServer server;
    private final AutoCloseable owned;
    private final boolean remoteRegistration;
    private volatile boolean closed;

    private Manager(ManagerClient client, ManagerServer server, AutoCloseable owned, boolean remoteRegistration) {
        this.client = client;
        this.server = server;
        this.owned = owned;
        this.remoteRegistration = remoteRegistration;
    }

    /**
     * Starts a server in a child JVM (gone with this one) and returns a manager that uses it, Python's
     * {@code Manager()}. The server listens on the loopback interface with a fresh random authkey; proxies
     * carry that key to the processes they are sent to. Closing the manager stops the child.
     *
     * @throws IllegalStateException if the child could not be started
     */
    public static Manager start() {
        return builder().start();
    }

    /** Options for {@link Builder#serve}, {@link Builder#connect} and {@link Builder#start}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a server in this JVM, listening on {@code address} (port 0 picks a free one), and returns a
     * manager that uses it. Closing the manager stops the server.
     *
     * @throws UncheckedIOException if the address cannot be bound
     */
    public static Manager serve(InetSocketAddress address, byte[] authkey) {
        return builder().serve(address, authkey);
    }

    /** {@link #serve(InetSocketAddress, byte[])} on the loopback interface, on a free port. */
    public static Manager serve(byte[] authkey) {
        return builder().serve(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), authkey);
    }

    /**
     * Connects to a manager's server. Closing the returned manager closes this JVM's connections; the
     * server goes on.
     *
     * @throws ManagerAuthenticationException if the server does not accept the key, or cannot prove it knows it
     * @throws ManagerConnectionException     if the server cannot be reached
     */
    public static Manager connect(InetSocketAddress address, byte[] authkey) {
        return builder().connect(address, authkey);
    }

    /** Where the server listens. */
    public InetSocketAddress address() {
        return client.endpointAddress();
    }

    private <T> T make(String type, Object... args) {
        checkOpen();
        @SuppressWarnings("unchecked")
        T proxy = (T) client.create(type, args);
        return proxy;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this manager (" + client.address() + ") has been closed");
        }
    }

    /** A new empty shared list. */
    public <E> List<E> list() {
        return make(TypeRegistry.LIST);
    }

    /** A new shared list holding copies of {@code elements}. */
    public <E> List<E> list(Collection<? extends E> elements) {
        return make(TypeRegistry.LIST, new ArrayList<>(elements));
    }

    /** A new empty shared map with {@link ConcurrentMap} semantics (no null keys or values). */
    public <K, V> ConcurrentMap<K, V> dict() {
        return make(TypeRegistry.DICT);
    }

    /** A new shared map holding copies of {@code entries}. */
    public <K, V> ConcurrentMap<K, V> dict(Map<? extends K, ? extends V> entries) {
        return make(TypeRegistry.DICT, new LinkedHashMap<>(entries));
    }

    /** A new empty namespace. */
    public Namespace namespace() {
        return make(TypeRegistry.NAMESPACE);
    }

    /** A new unbounded FIFO queue. */
    public <E> BlockingQueue<E> queue() {
        return make(TypeRegistry.QUEUE);
    }

    /** A new FIFO queue holding at most {@code capacity} elements. */
    public <E> BlockingQueue<E> queue(int capacity) {
        return make(TypeRegistry.QUEUE, positive(capacity, "capacity"));
    }

    /** A new unbounded queue that counts unfinished tasks. */
    public <E> JoinableQueue<E> joinableQueue() {
        return make(TypeRegistry.JOINABLE_QUEUE);
    }

    /** A new queue of at most {@code capacity} elements that counts unfinished tasks. */
    public <E> JoinableQueue<E> joinableQueue(int capacity) {
        return make(TypeRegistry.JOINABLE_QUEUE, positive(capacity, "capacity"));
    }

    /**
     * A new non-reentrant lock (Python's {@code Lock}), owned by the thread that takes it. Taking it again
     * from the thread that holds it throws {@link IllegalStateException} instead of deadlocking;
     * {@code unlock} from another thread throws {@link IllegalMonitorStateException}.
     */
    public Lock lock() {
        return make(TypeRegistry.LOCK);
    }

    /** A new reentrant lock (Python's {@code RLock}), owned by the thread that takes it. */
    public Lock reentrantLock() {
        return make(TypeRegistry.REENTRANT_LOCK);
    }

    /** A new semaphore with {@code permits} permits. */
    public ManagedSemaphore semaphore(int permits) {
        return make(TypeRegistry.SEMAPHORE, nonNegative(permits));
    }

    /** A new semaphore that may never hold more than {@code permits} permits. */
    public ManagedSemaphore boundedSemaphore(int permits) {
        return make(TypeRegistry.BOUNDED_SEMAPHORE, nonNegative(permits));
    }

    /** A new reentrant lock with a condition. */
    public ManagedCondition condition() {
        return make(TypeRegistry.CONDITION);
    }

    /** A new event, not set. */
    public ManagedEvent event() {
        return make(TypeRegistry.EVENT);
    }

    /** A new barrier for {@code parties} parties. */
    public ManagedBarrier barrier(int parties) {
        return make(TypeRegistry.BARRIER, positive(parties, "parties"));
    }

    /** A new value holding a copy of {@code initial} (which may be {@code null}). */
    public <T> ManagedValue<T> value(T initial) {
        return make(TypeRegistry.VALUE, initial);
    }

    /**
     * A new fixed-size shared array holding copies of {@code elements} (Python's {@code manager.Array}):
     * a {@link List} whose {@code set} works and whose {@code add}/{@code remove} throw
     * {@link UnsupportedOperationException}.
     */
    @SafeVarargs
    public final <E> List<E> array(E... elements) {
        return make(TypeRegistry.ARRAY, (Object) Arrays.copyOf(elements, elements.length, Object[].class));
    }

    /** {@link #array(Object[])} of a collection's elements. */
    public <E> List<E> array(Collection<? extends E> elements) {
        return make(TypeRegistry.ARRAY, (Object) elements.toArray());
    }

    private static int positive(int n, String what) {
        if (n <= 0) {
            throw new IllegalArgumentException(what + " must be positive, was " + n);
        }
        return n;
    }

    private static int nonNegative(int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits must not be negative, was " + permits);
        }
        return permits;
    }

    /**
     * Registers a type of your own, Python's {@code BaseManager.register}: {@link #create(String)} then
     * makes an object with {@code factory} on the server and returns a proxy implementing
     * {@code proxyInterface}, whose every method is a call on that object. The classes of the interface's
     * parameters and results are allowed in requests from then on.
     *
     * <p>On a manager made by {@link #serve} or {@link #start} the type is registered with its server (a
     * child server receives the factory serialized). A manager made by {@link #connect} cannot register:
     * types are registered where the server runs, and a connected client only creates them.
     *
     * @throws IllegalArgumentException if {@code name} is a built-in type's name, {@code proxyInterface}
     *                                  is not an interface, or the factory cannot be serialized
     * @throws UnsupportedOperationException on a manager made by {@link #connect}
     */
    public <I> void register(String name, Class<I> proxyInterface, SerializableSupplier<? extends I> factory) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(proxyInterface, "proxyInterface");
        Objects.requireNonNull(factory, "factory");
        checkOpen();
        if (server != null) {
            server.register(name, proxyInterface, factory);
            client.rememberInterface(name, proxyInterface);
        } else if (remoteRegistration) {
            client.register(name, proxyInterface, factory);
        } else {
            throw new UnsupportedOperationException("a manager made by connect() cannot register types: register '"
                    + name + "' where the server at " + client.address() + " runs, then create() it here");
        }
    }

    /**
     * Creates an object of a registered type on the server and returns its proxy.
     *
     * @throws IllegalArgumentException if no type is registered under {@code name} on the server
     */
    public <I> I create(String name) {
        Objects.requireNonNull(name, "name");
        return make(name);
    }

    /** {@link #create(String)}, checking the proxy implements {@code proxyInterface}. */
    public <I> I create(String name, Class<I> proxyInterface) {
        Object proxy = make(name);
        if (!proxyInterface.isInstance(proxy)) {
            throw new IllegalArgumentException("'" + name + "' is not registered as a " + proxyInterface.getName());
        }
        return proxyInterface.cast(proxy);
    }

    /**
     * Removes the object behind {@code proxy} from the server; every proxy to it fails from then on with
     * {@link IllegalStateException}.
     *
     * @throws IllegalArgumentException if {@code proxy} is not a proxy of this manager
     */
    public void release(Object proxy) {
        checkOpen();
        client.release(proxy);
    }

    /**
     * Stops the server if this manager owns it ({@link #serve}, {@link #start}), dropping every client and
     * object; for a manager made by {@link #connect}, closes this JVM's connections only. Harmless twice.
     */
    public void shutdown() {
        close();
    }

    /** {@link #shutdown()}. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        client.close();
        if (server != null) {
            server.close();
        }
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                throw new IllegalStateException("stopping the manager at " + client.address() + " failed", e);
            }
        }
    }

    @Override
    public String toString() {
        return "Manager[" + client.address() + (server != null ? ", served here" : owned != null ? ", child" : "")
                + "]";
    }

    /**
     * How a manager is set up: the classes its server allows, types registered before it serves, TLS,
     * limits. Each terminal method ({@link #serve}, {@link #connect}, {@link #start}) makes a manager.
     */
    public static final class Builder {
        private final Set<String> allowed = new HashSet<>();
        private final Map<String, Object[]> types = new LinkedHashMap<>();
        private SSLContext ssl;
        private int maxFrameLength = 64 << 20;
        private Duration connectTimeout = Duration.ofSeconds(10);

        private Builder() {
        }

        /** Lets requests carry instances of these classes (beyond the built-in types); for a server. */
        public Builder allow(Class<?>... classes) {
            for (Class<?> c : classes) {
                allowed.add(c.getName());
            }
            return this;
        }

        /** Registers a type with the server before it serves (see {@link Manager#register}). */
        public <I> Builder register(String name, Class<I> proxyInterface, SerializableSupplier<? extends I> factory) {
            types.put(Objects.requireNonNull(name, "name"), new Object[] {Objects.requireNonNull(proxyInterface),
                    Objects.requireNonNull(factory)});
            return this;
        }

        /**
         * Uses TLS for every connection, with this context: its key manager on a server, its trust manager
         * on a client. For {@link #serve} the context serves both the server and this JVM's own client, so
         * initialise it with key and trust managers. Proxies of a TLS manager sent to other JVMs connect
         * from there with {@link SSLContext#getDefault()} (set {@code javax.net.ssl.trustStore} there). The
         * authkey handshake still runs inside TLS: the certificate may be self-signed.
         */
        public Builder tls(SSLContext context) {
            this.ssl = Objects.requireNonNull(context, "context");
            return this;
        }

        /** The largest request a server accepts, in bytes (default 64 MiB); larger ones drop the connection. */
        public Builder maxFrameLength(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxFrameLength must be at least 1024 bytes, was " + bytes);
            }
            this.maxFrameLength = bytes;
            return this;
        }

        /** How long connecting (and authenticating) may take (default 10 s). */
        public Builder connectTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("connectTimeout must be positive, was " + timeout);
            }
            this.connectTimeout = timeout;
            return this;
        }

        /** See {@link Manager#serve(InetSocketAddress, byte[])}. */
        public Manager serve(InetSocketAddress address, byte[] authkey) {
            Objects.requireNonNull(address, "address");
            checkKey(authkey);
            ManagerServer server = newServer(address, authkey);
            try {
                ManagerClient client = ManagerClient.connect(server.address(), authkey, ssl, connectTimeout);
                for (Map.Entry<String, Object[]> t : types.entrySet()) {
                    client.rememberInterface(t.getKey(), (Class<?>) t.getValue()[0]);
                }
                return new Manager(client, server, null, false);
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
        }

        /** See {@link Manager#start()}; types registered here are registered with the child's server. */
        public Manager start() {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            ChildServer child = ChildServer.start(key, allowed, maxFrameLength);
            try {
                ManagerClient client = ManagerClient.connect(child.address(), key, null, connectTimeout);
                Manager manager = new Manager(client, null, child, true);
                for (Map.Entry<String, Object[]> t : types.entrySet()) {
                    @SuppressWarnings("unchecked")
                    Class<Object> iface = (Class<Object>) t.getValue()[0];
                    @SuppressWarnings("unchecked")
                    SerializableSupplier<Object> factory = (SerializableSupplier<Object>) t.getValue()[1];
                    manager.register(t.getKey(), iface, factory);
                }
                return manager;
            } catch (RuntimeException e) {
                child.close();
                throw e;
            }
        }

        /** See {@link Manager#connect(InetSocketAddress, byte[])}. */
        public Manager connect(InetSocketAddress address, byte[] authkey) {
            Objects.requireNonNull(address, "address");
            checkKey(authkey);
            return new Manager(ManagerClient.connect(address, authkey, ssl, connectTimeout), null, null, false);
        }

        /** The server behind {@link #serve}: registrations and shutdown come from this JVM, not from clients. */
        private ManagerServer newServer(InetSocketAddress address, byte[] authkey) {
            try {
                ManagerServer server = new ManagerServer(new ManagerServer.Config(address, authkey, ssl,
                        maxFrameLength, allowed, false, false,
                        ManagerClient.spinNanosSetting()));
                try {
                    for (Map.Entry<String, Object[]> t : types.entrySet()) {
                        server.register(t.getKey(), (Class<?>) t.getValue()[0],
                                (SerializableSupplier<?>) t.getValue()[1]);
                    }
                } catch (RuntimeException e) {
                    server.close();
                    throw e;
                }
                return server;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot serve a manager at " + address + ": " + e.getMessage(), e);
            }
        }

        private static void checkKey(byte[] authkey) {
            Objects.requireNonNull(authkey, "authkey");
            if (authkey.length == 0) {
                throw new IllegalArgumentException("the authkey must not be empty");
            }
        }
    }
}
