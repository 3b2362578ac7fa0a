package multiprocessing4j.internal.runtime;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import multiprocessing4j.internal.platform.Fifo;

/**
 * Where this JVM's children connect back, and the check that each connection is the child it claims to be.
 *
 * <p><b>Two ways to connect.</b> By default each launch gets a pair of FIFOs ({@link Fifo}), {@code <id>-up}
 * (child → parent) and {@code <id>-down} (parent → child): a child opens them with plain {@code java.io} in
 * well under a millisecond, where its first Unix-domain socket costs 40-50 ms of a cold start (the JDK's NIO
 * provider lookup, and the {@code SecureRandom} that {@code sun.nio.ch.UnixDomainSockets} seeds). Where FIFOs
 * cannot be made (no native access for this module, not Linux) or with {@code -Dmp4j.link=socket}, children
 * connect to one Unix-domain socket instead. The child learns which from the address it is given:
 * {@code fifo:<directory>/<id>} or {@code unix:<socket path>}.
 *
 * <p><b>Who can connect.</b> Both live in a directory created {@code 0700} (only this user), and a connection
 * is accepted only if its {@link Wire#HELLO} carries the 32 random bytes this JVM gave that one launch over the
 * child's stdin, a pipe only the two processes hold. Environment variables and command lines would not do: the
 * same user, and often everybody, can read them in {@code /proc}. On the socket, a connection that fails the
 * check, or stays silent for {@code HELLO_TIMEOUT}, is closed, and its launch stays pending (a guess does not
 * burn the real child's slot). A FIFO is one stream whoever writes to it, so a bad hello there fails the launch
 * (its child is killed): only a process of the same user can get that far. The FIFOs are removed as soon as
 * the hello is accepted, or when the launch is forgotten.
 *
 * <p><b>Ends.</b> Until the hello, the parent holds each FIFO open for reading and writing, so that neither
 * side's open ever blocks. Then it keeps only the read end of {@code up} and the write end of {@code down}:
 * the child's death ends the parent's reads, and the parent's writes to a dead child fail, as on a socket; the
 * parent's death ends the child's reads.
 *
 * <p><b>The directory</b> exists only while a launch is pending: it is made (with the socket bound in it, or for
 * the FIFOs) by the first {@link #expect} and removed when the last pending child has connected, died or been
 * forgotten. A JVM killed with SIGKILL between the two leaves its directory behind; its children remove it when
 * they notice their parent is gone (they know where it is), and the next JVM of the same user that makes one
 * removes any directory whose owner pid is no longer alive. Making it again costs well under a millisecond,
 * next to a JVM launch.
 */
final class Listener {
    static final String DIR_PREFIX = "mp4j-";
    /** How long a connection may take to send its hello: a child sends it right after connecting. */
    private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);
    private static final Listener INSTANCE = new Listener();

    private final Map<Long, Pending> pending = new HashMap<>();
    /** The directory (and socket) while a launch is pending, else {@code null}; guarded by {@code this}. */
    private Server server;
    private boolean swept;
    private boolean shutDown;

    /** The system property that makes children connect over the socket ({@code socket}) rather than FIFOs. */
    static final String LINK_PROPERTY = "mp4j.link";
    /** The address prefixes the child is given (see the class comment). */
    static final String FIFO_ADDRESS = "fifo:";
    static final String SOCKET_ADDRESS = "unix:";
    static final String UP = "-up";
    static final String DOWN = "-down";

    /** A launch waiting for its child's hello; {@code fifos} is null on the socket. */
    private record Pending(byte[] secret, ChildJvm child, Fifos fifos) {
    }

    /**
     * The parent's ends of one launch's FIFOs: until the hello, each opened for reading and writing (so the
     * child's opens do not block), and {@code up} also for reading alone (the hello's reader).
     */
    private record Fifos(Path up, Path down, FileChannel upBoth, FileChannel downBoth, FileChannel upRead) {
        void close() {
            closeQuietly(upRead); // a reader blocked in it gets AsynchronousCloseException
            closeQuietly(upBoth);
            closeQuietly(downBoth);
            delete();
        }

        void delete() {
            try {
                Files.deleteIfExists(up);
                Files.deleteIfExists(down);
            } catch (IOException ignored) {
                // the directory goes with the last launch anyway
            }
        }
    }

    /** Where pending launches connect: a directory, and in it the socket (its channel null with FIFOs). */
    private record Server(Path directory, Path socketPath, ServerSocketChannel channel) {
    }

    private Listener() {
    }

    static Listener get() {
        return INSTANCE;
    }

    /** Whether new launches connect over FIFOs (see the class comment); read at each launch. */
    static boolean usesFifos() {
        return !"socket".equalsIgnoreCase(System.getProperty(LINK_PROPERTY)) && Fifo.available();
    }

    /**
     * Registers a launch about to start and makes sure there is something to connect to: its FIFOs, or the
     * socket.
     *
     * @return the address to give the child ({@code fifo:...} or {@code unix:...}, see the class comment)
     * @throws IOException if the FIFOs could not be made or the socket bound
     */
    synchronized String expect(long launchId, byte[] secret, ChildJvm child) throws IOException {
        if (shutDown) {
            throw new IllegalStateException("this JVM is shutting down: no new child JVM can be started");
        }
        boolean fifos = usesFifos();
        if (server == null || (server.channel() == null) != fifos) {
            if (server != null && !pending.isEmpty()) {
                fifos = server.channel() == null; // switched while launches are pending: stay as they are
            } else {
                unbind();
                server = bind(fifos);
            }
        }
        if (!fifos) {
            pending.put(launchId, new Pending(secret.clone(), child, null));
            return SOCKET_ADDRESS + server.socketPath();
        }
        Path prefix = server.directory().resolve(Long.toString(launchId));
        Fifos ends;
        try {
            ends = openFifos(Path.of(prefix + UP), Path.of(prefix + DOWN));
        } catch (IOException | RuntimeException e) {
            if (pending.isEmpty()) {
                unbind(); // the directory was made for this launch alone
            }
            throw e;
        }
        pending.put(launchId, new Pending(secret.clone(), child, ends));
        // a platform thread: closing a FileChannel wakes a reader blocked in it by signalling its thread, which a
        // virtual thread's carrier cannot be (the close would wait for the read for ever)
        Thread.ofPlatform().daemon().name("mp4j-hello-" + launchId).start(() -> authenticate(launchId, ends));
        return FIFO_ADDRESS + prefix;
    }

    private static Fifos openFifos(Path up, Path down) throws IOException {
        FileChannel upBoth = null;
        FileChannel downBoth = null;
        try {
            Fifo.create(up);
            Fifo.create(down);
            upBoth = FileChannel.open(up, StandardOpenOption.READ, StandardOpenOption.WRITE);
            downBoth = FileChannel.open(down, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileChannel upRead = FileChannel.open(up, StandardOpenOption.READ); // a writer exists: does not block
            return new Fifos(up, down, upBoth, downBoth, upRead);
        } catch (IOException | RuntimeException e) {
            for (FileChannel c : new FileChannel[]{upBoth, downBoth}) {
                if (c != null) {
                    c.close();
                }
            }
            Files.deleteIfExists(up);
            Files.deleteIfExists(down);
            throw e;
        }
    }

    /** Drops a pending launch (it died, or was closed, before connecting); harmless if it is not pending. */
    synchronized void forget(long launchId) {
        Pending p = pending.remove(launchId);
        if (p != null) {
            if (p.fifos() != null) {
                p.fifos().close();
            }
            if (pending.isEmpty()) {
                unbind();
            }
        }
    }

    /** Removes and returns the pending launch if the hello proves it, else {@code null}; its FIFOs stay open. */
    private synchronized Pending claim(long launchId, byte[] secret, long pid) {
        Pending p = pending.get(launchId);
        if (p == null || !MessageDigest.isEqual(p.secret(), secret) || p.child() == null || pid != p.child().pid()) {
            return null;
        }
        pending.remove(launchId);
        if (pending.isEmpty()) {
            unbind();
        }
        return p;
    }

    private Server bind(boolean fifos) throws IOException {
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
        if (fifos) {
            return new Server(directory, null, null);
        }
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
            if (s.channel() != null) {
                try {
                    s.channel().close(); // its acceptor sees the close and ends
                } catch (IOException ignored) {
                    // the directory goes next anyway
                }
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

    /**
     * Reads a FIFO launch's hello; if it proves the launch, keeps only the ends the link needs (see the class
     * comment), removes the FIFOs and hands the link's channels to the child's {@link ChildJvm}.
     */
    private void authenticate(long launchId, Fifos ends) {
        Pending p = null;
        FileChannel downWrite = null;
        try {
            Wire.Frame hello = Wire.read(ends.upRead());
            // opened before the claim, which removes the FIFOs (with the directory, when it was the last launch);
            // nothing is written to it unless the hello proves the launch. Our own read-write end is a reader: no wait
            downWrite = FileChannel.open(ends.down(), StandardOpenOption.WRITE);
            if (hello != null && hello.type() == Wire.HELLO && hello.payload().length == 8 + Wire.SECRET_LENGTH + 8) {
                ByteBuffer in = ByteBuffer.wrap(hello.payload());
                long claimedId = in.getLong();
                byte[] secret = new byte[Wire.SECRET_LENGTH];
                in.get(secret);
                long pid = in.getLong();
                p = claimedId == launchId ? claim(launchId, secret, pid) : null;
            }
            if (p != null) {
                ends.upBoth().close();
                ends.downBoth().close();
                ends.delete();
                FileChannel upRead = ends.upRead();
                FileChannel down = downWrite;
                p.child().connected(upRead, down, () -> {
                    try {
                        down.close();
                    } finally {
                        upRead.close();
                    }
                });
                return;
            }
        } catch (IOException | RuntimeException e) {
            // closed while waiting (the launch was forgotten), or the child vanished mid-hello
        }
        closeQuietly(downWrite);
        if (p != null) {
            ends.close();
            p.child().kill(); // it proved itself but has no link, and will get none
        } else {
            failFifoLaunch(launchId);
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }

    /** A FIFO launch whose hello did not prove it: the stream is spoilt, so the launch fails and its child goes. */
    private void failFifoLaunch(long launchId) {
        ChildJvm child;
        synchronized (this) {
            Pending p = pending.get(launchId);
            child = p == null ? null : p.child();
            forget(launchId);
        }
        if (child != null) {
            child.kill();
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
            for (Pending p : INSTANCE.pending.values()) {
                if (p.fifos() != null) {
                    p.fifos().close();
                }
            }
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
