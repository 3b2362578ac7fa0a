package multiprocessing4j.internal.runtime;

import multiprocessing4j.internal.codec.Codec;
import multiprocessing4j.internal.codec.Codecs;
import multiprocessing4j.internal.codec.RemoteFailure;
import multiprocessing4j.internal.platform.Futex;
import multiprocessing4j.internal.platform.ProcessTree;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.ServiceConfigurationError;
import java.util.concurrent.CompletableFuture;

/**
 * The main class of every child JVM. In order: watch the parent; read where to connect (its FIFOs or the
 * parent's socket, see {@link Listener}), launch id, secret and whether to warm up from stdin (the one channel
 * only the parent holds); connect and prove the secret; install the
 * exit reporters (see {@link ChildJvm}'s exit codes); warm up; say {@link Wire#READY}; wait for the
 * {@link Wire#ENTRY}; run it; exit.
 *
 * <p>The parent's death is noticed two ways: the end of the link (at once, whatever killed the parent,
 * since the kernel closes its end of the FIFO or socket), and a poll of this process's parent pid every
 * {@value #PARENT_POLL_MILLIS} ms as a fallback before the link exists. Either way the child exits:
 * its shutdown hooks get {@value #ORPHAN_EXIT_GRACE_MILLIS} ms, then it halts; its own children see
 * its link end in turn.
 */
public final class ChildMain {
    /** The last line of the parent's hello: whether to warm up (a spare, a worker) or not (an entry follows at once). */
    static final String WARM = "warm";
    static final String COLD = "cold";
    static final int PARENT_POLL_MILLIS = 200;
    static final int ORPHAN_EXIT_GRACE_MILLIS = 500;
    /** Exit status of a child whose parent vanished (nobody reads it; 1 as for an error). */
    static final int ORPHAN_STATUS = 1;

    private static final CompletableFuture<byte[]> ENTRY = new CompletableFuture<>();
    private static volatile Link link;
    /** The path we connected to (a FIFO pair's prefix, or the socket), in the directory a killed parent may leave. */
    private static volatile String connectedPath;
    private static long parentPid = -1;
    private static volatile boolean signalled;
    private static volatile boolean parentGone;
    /** The parent closed our link on purpose ({@link Wire#RELEASE}): it is alive, its directory is its business. */
    private static volatile boolean released;
    /** How long a child whose link ended without {@link Wire#RELEASE} waits to see itself re-parented. */
    private static final long REPARENT_WAIT_MILLIS = 300;
    private static volatile boolean exiting;

    private ChildMain() {
    }

    public static void main(String[] args) {
        parentPid = Long.getLong(ProcessTree.PARENT_PID_PROPERTY, -1);
        watchParent(parentPid);
        String[] hello = null;
        try {
            hello = readStdin(System.in);
            connect(hello[0], Long.parseLong(hello[1]), HexFormat.of().parseHex(hello[2]));
        } catch (IOException | RuntimeException e) {
            System.err.println("multiprocessing4j: this child JVM could not connect to its parent (" + e + "); exiting");
            System.exit(ORPHAN_STATUS);
        }
        installExitReporters();
        if (WARM.equals(hello[3])) {
            warmUp();
        }
        try {
            link.sendControl(Wire.READY, new byte[0]);
        } catch (LinkClosedException e) {
            parentGone();
        }
        byte[] entryFrame = ENTRY.join();
        run(entryFrame);
    }

    private static void run(byte[] entryFrame) {
        String name = "child";
        try {
            EntryFrame frame = readEntryHeader(entryFrame);
            name = frame.name();
            CurrentProcess.setName(name);
            Thread.currentThread().setName(name);
            ChildEntry entry;
            if (frame.kind() == Wire.ENTRY_BY_CLASS) {
                entry = construct(frame.encoded());
            } else {
                Codec codec = frame.kind() == Wire.ENTRY_JDK_CODEC ? Codecs.jdkCodec() : Codecs.fromSystemProperty();
                entry = (ChildEntry) codec.decode(frame.encoded());
            }
            entry.run(link);
        } catch (Throwable t) {
            if (!parentGone) { // else the entry only saw its link end: the orphan exit is already under way
                reportFailure(name, t);
            }
            System.exit(1);
        }
        System.exit(0);
    }

    /** An {@link Wire#ENTRY} frame: the child's name, how its entry is encoded, the encoded entry. */
    private record EntryFrame(String name, byte kind, byte[] encoded) {
    }

    private static EntryFrame readEntryHeader(byte[] frame) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(frame));
        String name = in.readUTF();
        byte kind = in.readByte();
        return new EntryFrame(name, kind, in.readNBytes(in.readInt()));
    }

    /** What {@link #warmUp()} constructs by class, as a spare's real entry may be constructed. */
    private static final class WarmEntry implements ChildEntry {
        private WarmEntry(byte[] unused) {
        }

        @Override
        public void run(Link parent) {
        }
    }

    /** The {@link Wire#ENTRY_BY_CLASS} form of an entry: its class's name, then its constructor's argument. */
    static byte[] byClass(Class<? extends ChildEntry> type, byte[] argument) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(argument.length + 64);
        try (java.io.DataOutputStream data = new java.io.DataOutputStream(bytes)) {
            data.writeUTF(type.getName());
            data.write(argument);
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
        return bytes.toByteArray();
    }

    /** An {@link Wire#ENTRY_BY_CLASS} entry: its class's constructor taking the bytes that follow the name. */
    private static ChildEntry construct(byte[] encoded) throws IOException, ReflectiveOperationException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded));
        Class<? extends ChildEntry> type = Class.forName(in.readUTF(), true, ChildMain.class.getClassLoader())
                .asSubclass(ChildEntry.class);
        Constructor<? extends ChildEntry> constructor = type.getDeclaredConstructor(byte[].class);
        constructor.setAccessible(true);
        return constructor.newInstance((Object) in.readAllBytes());
    }

    /** As Python prints a child's traceback: on the child's own stderr, then to the parent. */
    private static void reportFailure(String name, Throwable t) {
        PrintStream err = System.err;
        err.println("Exception in child process \"" + name + "\" (pid " + ProcessTree.selfPid() + "):");
        t.printStackTrace(err);
        err.flush();
        try {
            Codec codec = Codecs.fromSystemProperty();
            link.sendControl(Wire.FAILURE, codec.encode(RemoteFailure.capture(t, codec)));
        } catch (LinkClosedException | RuntimeException e) {
            // the parent is gone, or the exception could not be encoded: stderr has it
        }
    }

    private static String[] readStdin(InputStream in) throws IOException {
        String[] lines = new String[4];
        ByteArrayOutputStream line = new ByteArrayOutputStream(80);
        int i = 0;
        while (i < lines.length) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("stdin ended before the parent's hello");
            }
            if (b == '\n') {
                lines[i++] = line.toString(StandardCharsets.UTF_8);
                line.reset();
            } else {
                line.write(b);
            }
        }
        return lines;
    }

    /**
     * Connects to the parent at {@code address} ({@code fifo:<prefix>}: opens {@code <prefix>-down} to read and
     * {@code <prefix>-up} to write, with {@code java.io}, which costs well under a millisecond in a fresh JVM;
     * {@code unix:<path>}: the socket; see {@link Listener}) and says hello.
     */
    private static void connect(String address, long launchId, byte[] secret) throws IOException {
        ReadableByteChannel in;
        WritableByteChannel out;
        java.io.Closeable connection;
        if (address.startsWith(Listener.FIFO_ADDRESS)) {
            String prefix = address.substring(Listener.FIFO_ADDRESS.length());
            connectedPath = prefix;
            FileInputStream down = new FileInputStream(prefix + Listener.DOWN); // the parent holds a writer: no wait
            FileOutputStream up;
            try {
                up = new FileOutputStream(prefix + Listener.UP); // and a reader
            } catch (IOException e) {
                down.close();
                throw e;
            }
            in = Channels.newChannel(down);
            out = Channels.newChannel(up);
            connection = () -> {
                try {
                    up.close();
                } finally {
                    down.close();
                }
            };
        } else if (address.startsWith(Listener.SOCKET_ADDRESS)) {
            connectedPath = address.substring(Listener.SOCKET_ADDRESS.length());
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(connectedPath));
            in = channel;
            out = channel;
            connection = channel;
        } else {
            throw new IOException("the parent's address is neither a FIFO nor a socket: " + address);
        }
        ByteBuffer hello = ByteBuffer.allocate(8 + Wire.SECRET_LENGTH + 8);
        hello.putLong(launchId).put(secret).putLong(ProcessTree.selfPid());
        Wire.write(out, Wire.HELLO, hello.array(), 0, hello.capacity());
        Link l = new Link(in, out, connection, new Link.Handler() {
            @Override
            public void control(byte type, byte[] payload) {
                if (type == Wire.ENTRY) {
                    ENTRY.complete(payload);
                } else if (type == Wire.RELEASE) {
                    released = true;
                }
            }

            @Override
            public void closed(IOException failure) {
                if (!exiting) {
                    parentGone();
                }
            }
        }, "mp4j-parent-link");
        link = l;
        l.start();
    }

    private static void installExitReporters() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            exiting = true;
            if (!signalled && !parentGone) {
                try {
                    link.sendControl(Wire.EXITING, new byte[0]);
                } catch (LinkClosedException ignored) {
                    // the parent is gone: nobody to tell
                }
            }
            // Nothing more: the link's reader sits in a native read(), and HotSpot's exit would wait up to 300 ms
            // for it (VM_Exit::wait_for_threads_in_native_to_block) but for -XX:UserThreadWaitAttemptsAtExit=0,
            // one of the Launcher's defaults. Ending the reader here instead cost ≈ 3 ms of every exit.
        }, "mp4j-exit-report"));
        for (String name : new String[]{"TERM", "INT", "HUP"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), ChildMain::onSignal);
            } catch (IllegalArgumentException reservedOrRs) {
                // -Xrs, or the signal is used by the VM: the default action stays, read as a signal death
            }
        }
    }

    private static void onSignal(sun.misc.Signal signal) {
        signalled = true;
        try {
            link.sendControl(Wire.SIGNALLED, ByteBuffer.allocate(4).putInt(signal.getNumber()).array());
        } catch (LinkClosedException ignored) {
            // the parent is gone
        }
        System.exit(128 + signal.getNumber()); // what the JVM's own handler does: hooks run
    }

    /**
     * Loads and links what every entry needs, so that a spare hands over in milliseconds: the futex downcall,
     * the codec (≈ 200 ms to build Fory, paid here rather than by the first task) and our own entry with a lambda.
     */
    private static void warmUp() {
        Futex.prepare(); // links the first FFM downcall: 50-115 ms that no task should pay
        warmUpExit();
        try {
            Codecs.warmUp();
            Codec codec = Codecs.fromSystemProperty();
            codec.decode(codec.encode(new TaskEntry(() -> { })));
            codec.decode(codec.encode(RemoteFailure.capture(new IllegalStateException("warm-up"), codec)));
            // a pool's first tasks come JDK-serialized while Fory is not warm in all its JVMs (PoolCodec): lambdas
            Codec jdk = Codecs.jdkCodec();
            jdk.decode(jdk.encode(new TaskEntry(() -> { })));
            // an entry handed over by class: the reflective constructor call's method handles are shared by
            // every constructor taking a byte[], so one made now serves the real entry
            construct(byClass(WarmEntry.class, new byte[0]));
            readEntryHeader(entryFrame("warm-up", Wire.ENTRY_BY_CLASS, new byte[0]));
        } catch (RuntimeException | IOException | ReflectiveOperationException e) {
            // warming up is an optimisation: the real entry will report any real problem
        }
        runWarmUpOf(System.getProperty(JvmSpec.WARM_UP_PROPERTY));
    }

    /**
     * The warm-up a spare's JVM options name ({@link JvmSpec#warmUpOption}): what the runtime's users above it
     * (a pool's worker) will run first in this JVM, run once now. Measured for a pool worker: its rings, loop and
     * entry cost ≈ 15-20 ms the first time in a JVM, most of a pool's start from warm spares.
     */
    private static void runWarmUpOf(String className) {
        if (className == null || className.isEmpty()) {
            return;
        }
        try {
            Constructor<? extends Runnable> constructor = Class.forName(className, true, ChildMain.class.getClassLoader())
                    .asSubclass(Runnable.class).getDeclaredConstructor();
            constructor.setAccessible(true);
            constructor.newInstance().run();
        } catch (RuntimeException | ReflectiveOperationException | LinkageError e) {
            // an optimisation only; the entry meets whatever is really wrong
        }
    }

    /** An {@link Wire#ENTRY} frame, as {@link #readEntryHeader} reads it: the child's name, the encoding, the entry. */
    static byte[] entryFrame(String name, byte kind, byte[] encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length + 64);
        try (java.io.DataOutputStream data = new java.io.DataOutputStream(bytes)) {
            data.writeUTF(name);
            data.writeByte(kind);
            data.writeInt(encoded.length);
            data.write(encoded);
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
        return bytes.toByteArray();
    }

    /**
     * A parent killed with SIGKILL while a launch was pending leaves its directory (FIFOs or socket) behind; its children
     * are the ones who know where it is. The kernel closes a dying process's files before it re-parents its
     * children, so the end of the link can come a moment before the parent pid changes: wait for that briefly,
     * unless the parent said it closes the link on purpose.
     */
    private static void removeDeadParentsDirectory() {
        String path = connectedPath;
        if (path == null || released) {
            return;
        }
        long deadline = System.nanoTime() + REPARENT_WAIT_MILLIS * 1_000_000;
        while (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == parentPid) {
            if (released || System.nanoTime() > deadline) {
                return; // the parent is alive
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                return;
            }
        }
        Listener.removeOrphaned(Path.of(path), parentPid);
    }

    /**
     * {@code Runtime.exit} first asks {@code System.getLogger("java.lang.Runtime")} whether to log the exit; the
     * first logger of a JVM looks for its logging backend (a service-loader scan): measured ≈ 5 ms of a trivial
     * JVM's ≈ 12 ms {@code System.exit}, on every task's critical path. A spare pays it here instead. Side effect:
     * {@code java.util.logging} is initialised before the task runs, from the command line's {@code -D} options
     * as it would be later; a task that sets its configuration properties programmatically must call
     * {@code LogManager.readConfiguration()}, as in any JVM where something logged first.
     */
    private static void warmUpExit() {
        try {
            System.getLogger("java.lang.Runtime").isLoggable(System.Logger.Level.DEBUG);
        } catch (RuntimeException | ServiceConfigurationError e) {
            // a broken logging set-up: the exit will report it as it would have anyway
        }
    }

    private static void watchParent(long parentPid) {
        Thread watcher = new Thread(() -> {
            while (true) {
                long now = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
                if (now != parentPid) {
                    parentGone();
                    return;
                }
                try {
                    Thread.sleep(PARENT_POLL_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "mp4j-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** The parent died or dropped us: exit now, hooks get a short grace, children are killed. */
    private static synchronized void parentGone() {
        if (parentGone) {
            return;
        }
        parentGone = true;
        Children.orphaned();
        Thread halter = new Thread(() -> {
            try {
                Thread.sleep(ORPHAN_EXIT_GRACE_MILLIS);
            } catch (InterruptedException ignored) {
                // halt now
            }
            Runtime.getRuntime().halt(ORPHAN_STATUS);
        }, "mp4j-orphan-halt");
        halter.setDaemon(true);
        halter.start();
        Thread exiter = new Thread(() -> {
            removeDeadParentsDirectory();
            System.exit(ORPHAN_STATUS);
        }, "mp4j-orphan-exit");
        exiter.setDaemon(true);
        exiter.start();
    }
}
