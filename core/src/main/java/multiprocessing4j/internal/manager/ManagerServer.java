package multiprocessing4j.internal.manager;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import multiprocessing4j.internal.codec.Codec;

/**
 * A manager's server: a listening socket, an acceptor thread, a {@link Session} thread per client, the
 * {@link ObjectTable} and the {@link TypeRegistry}. It runs in whichever JVM creates it: the user's
 * ({@code Manager.serve}), a child started for it ({@code Manager.start}), or {@code mp4j manager serve}.
 */
public final class ManagerServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("multiprocessing4j.manager");
    private static final AtomicInteger THREADS = new AtomicInteger();

    /**
     * How a server is set up.
     *
     * @param bind                 where to listen; port 0 picks a free one
     * @param authkey              the shared secret clients must prove they know
     * @param ssl                  TLS for every connection, or {@code null} for plain TCP
     * @param maxFrameLength       the largest request accepted, in bytes
     * @param allowedClasses       class names, beyond the built-in ones, that requests may carry
     * @param acceptRegistrations  whether clients may register types (only a child serving its parent)
     * @param acceptShutdown       whether clients may shut the server down (only a child serving its parent)
     * @param spinNanos            how long a session polls for the next request before it sleeps
     */
    public record Config(InetSocketAddress bind, byte[] authkey, SSLContext ssl, int maxFrameLength,
                         Set<String> allowedClasses, boolean acceptRegistrations, boolean acceptShutdown,
                         long spinNanos) {
        public Config {
            Objects.requireNonNull(bind, "bind");
            Objects.requireNonNull(authkey, "authkey");
            if (authkey.length == 0) {
                throw new IllegalArgumentException("the authkey must not be empty");
            }
            authkey = authkey.clone();
            if (maxFrameLength < 64) {
                throw new IllegalArgumentException("maxFrameLength too small: " + maxFrameLength);
            }
            allowedClasses = Set.copyOf(allowedClasses);
        }
    }

    private final Config config;
    private final ObjectTable objects = new ObjectTable();
    private final TypeRegistry types = new TypeRegistry();
    private final Set<String> allowed = ConcurrentHashMap.newKeySet();
    private final Codec restricted;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final ServerSocketChannel plainListener;
    private final SSLServerSocket tlsListener;
    private final Endpoint endpoint;
    private final Thread acceptor;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean closing;

    /**
     * Binds and starts accepting.
     *
     * @throws IOException if the address cannot be bound
     */
    public ManagerServer(Config config) throws IOException {
        this.config = config;
        this.allowed.addAll(config.allowedClasses());
        this.restricted = ManagerCodecs.restricted(allowed::contains);
        InetSocketAddress bound;
        if (config.ssl() == null) {
            plainListener = ServerSocketChannel.open();
            plainListener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            plainListener.bind(config.bind(), 128);
            bound = (InetSocketAddress) plainListener.getLocalAddress();
            tlsListener = null;
        } else {
            tlsListener = (SSLServerSocket) config.ssl().getServerSocketFactory().createServerSocket();
            tlsListener.setReuseAddress(true);
            tlsListener.bind(config.bind(), 128);
            bound = (InetSocketAddress) tlsListener.getLocalSocketAddress();
            plainListener = null;
        }
        InetAddress host = bound.getAddress();
        String advertised = host.isAnyLocalAddress() ? InetAddress.getLoopbackAddress().getHostAddress()
                : host.getHostAddress();
        this.endpoint = new Endpoint(advertised, bound.getPort(), config.ssl() != null);
        this.acceptor = new Thread(this::acceptLoop, "mp4j-manager-acceptor-" + endpoint);
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.log(System.Logger.Level.DEBUG, "manager serving at {0}", endpoint);
    }

    /** Where clients in this JVM reach the server (loopback when it listens on all interfaces). */
    Endpoint endpoint() {
        return endpoint;
    }

    /** The address the server listens on. */
    public InetSocketAddress address() {
        return new InetSocketAddress(endpoint.host(), endpoint.port());
    }

    byte[] authkey() {
        return config.authkey();
    }

    /** Whether a handle names an object of this server: same port, same key (hosts may be spelled differently). */
    boolean owns(ProxyHandle h) {
        return h.endpoint().port() == endpoint.port() && h.endpoint().tls() == endpoint.tls()
                && java.security.MessageDigest.isEqual(h.authkey(), config.authkey());
    }

    int maxFrameLength() {
        return config.maxFrameLength();
    }

    boolean acceptsRegistrations() {
        return config.acceptRegistrations();
    }

    boolean acceptsShutdown() {
        return config.acceptShutdown();
    }

    Codec restrictedCodec() {
        return restricted;
    }

    ObjectTable objects() {
        return objects;
    }

    TypeRegistry types() {
        return types;
    }

    boolean isClosed() {
        return closing;
    }

    /** The number of live managed objects. */
    public int objectCount() {
        return objects.size();
    }

    /** Lets requests carry instances of these classes. */
    public void allow(Class<?>... classes) {
        for (Class<?> c : classes) {
            allowed.add(c.getName());
        }
    }

    /**
     * Registers a type created by {@code supplier}; the parameter and return types of the interface's
     * methods are allowed in requests from then on.
     */
    public void register(String name, Class<?> iface, Supplier<?> supplier) {
        Objects.requireNonNull(supplier, "supplier");
        types.register(name, iface, supplier);
        for (Method m : ObjectTable.methodsOf(iface).values()) {
            for (Class<?> p : m.getParameterTypes()) {
                allowType(p);
            }
            allowType(m.getReturnType());
        }
    }

    private void allowType(Class<?> c) {
        while (c.isArray()) {
            c = c.getComponentType();
        }
        if (!c.isPrimitive() && c != Object.class && !c.isInterface()) {
            allowed.add(c.getName());
        }
    }

    private void acceptLoop() {
        while (!closing) {
            try {
                Session session;
                if (plainListener != null) {
                    SocketChannel channel = plainListener.accept();
                    String peer = String.valueOf(channel.getRemoteAddress());
                    session = new Session(this, () -> {
                        try {
                            return new ChannelTransport(channel, config.spinNanos());
                        } catch (IOException e) {
                            closeQuietly(channel);
                            LOG.log(System.Logger.Level.WARNING, "cannot set up the connection from " + peer, e);
                            return null;
                        }
                    }, peer);
                } else {
                    SSLSocket socket = (SSLSocket) tlsListener.accept();
                    String peer = String.valueOf(socket.getRemoteSocketAddress());
                    session = new Session(this, () -> {
                        try {
                            socket.setSoTimeout((int) TimeUnit.NANOSECONDS.toMillis(Session.HANDSHAKE_TIMEOUT_NANOS));
                            socket.startHandshake();
                            return new TlsTransport(socket);
                        } catch (IOException e) {
                            closeQuietly(socket);
                            LOG.log(System.Logger.Level.WARNING, "dropping manager connection from " + peer
                                    + ": TLS handshake failed: " + e.getMessage());
                            return null;
                        }
                    }, peer);
                }
                sessions.add(session);
                Thread t = new Thread(() -> {
                    try {
                        session.run();
                    } finally {
                        threads.remove(Thread.currentThread());
                    }
                }, "mp4j-manager-session-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                threads.add(t);
                if (closing) {
                    session.close();
                }
                t.start();
            } catch (IOException e) {
                if (!closing) {
                    LOG.log(System.Logger.Level.WARNING, "manager at " + endpoint + " failed to accept", e);
                }
            }
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // already failing; the original error is what gets reported
        }
    }

    void sessionEnded(Session session) {
        sessions.remove(session);
    }

    /** The number of connected clients. */
    public int sessionCount() {
        return sessions.size();
    }

    /** Closes from a session's thread, after its reply is out. */
    void closeSoon() {
        Thread t = new Thread(this::close, "mp4j-manager-shutdown");
        t.setDaemon(true);
        t.start();
    }

    /** Blocks until the server has been closed. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /**
     * Stops listening, drops every connection (what clients held is released), forgets every object.
     * Waits a few seconds at most for the threads to finish. Closing twice is harmless.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        if (plainListener != null) {
            closeQuietly(plainListener);
        } else {
            closeQuietly(tlsListener);
        }
        for (Session s : sessions) {
            s.close();
        }
        for (Thread t : threads) {
            t.interrupt();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        try {
            acceptor.join(TimeUnit.NANOSECONDS.toMillis(Math.max(1, deadline - System.nanoTime())));
            for (Thread t : threads) {
                if (t != Thread.currentThread()) {
                    t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        objects.clear();
        closed.countDown();
        LOG.log(System.Logger.Level.DEBUG, "manager at {0} closed", endpoint);
    }

    @Override
    public String toString() {
        return "ManagerServer[" + endpoint + ", " + sessions.size() + " clients, " + objects.size() + " objects, allowed "
                + Arrays.toString(allowed.toArray()) + "]";
    }
}
