package multiprocessing4j.internal.manager;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import multiprocessing4j.internal.codec.NotSerializableValueException;
import multiprocessing4j.internal.platform.Futex;

/**
 * The client side of a manager: where it is, the key, and one {@link ClientConnection} per calling
 * thread, opened on the thread's first call and kept. Proxies hold a client and an object id; the
 * proxies a JVM receives inside tasks or replies share one client per manager ({@link #shared}).
 */
public final class ManagerClient implements AutoCloseable {
    /**
     * System property: how many microseconds a waiting side polls before sleeping, beyond the futex's own
     * adaptive spin. Default 0: on a shared machine with few CPUs, a poller holds the CPU its peer needs
     * (measured here: 0 gave a round trip of 3 µs over shared memory, 20 gave 50 µs); on a machine with
     * CPUs to spare a few microseconds can help.
     */
    public static final String SPIN_MICROS_PROPERTY = "mp4j.manager.spinMicros";
    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(Long.getLong(SPIN_MICROS_PROPERTY, 0));
    private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Map<Object, ManagerClient> SHARED = new ConcurrentHashMap<>();

    private final Endpoint endpoint;
    private final byte[] authkey;
    private final SSLContext ssl;
    private final Duration connectTimeout;
    private final ThreadLocal<ClientConnection> local = new ThreadLocal<>();
    private final Set<ClientConnection> connections = ConcurrentHashMap.newKeySet();
    private final Map<String, Class<?>> interfaces = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private ManagerClient(Endpoint endpoint, byte[] authkey, SSLContext ssl, Duration connectTimeout) {
        this.endpoint = endpoint;
        this.authkey = authkey.clone();
        this.ssl = ssl;
        this.connectTimeout = connectTimeout;
    }

    /** System property: {@code false} keeps same-machine connections on TCP instead of shared memory. */
    public static final String SHARED_MEMORY_PROPERTY = "mp4j.manager.sharedMemory";
    private static final boolean SHARED_MEMORY = !"false".equalsIgnoreCase(System.getProperty(SHARED_MEMORY_PROPERTY))
            && System.getProperty("os.name", "").startsWith("Linux");

    /**
     * Whether this JVM takes part in shared-memory transports: Linux, not switched off, and real futex
     * wake-ups (a JVM without native access polls, and a peer could then wait up to a futex slice for it).
     */
    static boolean sharedMemoryEnabled() {
        return SHARED_MEMORY && Futex.isNative();
    }

    static long spinNanos() {
        return SPIN_NANOS;
    }

    /** How long a waiting side polls its socket before sleeping, from {@value #SPIN_MICROS_PROPERTY}. */
    public static long spinNanosSetting() {
        return SPIN_NANOS;
    }

    /** The manager's address. */
    public InetSocketAddress endpointAddress() {
        return new InetSocketAddress(endpoint.host(), endpoint.port());
    }

    /**
     * A client of the manager at {@code address}; connects (and authenticates) this thread at once, so
     * a wrong address or key fails here.
     *
     * @param ssl TLS, or {@code null} for plain TCP
     */
    public static ManagerClient connect(InetSocketAddress address, byte[] authkey, SSLContext ssl,
                                        Duration connectTimeout) {
        Objects.requireNonNull(address, "address");
        checkKey(authkey);
        ManagerClient c = new ManagerClient(Endpoint.of(address, ssl != null), authkey, ssl,
                connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout);
        c.connection();
        return c;
    }

    static void checkKey(byte[] authkey) {
        Objects.requireNonNull(authkey, "authkey");
        if (authkey.length == 0) {
            throw new IllegalArgumentException("the authkey must not be empty");
        }
    }

    /** The client this JVM uses for handles of the manager at {@code endpoint}; TLS handles use the default SSLContext. */
    static ManagerClient shared(Endpoint endpoint, byte[] authkey) {
        Object key = Arrays.asList(endpoint, ByteBuffer.wrap(authkey.clone()));
        return SHARED.computeIfAbsent(key, k -> {
            SSLContext ssl = null;
            if (endpoint.tls()) {
                try {
                    ssl = SSLContext.getDefault();
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException("no default SSLContext to reach " + endpoint, e);
                }
            }
            return new ManagerClient(endpoint, authkey, ssl, DEFAULT_CONNECT_TIMEOUT);
        });
    }

    Endpoint endpoint() {
        return endpoint;
    }

    /** The manager's address as {@code host:port}. */
    public String address() {
        return endpoint.toString();
    }

    byte[] authkey() {
        return authkey;
    }

    SSLContext ssl() {
        return ssl;
    }

    Duration connectTimeout() {
        return connectTimeout;
    }

    /** This thread's connection, opened if it has none. */
    ClientConnection connection() {
        ClientConnection c = local.get();
        if (c != null && c.isOpen()) {
            return c;
        }
        if (closed) {
            throw new IllegalStateException("this client of the manager at " + endpoint + " has been closed");
        }
        sweep();
        c = ClientConnection.open(this);
        connections.add(c);
        local.set(c);
        if (closed) {
            c.close();
            throw new IllegalStateException("this client of the manager at " + endpoint + " has been closed");
        }
        return c;
    }

    /** Closes the connections of threads that have ended: what they held on the server is released with them. */
    private void sweep() {
        for (ClientConnection c : connections) {
            if (!c.isOpen() || !c.owner().isAlive()) {
                c.close();
                connections.remove(c);
            }
        }
    }

    /** The number of open connections (one per thread that has called). */
    public int connectionCount() {
        sweep();
        return connections.size();
    }

    /**
     * Creates an object on the server and returns its proxy.
     *
     * @param typeName a built-in type name ({@link TypeRegistry}) or a registered one
     */
    public Object create(String typeName, Object... args) {
        Object[] reply = connection().create(typeName, args);
        return proxy(new ProxyHandle(endpoint, authkey, (Integer) reply[0], typeName, (String) reply[1]));
    }

    /** Remembers the interface of a type registered under {@code name}, for its proxies in this JVM. */
    public void rememberInterface(String name, Class<?> iface) {
        interfaces.put(name, iface);
    }

    /** Registers a type with a server that accepts registrations from its clients (a child serving its parent). */
    public void register(String name, Class<?> iface, Supplier<?> factory) {
        byte[] encoded;
        try {
            encoded = ManagerCodecs.trusted().encode(factory);
        } catch (NotSerializableValueException e) {
            throw new IllegalArgumentException("the factory for '" + name + "' cannot be sent to the manager: "
                    + e.getMessage(), e);
        }
        connection().register(name, iface.getName(), encoded);
        rememberInterface(name, iface);
    }

    /** Forgets the object behind a proxy on the server; later calls through any of its proxies fail. */
    public void release(Object proxy) {
        ProxyHandle h = handleOf(proxy);
        if (h == null) {
            throw new IllegalArgumentException("not a manager proxy: " + proxy);
        }
        if (!h.endpoint().equals(endpoint)) {
            throw new IllegalArgumentException("the proxy belongs to the manager at " + h.endpoint() + ", not " + endpoint);
        }
        connection().release(h.objectId());
    }

    static ProxyHandle handleOf(Object proxy) {
        if (proxy instanceof ManagedProxy p) {
            return p.handle();
        }
        if (proxy != null && Proxy.isProxyClass(proxy.getClass())
                && Proxy.getInvocationHandler(proxy) instanceof CustomProxyHandler h) {
            return h.handle();
        }
        return null;
    }

    /** Asks the server to stop (only a server that accepts that from its clients does). */
    public void shutdownServer() {
        connection().simple(Protocol.OP_SHUTDOWN, "shutdown");
    }

    /** A round trip with no work: checks the server is there. */
    public void ping() {
        connection().simple(Protocol.OP_PING, "ping");
    }

    /** A live proxy for a handle, on this client when the handle is of this client's manager. */
    Object proxy(ProxyHandle h) {
        ManagerClient owner = h.endpoint().equals(endpoint) && Arrays.equals(h.authkey(), authkey) ? this
                : shared(h.endpoint(), h.authkey());
        int id = h.objectId();
        String type = h.typeName();
        return switch (type) {
            case TypeRegistry.LIST, TypeRegistry.ARRAY -> new ListProxy<>(owner, id, type);
            case TypeRegistry.DICT -> new DictProxy<>(owner, id, type);
            case TypeRegistry.NAMESPACE -> new NamespaceProxy(owner, id, type);
            case TypeRegistry.QUEUE -> new QueueProxy<>(owner, id, type);
            case TypeRegistry.JOINABLE_QUEUE -> new JoinableQueueProxy<>(owner, id, type);
            case TypeRegistry.LOCK, TypeRegistry.REENTRANT_LOCK -> new LockProxy(owner, id, type);
            case TypeRegistry.CONDITION -> new ConditionProxy(owner, id, type);
            case TypeRegistry.SEMAPHORE, TypeRegistry.BOUNDED_SEMAPHORE -> new SemaphoreProxy(owner, id, type);
            case TypeRegistry.EVENT -> new EventProxy(owner, id, type);
            case TypeRegistry.BARRIER -> new BarrierProxy(owner, id, type);
            case TypeRegistry.VALUE -> new ValueProxy<>(owner, id, type);
            default -> CustomProxyHandler.newProxy(owner, id, type, owner.iface(type, h.interfaceName()));
        };
    }

    private Class<?> iface(String typeName, String interfaceName) {
        Class<?> known = interfaces.get(typeName);
        if (known != null && known.getName().equals(interfaceName)) {
            return known;
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            return Class.forName(interfaceName, false, loader == null ? ManagerClient.class.getClassLoader() : loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("a proxy of the manager at " + endpoint + " implements " + interfaceName
                    + ", which this JVM cannot load", e);
        }
    }

    /** Closes every connection of this client; proxies on it fail from then on. Closing twice is harmless. */
    @Override
    public void close() {
        closed = true;
        for (ClientConnection c : connections) {
            c.close();
        }
        connections.clear();
        SHARED.values().remove(this);
    }

    @Override
    public String toString() {
        return "ManagerClient[" + endpoint + "]";
    }
}
