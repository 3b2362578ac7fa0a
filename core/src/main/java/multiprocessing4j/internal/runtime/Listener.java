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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The one Unix-domain socket on which this JVM's children connect back, and the check that each
 * connection is the child it claims to be.
 *
 * <p>Who can connect: the socket lives in a directory created {@code 0700} (only this user), and a
 * connection is accepted only if its {@link Wire#HELLO} carries the 32 random bytes this JVM gave that
 * one launch over the child's stdin, a pipe only the two processes hold. Environment variables and
 * command lines would not do: the same user, and often everybody, can read them in {@code /proc}.
 * A connection that fails the check, or stays silent for {@code HELLO_TIMEOUT}, is closed, and its launch
 * stays pending (a guess does not burn the real child's slot).
 *
 * <p>When this JVM is killed with SIGKILL its directory cannot delete itself; the next JVM of the same
 * user that opens a listener removes the directories whose owner pid is no longer alive.
 */
final class Listener {
    private static final String DIR_PREFIX = "mp4j-";
    /** How long a connection may take to send its hello: a child sends it right after connecting. */
    private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);
    private static volatile Listener instance;

    private final Path directory;
    private final Path socketPath;
    private final ServerSocketChannel server;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();

    private record Pending(byte[] secret, ChildJvm child) {
    }

    private Listener() throws IOException {
        Path base = Path.of(System.getProperty("java.io.tmpdir", "/tmp"));
        if (base.toString().length() > 60) {
            base = Path.of("/tmp"); // sun_path holds 108 bytes
        }
        sweepStale(base);
        directory = Files.createTempDirectory(base, DIR_PREFIX + ProcessHandle.current().pid() + "-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        socketPath = directory.resolve("s");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socketPath));
        Thread acceptor = new Thread(this::acceptLoop, "mp4j-listener");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static Listener get() throws IOException {
        Listener l = instance;
        if (l == null) {
            synchronized (Listener.class) {
                l = instance;
                if (l == null) {
                    l = new Listener();
                    instance = l;
                }
            }
        }
        return l;
    }

    Path socketPath() {
        return socketPath;
    }

    void expect(long launchId, byte[] secret, ChildJvm child) {
        pending.put(launchId, new Pending(secret.clone(), child));
    }

    void forget(long launchId) {
        pending.remove(launchId);
    }

    private void acceptLoop() {
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
            Pending p = pending.get(launchId);
            if (p == null || !MessageDigest.isEqual(p.secret(), secret) || pid != p.child().pid()) {
                channel.close();
                return;
            }
            pending.remove(launchId);
            p.child().connected(channel);
        } catch (IOException e) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }

    /** Closes the socket and removes the directory; at shutdown. */
    static void shutdown() {
        Listener l = instance;
        if (l == null) {
            return;
        }
        try {
            l.server.close();
        } catch (IOException ignored) {
            // the directory goes next anyway
        }
        deleteTree(l.directory);
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
