package multiprocessing4j.internal.pool;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;

import multiprocessing4j.internal.runtime.Spares;


/**
 * Starts pool workers as JVMs ({@link WorkerProcess}: the runtime's child JVMs, warm spares included).
 *
 * <p>By default the pool and a worker talk through a pair of shared-memory rings ({@link RingWire}), created
 * before the worker is started: their name travels in the worker's entry over the runtime's authenticated link,
 * the pool writes {@code INIT} into them at once, and the worker attaches when it runs its entry. There is no
 * other connection to set up: the worker's death is learnt from the runtime ({@code ChildJvm.gone()}), the pool's
 * death makes the runtime halt the worker. A worker that was a ready spare takes tasks at once, before its
 * {@code READY} (see {@link WorkerEvents#onAccepting}): a warm pool's first task reaches the worker with its entry.
 *
 * <p>With {@code -Dmp4j.pool.transport=socket}, with {@code -Dmp4j.pool.launcher=direct}, or when no shared
 * memory can be had, each worker connects two connections back over a Unix-domain socket in a directory only this
 * user can enter, and proves itself with a per-worker secret that reached it over an authenticated channel (never
 * the command line, which other users can read); with the direct launcher the frames then move to the rings.
 */
public final class JvmWorkerLauncher implements WorkerLauncher {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long CONNECT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);
    private final List<String> jvmOptions;
    private volatile boolean closed;

    public JvmWorkerLauncher(List<String> jvmOptions) {
        requireLinux();
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    private static void requireLinux() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            throw new UnsupportedOperationException("process pools run on Linux only (this is "
                    + System.getProperty("os.name") + ")");
        }
    }

    /**
     * Starts {@code count} warm spares (those missing) for the workers of pools with these JVM options, in the
     * background; see {@code ProcessPool.Builder.prepareSpares}.
     */
    public static void prepareSpares(List<String> jvmOptions, int count) {
        requireLinux();
        Spares.prepare(workerSpec(jvmOptions), count);
    }

    /**
     * The runtime's spec of the worker JVMs of a pool given these JVM options (the pool's heap defaults
     * included): a spare prepared with it ({@code Spares.prepare}) is what such a pool's workers take.
     */
    public static multiprocessing4j.internal.runtime.JvmSpec workerSpec(List<String> jvmOptions) {
        return WorkerProcess.spec(jvmOptions);
    }

    @Override
    public WorkerChannel launch(String name, byte[] initializer, WorkerEvents events) {
        JvmWorkerChannel channel = new JvmWorkerChannel(name, events);
        // here, not on the thread: before this returns, the pool's codec must know whether the worker is cold
        WorkerProcess.Reservation jvm = WorkerProcess.reserve(jvmOptions);
        try {
            Thread.ofPlatform().daemon().name(name + "-start").start(() -> start(channel, initializer, jvm));
        } catch (RuntimeException | OutOfMemoryError e) {
            jvm.cancel();
            throw e;
        }
        return channel;
    }

    private void start(JvmWorkerChannel channel, byte[] initializer, WorkerProcess.Reservation jvm) {
        boolean rings = channel.prepareRings(); // with the direct launcher, the socket's first frame names them
        if (rings && !WorkerProcess.DIRECT) {
            startOnRings(channel, initializer, jvm);
        } else {
            startOnSocket(channel, initializer, jvm);
        }
    }

    private void startOnRings(JvmWorkerChannel channel, byte[] initializer, WorkerProcess.Reservation jvm) {
        WorkerProcess process = null;
        try {
            if (closed) {
                throw new IllegalStateException("the pool is closed");
            }
            process = WorkerProcess.startOnRings(jvmOptions, channel.name(), jvm, channel.ringsName());
            if (!channel.started(process)) {
                process.kill();
                channel.exited(process, null);
                return;
            }
            channel.attached(initializer, process.wasReady());
        } catch (Throwable t) {
            failed(channel, jvm, process, t);
        }
    }

    /** Starting the worker failed with {@code t}: its process, if it has one, is killed; else its JVM is given back. */
    private static void failed(JvmWorkerChannel channel, WorkerProcess.Reservation jvm, WorkerProcess process, Throwable t) {
        if (process != null) {
            process.kill();
            channel.exited(process, t);
        } else {
            jvm.cancel(); // nothing took it
            channel.exited(null, t);
        }
    }

    /**
     * The socket lives in a directory of its own, only for as long as the worker takes to connect: a pool
     * killed with SIGKILL leaves nothing behind in the temporary directory unless a worker was starting.
     */
    private void startOnSocket(JvmWorkerChannel channel, byte[] initializer, WorkerProcess.Reservation jvm) {
        Path directory;
        try {
            directory = Files.createTempDirectory("mp4j-pool-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            jvm.cancel();
            channel.exited(null, new IllegalStateException("cannot create a socket directory in "
                    + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), e));
            return;
        }
        Path socket = directory.resolve("worker.sock");
        // should this JVM exit while the worker is still connecting (deleted in reverse order: socket, then directory)
        directory.toFile().deleteOnExit();
        socket.toFile().deleteOnExit();
        WorkerProcess process = null;
        try (ServerSocketChannel server = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            if (closed) {
                throw new IllegalStateException("the pool is closed");
            }
            server.bind(UnixDomainSocketAddress.of(socket));
            byte[] secret = new byte[WireFormat.SECRET_LENGTH];
            RANDOM.nextBytes(secret);
            process = WorkerProcess.start(jvmOptions, channel.name(), jvm, socket, secret);
            if (!channel.started(process)) {
                process.kill();
                channel.exited(process, null);
                return;
            }
            SocketChannel tasks = null;
            SocketChannel results = null;
            server.configureBlocking(false);
            long deadline = System.nanoTime() + CONNECT_TIMEOUT_NANOS;
            try (Selector selector = Selector.open()) {
                server.register(selector, SelectionKey.OP_ACCEPT);
                while (tasks == null || results == null) {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("worker JVM " + channel.name() + " exited with "
                                + PoolEngine.describeExit(process.exitCode(5_000))
                                + " before it connected (its stderr, shown above, may say why)");
                    }
                    if (System.nanoTime() - deadline > 0) {
                        throw new IllegalStateException("worker JVM " + channel.name() + " did not connect within "
                                + TimeUnit.NANOSECONDS.toSeconds(CONNECT_TIMEOUT_NANOS) + " s");
                    }
                    selector.select(50);
                    selector.selectedKeys().clear();
                    SocketChannel accepted;
                    while ((accepted = server.accept()) != null) {
                        byte kind = handshake(accepted, secret);
                        if (kind == WireFormat.CONNECTION_TASKS && tasks == null) {
                            tasks = accepted;
                        } else if (kind == WireFormat.CONNECTION_RESULTS && results == null) {
                            results = accepted;
                        } else {
                            accepted.close();
                        }
                    }
                }
            }
            delete(socket, directory);
            channel.connected(tasks, results, initializer);
        } catch (Throwable t) {
            delete(socket, directory);
            failed(channel, jvm, process, t);
        }
    }

    /** Reads and checks a connecting worker's secret; returns which connection it is, or 0 if refused. */
    private static byte handshake(SocketChannel accepted, byte[] secret) throws IOException {
        accepted.configureBlocking(true);
        ByteBuffer hello = ByteBuffer.allocate(WireFormat.SECRET_LENGTH + 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (hello.hasRemaining() && System.nanoTime() < deadline) {
            if (accepted.read(hello) < 0) {
                break;
            }
        }
        if (hello.hasRemaining()) {
            return 0;
        }
        byte[] got = new byte[WireFormat.SECRET_LENGTH];
        hello.flip();
        hello.get(got);
        byte kind = hello.get();
        return MessageDigest.isEqual(got, secret) ? kind : 0;
    }

    private static void delete(Path socket, Path directory) {
        try {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(directory);
        } catch (IOException ignored) {
            // only a stale empty directory in the temporary directory would remain
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
