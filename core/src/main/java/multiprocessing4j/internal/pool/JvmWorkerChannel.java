package multiprocessing4j.internal.pool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import multiprocessing4j.internal.codec.Codec;

/**
 * A worker JVM as the pool sees it: its wire, the process, and the thread reading results.
 *
 * <p><b>The wire.</b> By default the frames travel through a pair of shared-memory rings ({@link RingWire}),
 * created before the worker JVM is handed its entry, which names them; there is no other connection, and the
 * worker's end is learnt from its process ({@link WorkerProcess#whenGone}). With the direct launcher two
 * connections introduce the worker (its secret) and then tell when it is gone, and the rings' name is the first
 * frame on the tasks connection. A round trip through the rings
 * costs no system call while both sides spin (an {@code apply} or {@code submit().get()} measured 5-7 µs
 * here, against 14-20 µs on the sockets). With
 * {@code -Dmp4j.pool.transport=socket} (read as each worker is launched), or when no shared memory can be
 * created, the frames travel on the connections themselves.
 *
 * <p><b>Who reads.</b> Results are read by whoever holds {@code readRole}: usually the reader thread, but a
 * caller waiting for one task's result ({@link #help}) takes the role for a few microseconds and reads the
 * results itself. Handing the result from a reader thread to a waiting caller costs a wake-up (≈ 25 µs here),
 * and with the caller, the reader and the worker all spinning there are more spinners than the two cores;
 * so while callers help, the reader thread steps aside ({@link FrameReader#YIELDED}) and parks. It takes the
 * role back when the last helper leaves results still expected or a frame it does not handle (only
 * {@code RESULT} frames are read by helpers; readiness, last words and the end of the stream stay with the
 * reader thread, which alone reports the worker's exit), and otherwise after {@value #RESUME_AFTER_NANOS} ns
 * without help, so that a worker dying while idle is still noticed at once. On the rings the reader thread
 * waits without the role and the helpers read every kind of frame (see {@link #readRings}); the end of the
 * stream still makes a helper hand back to the reader thread.
 */
final class JvmWorkerChannel implements WorkerChannel {
    /** How long the reader spins for a result while the worker holds tasks, before it blocks. */
    static final long SPIN_NANOS = 50_000;
    /** A reader thread that stepped aside for helpers takes the role back after this long without help. */
    static final long RESUME_AFTER_NANOS = 1_000_000;
    /** A helper waiting on the rings yields the CPU between looks after this long (see the rings' Spin). */
    static final long YIELD_AFTER_NANOS = 3_000;
    /** Longest single wait of the reader thread on the results ring (it then looks at the helpers again). */
    static final long RING_WAIT_NANOS = 100_000_000;
    /**
     * The system property choosing how tasks and results travel: {@code shm} (the default: shared-memory
     * rings) or {@code socket}. Read when each worker is launched.
     */
    static final String TRANSPORT_PROPERTY = "mp4j.pool.transport";
    private static final System.Logger LOG = System.getLogger("multiprocessing4j.pool");
    private static volatile boolean ringFailureLogged;

    private final String name;
    private final WorkerEvents events;
    private final Codec codec = PoolCodec.codec();
    private final Object writeLock = new Object();
    private volatile WorkerProcess process;
    private volatile boolean killRequested;
    private SocketChannel tasks;
    /** Set (holding the write lock) once INIT was written: the worker's wire is there for control frames. */
    private boolean wired;
    /** The shared-memory wire, or null: the sockets carry the frames (see {@link WireFormat}). */
    private volatile RingWire rings;
    private final boolean useRings;
    /** Set (holding the write lock) once the rings are unmapped here. */
    private boolean ringsClosed;
    private ByteBuffer out = ByteBuffer.allocate(64 * 1024);
    /** The functions the worker keeps, mirrored: same capacity, same access order, so always the same set. */
    private final FunctionCache<Boolean> workerFunctions = new FunctionCache<>();
    private volatile long sent;
    private volatile long received;
    private Throwable lastWords;
    /** Held by whoever reads results: the reader thread, or a helper (see the class comment). */
    private final ReentrantLock readRole = new ReentrantLock();
    /** Callers helping or about to: while positive the reader thread steps aside. */
    private final AtomicInteger helpers = new AtomicInteger();
    /** When the last helper left, or 0 if it asked the reader thread to take the role back at once. */
    private volatile long lastHelpEnded;
    private volatile FrameReader reader;
    private volatile Thread readerThread;
    /** Set (holding the role) once the reader thread is done: nobody reads any more. */
    private boolean readingOver;

    JvmWorkerChannel(String name, WorkerEvents events) {
        this.name = name;
        this.events = events;
        this.useRings = !"socket".equals(System.getProperty(TRANSPORT_PROPERTY));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long pid() {
        WorkerProcess p = process;
        return p == null ? -1 : p.pid();
    }

    /**
     * Creates the worker's rings, unless the sockets are to carry the frames; false if there are none (the
     * sockets then carry the frames: the failure is logged once per JVM).
     */
    boolean prepareRings() {
        if (useRings && !killRequested) {
            try {
                rings = RingWire.create();
            } catch (RuntimeException e) {
                if (!ringFailureLogged) {
                    ringFailureLogged = true;
                    LOG.log(System.Logger.Level.WARNING, "multiprocessing4j: pool workers talk over sockets (slower):"
                            + " no shared memory for their rings: " + e.getMessage(), e);
                }
            }
        }
        return rings != null;
    }

    /** The rings' segment name, for the worker's entry ({@link #prepareRings} made them). */
    String ringsName() {
        return rings.name();
    }

    /** The process exists; false if the pool killed the worker meanwhile. */
    boolean started(WorkerProcess process) {
        this.process = process;
        return !killRequested;
    }

    /**
     * The worker was handed its rings (in its entry): sends {@code INIT} ahead (it waits in the rings until the
     * worker attaches), starts reading, and learns of the worker's end from its process. A worker that was a
     * ready spare ({@code acceptNow}) is reported as taking tasks at once ({@link WorkerEvents#onAccepting}), so
     * that its first tasks reach it with its entry rather than one round trip after it.
     */
    void attached(byte[] initializer, boolean acceptNow) throws IOException {
        // first: an INIT larger than the ring waits for the worker to read, and must fail if it dies instead
        process.whenGone(rings::peerGone);
        synchronized (writeLock) {
            writeInit(initializer);
        }
        readerThread = Thread.ofPlatform().daemon().name(name + "-reader").start(() -> readRings(null));
        if (acceptNow) {
            events.onAccepting(this);
        }
    }

    private void writeInit(byte[] initializer) throws IOException {
        int length = initializer == null ? 0 : initializer.length;
        ensure(WireFormat.HEADER_LENGTH + length);
        out.putInt(1 + length).put(WireFormat.INIT);
        if (initializer != null) {
            out.put(initializer);
        }
        write();
        wired = true;
    }

    void connected(SocketChannel tasks, SocketChannel results, byte[] initializer) throws IOException {
        tasks.configureBlocking(true);
        synchronized (writeLock) {
            this.tasks = tasks;
            RingWire r = rings;
            if (r != null) {
                byte[] name = r.name().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                ByteBuffer frame = ByteBuffer.allocate(WireFormat.HEADER_LENGTH + name.length);
                frame.putInt(1 + name.length).put(WireFormat.RINGS).put(name).flip();
                while (frame.hasRemaining()) {
                    tasks.write(frame);
                }
            }
            writeInit(initializer);
        }
        if (rings != null) {
            readerThread = Thread.ofPlatform().daemon().name(name + "-reader").start(() -> readRings(results));
            return;
        }
        reader = new FrameReader(results, helpers);
        readerThread = Thread.ofPlatform().daemon().name(name + "-reader").start(() -> read(results));
    }

    private void read(SocketChannel results) {
        try (results; FrameReader reader = this.reader) {
            while (true) {
                if (helpers.get() > 0 || lastHelpEnded != 0) {
                    stepAside();
                }
                readRole.lock();
                try {
                    ByteBuffer frame = reader.next(sent != received ? SPIN_NANOS : 0);
                    if (frame == null) {
                        break;
                    }
                    if (frame == FrameReader.YIELDED) {
                        continue;
                    }
                    handle(frame);
                    if (!reader.poll()) {
                        events.onResultsDrained(this);
                    }
                } finally {
                    readRole.unlock();
                }
            }
        } catch (Throwable t) {
            readingFailed(t);
        }
        end();
    }

    /** A reader stopped on {@code t}: an I/O error is the worker's end; anything else is kept as its last words. */
    private void readingFailed(Throwable t) {
        if (!killRequested && lastWords == null && !(t instanceof IOException)) {
            lastWords = t;
        }
        kill();
    }

    /** After the reader thread read the last frame: nobody reads any more; wait for the exit and report it. */
    private void end() {
        readRole.lock();
        try {
            readingOver = true;
        } finally {
            readRole.unlock();
        }
        closeTasks();
        WorkerProcess p = process;
        Integer code = null;
        try {
            if (p != null) {
                code = p.exitCode(5_000);
                if (code == null) {
                    p.kill();
                    code = p.exitCode(30_000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        events.onExit(this, code, lastWords);
    }

    /** Handles one frame from the worker (the role held). */
    private void handle(ByteBuffer frame) throws IOException {
        byte type = frame.get();
        switch (type) {
            case WireFormat.READY -> events.onReady(this);
            case WireFormat.RESULT -> result(frame);
            case WireFormat.INIT_FAILED -> lastWords = decodeFailure(frame, "initializer");
            case WireFormat.DYING -> {
                frame.getLong();
                lastWords = decodeFailure(frame, "error");
            }
            default -> throw new IOException("unknown frame type " + type + " from " + name);
        }
    }

    // ---------------------------------------------------------------- reading from the rings

    /**
     * The reader thread on the rings. Unlike on a socket it waits for results <em>without</em> the read role
     * (the ring lets one thread wait while another receives), and takes the role only to read what is there:
     * so a helper never has to make it give way, and finds the role free. While callers help, it steps aside
     * as on the socket, so that the worker's publishing finds no waiter to wake. The worker's end wakes it: the
     * process's ({@link #attached}), or, given the worker's {@code results} socket (the direct launcher), a
     * second, virtual thread waiting for that socket to end, which happens however the worker's process ends.
     */
    private void readRings(SocketChannel results) {
        RingWire r = rings;
        if (results != null) {
            Thread.ofVirtual().name(name + "-end").start(() -> {
                ByteBuffer one = ByteBuffer.allocate(1);
                try {
                    results.configureBlocking(true);
                    while (results.read(one) >= 0) {
                        one.clear(); // the worker sends nothing more here: only its end matters
                    }
                } catch (IOException closedOrGone) {
                    // either way, the worker is gone or the channel is over
                }
                r.peerGone();
            });
        }
        try (results) {
            while (true) {
                if (helpers.get() > 0 || lastHelpEnded != 0) {
                    stepAside();
                }
                if (!r.awaitReadable(RING_WAIT_NANOS, sent != received) || helpers.get() > 0) {
                    continue;
                }
                readRole.lock();
                try {
                    if (!drain(r)) {
                        break;
                    }
                } finally {
                    readRole.unlock();
                }
            }
        } catch (Throwable t) {
            readingFailed(t);
        }
        end();
    }

    /** Handles every frame there is; false at the end of the worker's stream. The role held. */
    private boolean drain(RingWire r) throws IOException {
        boolean any = false;
        try {
            for (ByteBuffer frame; (frame = r.tryNext()) != null; ) {
                handle(frame);
                any = true;
            }
        } catch (java.io.EOFException end) {
            return false;
        }
        if (any) {
            events.onResultsDrained(this);
        }
        return true;
    }

    /** Reads frames until {@code until} is done (true), or the deadline or the end of the stream (false). */
    private boolean readRingResults(RingWire r, Future<?> until, long deadline) throws IOException {
        int spins = 0;
        long yieldFrom = 0;
        while (!until.isDone()) {
            ByteBuffer frame;
            try {
                frame = r.tryNext();
            } catch (java.io.EOFException end) {
                return false;
            }
            if (frame == null) {
                if ((++spins & 0x3f) == 0) {
                    long now = System.nanoTime();
                    if (now - deadline > 0) {
                        return false;
                    }
                    if (yieldFrom == 0) {
                        yieldFrom = now + YIELD_AFTER_NANOS;
                    }
                }
                if (yieldFrom != 0 && System.nanoTime() - yieldFrom > 0) {
                    Thread.yield(); // the worker may be waiting for this very CPU (as the rings' own spin does)
                } else {
                    Thread.onSpinWait();
                }
                continue;
            }
            spins = 0;
            yieldFrom = 0;
            handle(frame);
            if (!r.readable()) {
                events.onResultsDrained(this);
            }
        }
        return true;
    }

    private void leaveHelp(boolean handBack) {
        if (handBack || sent != received) {
            lastHelpEnded = 0;
            helpers.decrementAndGet();
            LockSupport.unpark(readerThread);
        } else {
            lastHelpEnded = System.nanoTime();
            helpers.decrementAndGet();
        }
    }

    private void result(ByteBuffer frame) {
        long id = frame.getLong();
        byte status = frame.get();
        int length = frame.getInt();
        Object value = null;
        if (status != WireFormat.STATUS_SKIPPED) {
            try {
                value = codec.decode(frame.array(), frame.arrayOffset() + frame.position(), length);
                if (status == WireFormat.STATUS_FAILED) {
                    value = PoolCodec.rebuildFailure(value);
                }
            } catch (RuntimeException e) {
                status = WireFormat.STATUS_FAILED;
                value = new IllegalStateException("the result of task " + id + " could not be decoded here: "
                        + e.getMessage(), e);
            }
        }
        received++;
        events.onResult(this, id, status, value);
    }

    /**
     * Parks the reader thread while callers help, and for a short while after the last one left with nothing
     * more expected (the next call of a caller issuing one call after another is likely to come at once).
     */
    private void stepAside() {
        while (true) {
            if (helpers.get() == 0) {
                long ended = lastHelpEnded;
                if (ended == 0 || sent != received || System.nanoTime() - ended >= RESUME_AFTER_NANOS) {
                    lastHelpEnded = 0;
                    if (helpers.get() == 0) {
                        return;
                    }
                }
            }
            LockSupport.parkNanos(this, RESUME_AFTER_NANOS);
        }
    }

    /**
     * Reads results in this (caller's) thread until {@code until} is done or {@code nanos} have passed,
     * instead of waiting for the reader thread to hand it over (see the class comment). Returns early, with
     * the reader thread back in charge, at anything a helper does not handle.
     */
    @Override
    public void help(Future<?> until, long nanos) {
        if (until.isDone() || readRole.isHeldByCurrentThread()) {
            return; // held already: a callback of a result this thread is delivering waits for another one
        }
        RingWire ringWire = rings;
        FrameReader r = reader;
        if (ringWire == null ? r == null : readerThread == null) {
            return; // not connected yet
        }
        long deadline = System.nanoTime() + nanos;
        boolean handBack = false;
        helpers.incrementAndGet();
        try {
            // On a socket the reader thread may be blocked in a read holding the role: wake it once so it
            // steps aside. On the rings it waits without the role.
            boolean wokeReader = ringWire != null;
            int spins = 0;
            while (!until.isDone()) {
                if (readRole.tryLock()) {
                    try {
                        handBack = !readingOver && !(ringWire != null ? readRingResults(ringWire, until, deadline)
                                : readResults(r, until, deadline));
                    } finally {
                        readRole.unlock();
                    }
                    return;
                }
                if (!wokeReader) {
                    r.wakeup();
                    wokeReader = true;
                }
                if ((++spins & 0x3f) == 0 && System.nanoTime() - deadline > 0) {
                    return;
                }
                Thread.onSpinWait();
            }
        } catch (IOException | RuntimeException e) {
            handBack = true; // the reader thread meets the same trouble and reports the worker's end
        } finally {
            leaveHelp(handBack);
        }
    }

    /** Reads RESULT frames until {@code until} is done (true) or the deadline or another frame type (false). */
    private boolean readResults(FrameReader r, Future<?> until, long deadline) throws IOException {
        int spins = 0;
        while (!until.isDone()) {
            ByteBuffer frame = r.tryNext();
            if (frame == null) {
                if (r.endOfStream() || ((++spins & 0x3f) == 0 && System.nanoTime() - deadline > 0)) {
                    return false;
                }
                Thread.onSpinWait();
                continue;
            }
            if (frame.get(frame.position()) != WireFormat.RESULT) {
                r.unread();
                return false;
            }
            frame.get();
            result(frame);
            if (!r.poll()) {
                events.onResultsDrained(this);
            }
        }
        return true;
    }

    private Throwable decodeFailure(ByteBuffer frame, String what) {
        try {
            return PoolCodec.rebuildFailure(codec.decode(frame.array(), frame.arrayOffset() + frame.position(),
                    frame.remaining()));
        } catch (RuntimeException e) {
            return new IllegalStateException("the worker's " + what + " could not be decoded: " + e.getMessage(), e);
        }
    }

    void exited(WorkerProcess p, Throwable why) {
        closeRings();
        Integer code = null;
        if (p != null) {
            try {
                code = p.exitCode(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        events.onExit(this, code, killRequested ? null : why);
    }

    @Override
    public void send(List<Task> batch) throws IOException {
        synchronized (writeLock) {
            int size = WireFormat.HEADER_LENGTH + 4;
            for (int i = 0; i < batch.size(); i++) {
                Task t = batch.get(i);
                size += 8 + 1 + 8 + 4 + t.fn.length + 4 + (t.arg == null ? 0 : t.arg.length);
            }
            ensure(size); // an upper bound: functions the worker has are sent by id only
            out.putInt(0).put(WireFormat.TASKS).putInt(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                Task t = batch.get(i);
                out.putLong(t.id).put(t.kind).putLong(t.fnId);
                if (workerFunctions.get(t.fnId) != null) {
                    out.putInt(WireFormat.FN_CACHED);
                } else {
                    out.putInt(t.fn.length).put(t.fn);
                    workerFunctions.put(t.fnId, Boolean.TRUE);
                }
                if (t.arg == null) {
                    out.putInt(0);
                } else {
                    out.putInt(t.arg.length).put(t.arg);
                }
            }
            out.putInt(0, out.position() - 4);
            sent += batch.size();
            write();
        }
    }

    @Override
    public void cancel(long taskId) {
        control(WireFormat.CANCEL, taskId);
    }

    @Override
    public void stop() {
        control(WireFormat.STOP, Long.MIN_VALUE);
    }

    private void control(byte type, long argument) {
        synchronized (writeLock) {
            if (!wired) {
                return;
            }
            ensure(WireFormat.HEADER_LENGTH + 8);
            out.putInt(argument == Long.MIN_VALUE ? 1 : 9).put(type);
            if (argument != Long.MIN_VALUE) {
                out.putLong(argument);
            }
            try {
                write();
            } catch (IOException e) {
                kill();
            }
        }
    }

    private void ensure(int size) {
        out.clear();
        if (out.capacity() < size) {
            out = ByteBuffer.allocate(Math.max(size, out.capacity() * 2));
        }
    }

    private void write() throws IOException {
        try {
            RingWire r = rings;
            if (r != null) {
                if (ringsClosed) {
                    throw new IOException("the worker's rings are closed");
                }
                r.write(out);
                return;
            }
            out.flip();
            while (out.hasRemaining()) {
                tasks.write(out);
            }
        } finally {
            out.clear();
            if (out.capacity() > 4 * 1024 * 1024) {
                out = ByteBuffer.allocate(64 * 1024); // do not keep a huge chunk's buffer forever
            }
        }
    }

    private void closeRings() {
        RingWire r = rings;
        if (r != null) {
            synchronized (writeLock) {
                ringsClosed = true;
                r.close();
            }
        }
    }

    private void closeTasks() {
        closeRings();
        synchronized (writeLock) {
            if (tasks != null) {
                try {
                    tasks.close();
                } catch (IOException ignored) {
                    // closing only
                }
            }
        }
    }

    @Override
    public void kill() {
        killRequested = true;
        WorkerProcess p = process;
        if (p != null) {
            p.kill();
        }
    }

    @Override
    public long residentBytes() {
        WorkerProcess p = process;
        if (p == null) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
