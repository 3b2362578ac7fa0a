package multiprocessing4j.internal.runtime;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The Unix-domain socket on which this JVM's children connect back, and the check that each
 * connection is the child it claims to be.
 *
 * <p>Who can connect: the socket lives in a directory created {@code 0700} (only this user), and a
 * connection is accepted only if its {@link Wire#HELLO} carries the 32 random bytes this JVM gave that
 * one launch over the child's stdin, a pipe only the two processes hold. Environment variables and
 * command lines would not do: the same user, and often everybody, can read them in {@code /proc}.
 * A connection that fails the check, or stays silent for {@code HELLO_TIMEOUT}, is closed, and its launch
 * stays pending (a guess does not burn the real child's slot).
 *
 * <p>The socket exists only while a launch is pending: it is bound (in a new directory) by the first
 * {@link #expect} and closed, with its directory removed, when the last pending child has connected,
 * died or been forgotten. A JVM killed with SIGKILL between the two leaves its directory behind; its
 * children remove it when they notice their parent is gone (they know where it is), and the next JVM of
 * the same user that binds a socket removes any directory whose owner pid is no longer alive.
 * Re-binding costs well under a millisecond, next to a JVM launch.
 */
final class Listener {
    static final String DIR_PREFIX = "mp4j-";
    /** How long a connection may take to send its hello: a child sends it right after connecting. */
    private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);
    private static final Listener INSTANCE = new Listener();

    private final Map<Long, Pending> pending = new HashMap<>();
    /** The bound socket while a launch is pending, else {@code null}; guarded by {@code this}. */
    private Server server;
    private boolean swept;
    private boolean shutDown;

    private record Pending(byte[] secret, ChildJvm child) {
    }

    private record Server(Path directory, Path socketPath, ServerSocketChannel channel) {
    }

    private Listener() {
    }

    static Listener get() {
        return INSTANCE;
    }

    /**
     * Registers a launch about to start and makes sure the socket is bound.
     *
     * @return the socket's path, to give the child
     * @throws IOException if the socket could not be bound
     */
    synchronized Path expect(long launchId, byte[] secret, ChildJvm child) throws IOException {
        if (shutDown) {
            throw new IllegalStateException("this JVM is shutting down: no new child JVM can be started");
        }
        if (server == null) {
            server = bind();
        }
        pending.put(launchId, new Pending(secret.clone(), child));
        return server.socketPath();
    }

    /** Drops a pending launch (it died, or was closed, before connecting); harmless if it is not pending. */
    synchronized void forget(long launchId) {
        if (pending.remove(launchId) != null && pending.isEmpty()) {
            unbind();
        }
    }

    /** Removes and returns the pending launch if the hello proves it, else {@code null}. */
    private synchronized Pending claim(long launchId, byte[] secret, long pid) {
        Pending p = pending.get(launchId);
        if (p == null || !MessageDigest.isEqual(p.secret(), secret) || pid != p.child().pid()) {
            return null;
        }
        forget(launchId);
        return p;
    }

    private Server bind() throws IOException {
        Path base = Path.of(System.getProperty("java.io.tmpdir", "/tmp"));
        if (base.toString().length() > 60) {
            base = Path.of("/tmp"); // sun_path holds 108 bytes
        }
        if (!swept) {
            swept = true;
            sweepStale(base);
        }
        Path directory = Files.createTempDirectory(base, DIR_PREFIX + ProcessHandle.current().pid() + "-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path socketPath = directory.resolve("s");
        ServerSocketChannel channel = null;
        try {
            channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            channel.bind(UnixDomainSocketAddress.of(socketPath));
            ServerSocketChannel bound = channel;
            Thread acceptor = new Thread(() -> acceptLoop(bound), "mp4j-listener");
            acceptor.setDaemon(true);
            acceptor.start();
            return new Server(directory, socketPath, channel);
        } catch (IOException | RuntimeException | Error e) {
            if (channel != null) {
                channel.close();
            }
            deleteTree(directory);
            throw e;
        }
    }

    private void unbind() {
        Server s = server;
        server = null;
        if (s != null) {
            try {
                s.channel().close(); // its acceptor sees the close and ends
            } catch (IOException ignored) {
                // the directory goes next anyway
            }
            deleteTree(s.directory());
        }
    }

    private void acceptLoop(ServerSocketChannel server) {
        while (server.isOpen()) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                return; // closed at shutdown
            }
            Thread hello = Thread.ofVirtual().name("mp4j-hello").start(() -> authenticate(channel));
            Thread.ofVirtual().name("mp4j-hello-timeout").start(() -> closeIfSilent(hello, channel));
        }
    }

    /** A connection that has not said hello within the time limit is closed: it cannot hold a thread forever. */
    private static void closeIfSilent(Thread hello, SocketChannel channel) {
        try {
            if (!hello.join(HELLO_TIMEOUT)) {
                channel.close();
            }
        } catch (InterruptedException | IOException ignored) {
            // the hello thread ends either way once the channel is closed
        }
    }

    private void authenticate(SocketChannel channel) {
        try {
            Wire.Frame hello = Wire.read(channel);
            if (hello == null || hello.type() != Wire.HELLO || hello.payload().length != 8 + Wire.SECRET_LENGTH + 8) {
                channel.close();
                return;
            }
            ByteBuffer in = ByteBuffer.wrap(hello.payload());
            long launchId = in.getLong();
            byte[] secret = new byte[Wire.SECRET_LENGTH];
            in.get(secret);
            long pid = in.getLong();
            Pending p = claim(launchId, secret, pid);
            if (p == null) {
                channel.close();
                return;
            }
            p.child().connected(channel);
        } catch (IOException e) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }

    /** Closes the socket and removes its directory, and binds no more; at shutdown. */
    static void shutdown() {
        synchronized (INSTANCE) {
            INSTANCE.shutDown = true;
            INSTANCE.pending.clear();
            INSTANCE.unbind();
        }
    }

    /**
     * Removes the socket directories of a parent that is gone, found next to the socket path it handed out;
     * called by its children, which may be the last to know where they are. Only directories of ours named for
     * that parent's pid are touched: a parent killed with SIGKILL between binding for a launch and starting it
     * left one that no child knows, and any of its children removes it too.
     */
    static void removeOrphaned(Path socketPath, long parentPid) {
        Path dir = socketPath.getParent();
        Path base = dir == null ? null : dir.getParent();
        if (base == null) {
            return;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base, DIR_PREFIX + parentPid + "-*")) {
            for (Path d : dirs) {
                deleteTree(d);
            }
        } catch (IOException | SecurityException e) {
            // best effort: the next root's sweep removes what is left
        }
    }

    private static void sweepStale(Path base) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base, DIR_PREFIX + "*")) {
            for (Path dir : dirs) {
                String rest = dir.getFileName().toString().substring(DIR_PREFIX.length());
                int dash = rest.indexOf('-');
                if (dash <= 0 || !Files.isWritable(dir)) {
                    continue;
                }
                try {
                    long pid = Long.parseLong(rest.substring(0, dash));
                    if (ProcessHandle.of(pid).isEmpty()) {
                        deleteTree(dir);
                    }
                } catch (NumberFormatException notOurs) {
                    // a directory of another program that happens to share the prefix
                }
            }
        } catch (IOException | SecurityException e) {
            // sweeping is best effort; a stale directory costs a few bytes
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // owned by someone else or already gone
                }
            });
        } catch (IOException ignored) {
            // already gone
        }
    }
}
