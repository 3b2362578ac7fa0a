package multiprocessing4j.internal.manager;

import java.io.IOException;
import java.io.Serial;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;

import multiprocessing4j.internal.codec.Codecs;
import multiprocessing4j.internal.runtime.ChildEntry;
import multiprocessing4j.internal.runtime.ChildJvm;
import multiprocessing4j.internal.runtime.JvmSpec;
import multiprocessing4j.internal.runtime.Link;
import multiprocessing4j.internal.runtime.LinkClosedException;
import multiprocessing4j.internal.runtime.Output;

/**
 * A manager's server in a child JVM ({@code Manager.start()}): the runtime starts the child (a warm
 * spare when one is ready), which serves on a free loopback port and sends the port back over its link.
 * The child stops when this handle closes it, when a client shuts it down, or when this JVM dies (the
 * runtime's link ends, as for every child): it never outlives its parent.
 */
public final class ChildServer implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final ChildJvm jvm;
    private final InetSocketAddress address;

    private ChildServer(ChildJvm jvm, InetSocketAddress address) {
        this.jvm = jvm;
        this.address = address;
    }

    /**
     * Starts the child and waits until it serves.
     *
     * @param authkey        the key its clients must know
     * @param allowedClasses class names its requests may carry beyond the built-in ones
     * @throws IllegalStateException if the child could not start or serve (with its reason)
     */
    public static ChildServer start(byte[] authkey, Set<String> allowedClasses, int maxFrameLength) {
        ChildJvm jvm;
        try {
            jvm = ChildJvm.obtain(JvmSpec.DEFAULT, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a JVM for the manager: " + e.getMessage(), e);
        }
        try {
            Entry entry = new Entry(authkey.clone(), Set.copyOf(allowedClasses), maxFrameLength);
            jvm.handOver("manager", Codecs.fromSystemProperty().encode(entry), true, Output.INHERIT, Output.INHERIT);
            if (!jvm.awaitReady(READY_TIMEOUT)) {
                throw new IllegalStateException("the manager's JVM (pid " + jvm.pid() + ") did not start within "
                        + READY_TIMEOUT.toSeconds() + " s");
            }
            byte[] port = jvm.link().receive(READY_TIMEOUT);
            if (port == null || port.length != 4) {
                throw new IllegalStateException("the manager's JVM (pid " + jvm.pid() + ") did not report its port");
            }
            return new ChildServer(jvm, new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    ByteBuffer.wrap(port).getInt()));
        } catch (LinkClosedException e) {
            jvm.close();
            IllegalStateException failure = new IllegalStateException("the manager's JVM (pid " + jvm.pid()
                    + ") ended before serving" + jvm.failure().map(f -> ": " + f.getMessage()).orElse(""));
            jvm.failure().ifPresent(failure::initCause);
            throw failure;
        } catch (InterruptedException e) {
            jvm.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the manager's JVM", e);
        } catch (RuntimeException e) {
            jvm.close();
            throw e;
        }
    }

    /** Where the child serves (loopback). */
    public InetSocketAddress address() {
        return address;
    }

    /** The child's pid. */
    public long pid() {
        return jvm.pid();
    }

    /** Whether the child still runs. */
    public boolean isAlive() {
        return jvm.isAlive();
    }

    /** Stops the child (its link closes; SIGKILL after a second) and waits for it. Harmless when repeated. */
    @Override
    public void close() {
        jvm.close();
    }

    /** What the child runs: serve, report the port, stop when the parent or a client says so. */
    private record Entry(byte[] authkey, Set<String> allowed, int maxFrameLength) implements ChildEntry {
        @Serial
        private static final long serialVersionUID = 1L;

        @Override
        public void run(Link parent) throws Exception {
            try (ManagerServer server = new ManagerServer(new ManagerServer.Config(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), authkey, null, maxFrameLength, allowed,
                    true, true, ManagerClient.spinNanosSetting()))) {
                Thread watcher = new Thread(() -> {
                    try {
                        while (true) {
                            parent.receive();
                        }
                    } catch (LinkClosedException | InterruptedException e) {
                        server.close();
                    }
                }, "mp4j-manager-parent-watch");
                watcher.setDaemon(true);
                watcher.start();
                parent.send(ByteBuffer.allocate(4).putInt(server.address().getPort()).array());
                server.awaitClosed();
            }
        }
    }
}
