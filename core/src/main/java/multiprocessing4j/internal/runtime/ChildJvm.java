package multiprocessing4j.internal.runtime;

import multiprocessing4j.RemoteException;
import multiprocessing4j.internal.codec.Codec;
import multiprocessing4j.internal.codec.Codecs;
import multiprocessing4j.internal.codec.RemoteFailure;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The parent's handle on one child JVM: launched, connected and authenticated over its {@link Link},
 * ready to be {@linkplain #handOver handed} a {@link ChildEntry}, then running it until it exits.
 * This is the runtime's internal API for everything that runs code in another JVM.
 *
 * <pre>{@code
 * ChildJvm jvm = ChildJvm.obtain(JvmSpec.DEFAULT, true);      // a warm spare if one is ready
 * jvm.handOver("worker-1", codec.encode(entry), false, Output.INHERIT, Output.INHERIT);
 * jvm.awaitReady(Duration.ofSeconds(30));                    // link() is null until then
 * jvm.link().send(bytes);                                    // messages to the entry (queued there
 *                                                            // until it receives them) ...
 * byte[] reply = jvm.link().receive(Duration.ofSeconds(5));  // ... and back
 * int exitCode = jvm.exit().get();                           // Python-style, -N for signal N
 * }</pre>
 *
 * <h2>Exit codes</h2>
 * The OS gives Java {@code 128+N} for a death by signal N, which a {@code System.exit(128+N)} would give
 * too. The child removes the ambiguity by telling before it ends: its shutdown hook sends
 * {@link Wire#EXITING} (an orderly exit: the code is the real one), its SIGTERM/SIGINT/SIGHUP handler sends
 * {@link Wire#SIGNALLED} (then {@code -N}). Nothing said and {@code 128+N}: killed by signal N (SIGKILL,
 * a crash's SIGABRT). The residue: {@code Runtime.halt(137)} skips the hooks and reads as SIGKILL, {@code -9}.
 */
public final class ChildJvm implements AutoCloseable {
    private static final AtomicLong LAUNCH_IDS = new AtomicLong();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** After the process exited, how long its output may still trail in (a grandchild might hold the pipe). */
    private static final long OUTPUT_DRAIN_MILLIS = 1000;

    private final JvmSpec spec;
    private final long launchId;
    /** Whether it was launched to warm up (a spare, a worker): then its system codec is ready when the entry comes. */
    private final boolean warm;
    private final Process process;
    /** The class-data archive this child dumps at its exit, or null ({@link CdsArchive}). */
    private final java.nio.file.Path dumpsArchive;
    private final OutputPump stdout;
    private final OutputPump stderr;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> linkEnded = new CompletableFuture<>();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final CompletableFuture<Void> gone = new CompletableFuture<>();
    private volatile Link link;
    private volatile boolean daemon = true;
    private volatile String name;
    private volatile byte[] pendingEntry;
    private volatile boolean handedOver;
    private volatile RemoteException failure;
    private volatile boolean reportedOrderlyExit;
    private volatile int reportedSignal;

    private ChildJvm(JvmSpec spec, boolean warm) throws IOException {
        this.spec = spec;
        this.warm = warm;
        this.launchId = LAUNCH_IDS.incrementAndGet();
        byte[] secret = new byte[Wire.SECRET_LENGTH];
        RANDOM.nextBytes(secret);
        ProcessBuilder pb = Launcher.processBuilder(spec);
        this.dumpsArchive = CdsArchive.dumpTarget(pb.command());
        Process p;
        synchronized (Children.class) { // a shutdown in progress must see this child, or it must not start
            try {
                Children.checkNotShuttingDown();
                p = pb.start();
            } catch (IOException | RuntimeException e) {
                if (dumpsArchive != null) {
                    CdsArchive.dumperExited(dumpsArchive); // it never ran: the next child dumps
                }
                throw e;
            }
            this.process = p;
            Children.register(this);
        }
        this.stdout = new OutputPump(p.getInputStream(), "mp4j-stdout-" + p.pid());
        this.stderr = new OutputPump(p.getErrorStream(), "mp4j-stderr-" + p.pid());
        // One virtual thread per child waits for its end and completes exit() itself: Process.onExit() would
        // hop from the JDK's reaper to the common pool and then to a thread of ours, each hop a wake-up that
        // a loaded machine can delay by milliseconds on every join.
        Thread.ofVirtual().name("mp4j-exit-" + p.pid()).start(this::awaitExit);
        // Where to connect is made after the launch: the JVM takes ≈ 100 ms to read its stdin, and this JVM's
        // first FIFO (linking mkfifo) or socket costs tens of milliseconds that it then spends meanwhile.
        String address;
        try {
            address = Listener.get().expect(launchId, secret, this);
        } catch (IOException | RuntimeException e) {
            p.destroyForcibly(); // it has nowhere to connect; its end unregisters it
            throw e;
        }
        if (!p.isAlive()) {
            Listener.get().forget(launchId); // it died before awaitExit could see the launch pending
        }
        try (OutputStream in = p.getOutputStream()) {
            String hello = address + "\n" + launchId + "\n" + HexFormat.of().formatHex(secret) + "\n"
                    + (warm ? ChildMain.WARM : ChildMain.COLD) + "\n";
            in.write(hello.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // it died at once (a bad JVM option): its exit code and stderr will tell
        }
    }

    /**
     * Launches a new child JVM, to be a spare or a long-lived worker. It connects back, authenticates and
     * warms up in the background: see {@link #awaitReady}.
     *
     * @throws IOException if the {@code java} process could not be started
     */
    public static ChildJvm launch(JvmSpec spec) throws IOException {
        return new ChildJvm(spec, true);
    }

    /**
     * Launches a child JVM that gets its entry at once: it skips the spare's warm-up (the futex link, the
     * codec's sample round trips), since its entry will load what it needs and the rest would only delay it.
     */
    public static ChildJvm launchCold(JvmSpec spec) throws IOException {
        return new ChildJvm(spec, false);
    }

    /**
     * A child JVM for {@code spec}: a warm spare if {@code useSpare} and one exists (and then a new spare
     * starts in the background), otherwise a fresh launch (after which a spare is prepared for next time,
     * if {@code useSpare}).
     */
    public static ChildJvm obtain(JvmSpec spec, boolean useSpare) throws IOException {
        if (useSpare && Spares.enabled()) {
            ChildJvm spare = Spares.take(spec, true);
            if (spare != null) {
                return spare;
            }
            ChildJvm fresh = launchCold(spec);
            Spares.replenish(spec);
            return fresh;
        }
        return launchCold(spec);
    }

    /**
     * The spare for {@code spec} if there is a live one (ready or still warming up), else null; never starts
     * another. Never blocks: for callers that start several long-lived JVMs at once (a pool's workers), which
     * launch {@link #launchCold} themselves when there is none, and would not want a replacement spare to start
     * on the very CPUs their first tasks need.
     */
    public static ChildJvm takeSpare(JvmSpec spec) {
        return Spares.enabled() ? Spares.take(spec, false) : null;
    }

    public long pid() {
        return process.pid();
    }

    /**
     * Whether it was launched to warm up (a spare): then the system codec was built and warmed up there before
     * it became ready, and an entry's first use of it costs no start-up.
     */
    public boolean warmedUp() {
        return warm;
    }

    public JvmSpec spec() {
        return spec;
    }

    /** The connection to the child; {@code null} until it has connected and proved who it is. */
    public Link link() {
        return link;
    }

    /**
     * Waits until the child is connected, authenticated and warmed up.
     *
     * @return whether it is ready; {@code false} on timeout
     * @throws IllegalStateException if it exited before getting ready
     */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        try {
            ready.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    /** Whether the child is connected and warmed up, so a hand-over will not wait for it. */
    public boolean isReady() {
        return ready.isDone() && !ready.isCompletedExceptionally();
    }

    /**
     * Gives the child its work: it runs {@code encodedEntry} (an encoded {@link ChildEntry}) as soon as it
     * is ready (at once for a warm spare). From now on its output goes to the given sinks.
     *
     * @param name         the child's name, as {@code ChildProcess.current().name()} there and in the output prefix
     * @param encodedEntry the entry, encoded with {@link Codecs#fromSystemProperty()}
     * @param daemon       whether this JVM's exit kills it (true) or waits for it (false)
     */
    public void handOver(String name, byte[] encodedEntry, boolean daemon, Output out, Output err) {
        handOver(name, Wire.ENTRY_SYSTEM_CODEC, encodedEntry, daemon, out, err);
    }

    /**
     * {@link #handOver(String, byte[], boolean, Output, Output)} for a child that was launched cold, with the
     * entry itself at hand: such a child has not built the system codec, and building Fory in a fresh JVM
     * costs ≈ 80 ms, most of a cold start. JDK serialization is already half loaded in any JVM, so the entry
     * goes as JDK bytes when it can be serialized that way (it nearly always can: a {@link ChildEntry} is
     * {@link java.io.Serializable}); the child then never builds Fory unless its task does. A warm child, or an
     * entry JDK serialization refuses, gets {@code encodedEntry}.
     *
     * @param encodedEntry {@code entry} encoded with {@link Codecs#fromSystemProperty()} (the caller has
     *                     done it already, to fail early on what cannot be serialized)
     */
    public void handOver(String name, ChildEntry entry, byte[] encodedEntry, boolean daemon, Output out, Output err) {
        if (!warm && Codecs.fromSystemProperty() != Codecs.jdkCodec()) {
            byte[] jdk;
            try {
                jdk = Codecs.jdkCodec().encode(entry);
            } catch (RuntimeException notForJdk) {
                jdk = null; // e.g. a captured value only Fory serializes: the child builds Fory for it
            }
            if (jdk != null) {
                handOver(name, Wire.ENTRY_JDK_CODEC, jdk, daemon, out, err);
                return;
            }
        }
        handOver(name, Wire.ENTRY_SYSTEM_CODEC, encodedEntry, daemon, out, err);
    }

    /**
     * {@link #handOver(String, byte[], boolean, Output, Output)} without serialization on either side: the child
     * creates the entry itself, as {@code new type(argument)} through {@code type}'s constructor taking a
     * {@code byte[]} (of any access). For the runtime's own users whose entry is a few fields (a pool's
     * worker): in a fresh JVM, deserializing even a small record costs ≈ 90 ms (JDK serialization's machinery
     * and its method handles) and Fory more, against ≈ 10-20 ms for the reflective call; in a warm spare Fory's
     * first sight of a class it has not seen costs milliseconds that this skips too.
     *
     * @param type     the entry's class, on the child's class path (the same as this JVM's)
     * @param argument what its constructor gets
     */
    public void handOver(String name, Class<? extends ChildEntry> type, byte[] argument, boolean daemon, Output out,
                         Output err) {
        handOver(name, Wire.ENTRY_BY_CLASS, ChildMain.byClass(type, argument), daemon, out, err);
    }

    private void handOver(String name, byte codec, byte[] encodedEntry, boolean daemon, Output out, Output err) {
        OutputPump.Sink[] sinks = Output.sinks(out, err, "[" + name + " " + pid() + "] ");
        synchronized (this) {
            if (handedOver) {
                throw new IllegalStateException("child JVM " + pid() + " already has its entry");
            }
            handedOver = true;
        }
        this.name = name;
        this.daemon = daemon;
        stdout.direct(sinks[0]);
        stderr.direct(sinks[1]);
        pendingEntry = ChildMain.entryFrame(name, codec, encodedEntry);
        ready.thenRun(this::sendPendingEntry);
    }

    private void sendPendingEntry() {
        byte[] entry;
        synchronized (this) {
            entry = pendingEntry;
            pendingEntry = null;
        }
        if (entry == null) {
            return;
        }
        try {
            link.sendControl(Wire.ENTRY, entry);
        } catch (LinkClosedException e) {
            // it died after getting ready: its exit code tells
        } catch (RuntimeException e) {
            kill(); // a child that can never get its entry must not wait for it forever
            throw e;
        }
    }

    public boolean isDaemon() {
        return daemon;
    }

    public String name() {
        return name;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Completes with the child's exit code, Python style (see the class comment), once the process has
     * exited, its last reports have been read and its output copied.
     */
    public CompletableFuture<Integer> exit() {
        return exit;
    }

    /**
     * Completes as soon as the child is known to be gone, well before {@link #exit()} (which also waits for its
     * output): when its link ends (the kernel closes the child's end however it dies) or its process is seen to
     * exit, whichever comes first. Also completes when this side closes the link.
     */
    public CompletableFuture<Void> gone() {
        return gone;
    }

    /** The exception the entry threw, once it was reported. */
    public Optional<RemoteException> failure() {
        return Optional.ofNullable(failure);
    }

    /** Sends SIGTERM: the child's shutdown hooks run, then it exits with {@code -15}. */
    public void terminate() {
        process.destroy();
    }

    /** Sends SIGKILL. */
    public void kill() {
        process.destroyForcibly();
    }

    /**
     * Ends the child if it still runs (closes the link, which makes it exit as for a dead parent; SIGKILL
     * after a second) and waits for it. Harmless when repeated.
     */
    @Override
    public void close() {
        release();
        awaitGone();
    }

    /** {@link #close()} for many at once: all are told first, then each is waited for. */
    static void closeAll(Iterable<ChildJvm> children) {
        children.forEach(ChildJvm::release);
        children.forEach(ChildJvm::awaitGone);
    }

    private void release() {
        Link l = link;
        if (l != null) {
            try {
                l.sendControl(Wire.RELEASE, new byte[0]);
            } catch (LinkClosedException alreadyGone) {
                // it ended by itself
            }
            l.close();
        } else {
            process.destroy();
        }
        Listener.get().forget(launchId);
    }

    private void awaitGone() {
        try {
            if (!process.waitFor(1, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- called by the listener and the link

    void connected(SocketChannel channel) {
        connected(channel, channel, channel);
    }

    /** The child proved itself: its link, over {@code in} and {@code out}, which {@code connection} closes. */
    void connected(ReadableByteChannel in, WritableByteChannel out, Closeable connection) {
        Link l = new Link(in, out, connection, new Link.Handler() {
            @Override
            public void control(byte type, byte[] payload) {
                switch (type) {
                    case Wire.READY -> ready.complete(null);
                    case Wire.FAILURE -> failure = decodeFailure(payload);
                    case Wire.EXITING -> reportedOrderlyExit = true;
                    case Wire.SIGNALLED -> reportedSignal = ByteBuffer.wrap(payload).getInt();
                    default -> {
                        // an unknown frame from a newer runtime: ignore rather than tear the link down
                    }
                }
            }

            @Override
            public void closed(IOException failure) {
                linkEnded.complete(null);
                gone.complete(null);
            }
        }, "mp4j-link-" + pid());
        link = l; // before the first frame is read: READY's handler sends the entry over it
        l.start();
    }

    private RemoteException decodeFailure(byte[] payload) {
        try {
            Codec codec = Codecs.fromSystemProperty();
            return ((RemoteFailure) codec.decode(payload)).toRemoteException(codec);
        } catch (RuntimeException e) {
            return new RemoteException(e.getClass().getName(),
                    "the child's exception could not be decoded here: " + e.getMessage(), e.getStackTrace(), null);
        }
    }

    private void awaitExit() {
        boolean interrupted = false;
        while (true) {
            try {
                process.waitFor();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // nobody interrupts this thread on purpose: the exit must still be seen
            }
        }
        gone.complete(null);
        if (dumpsArchive != null) {
            CdsArchive.dumperExited(dumpsArchive);
        }
        Listener.get().forget(launchId); // it died before connecting: nobody may use its secret now
        ready.completeExceptionally(new IllegalStateException(
                "child JVM " + pid() + " exited with status " + process.exitValue() + " before it was ready"
                        + " (see its stderr; a bad JVM option?)"));
        try {
            if (link != null) {
                linkEnded.get(OUTPUT_DRAIN_MILLIS, TimeUnit.MILLISECONDS);
            }
            stdout.awaitEnd(OUTPUT_DRAIN_MILLIS, TimeUnit.MILLISECONDS);
            stderr.awaitEnd(OUTPUT_DRAIN_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            // what was reported so far is all there is
        }
        Children.unregister(this);
        exit.complete(pythonExitCode(process.exitValue()));
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private int pythonExitCode(int status) {
        if (reportedSignal > 0) {
            return -reportedSignal;
        }
        if (!reportedOrderlyExit && status > 128 && status < 128 + 65) {
            return -(status - 128);
        }
        return status;
    }
}
