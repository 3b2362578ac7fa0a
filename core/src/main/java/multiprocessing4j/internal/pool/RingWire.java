package multiprocessing4j.internal.pool;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

import multiprocessing4j.internal.ipc.MessageBuffer;
import multiprocessing4j.internal.ipc.SpscRing;
import multiprocessing4j.internal.ipc.SpscRingDescriptor;
import multiprocessing4j.internal.shm.SegmentDescriptor;
import multiprocessing4j.internal.shm.SharedSegment;

/**
 * One end of a worker's wire in shared memory: a segment holding two {@link SpscRing}s, <em>tasks</em>
 * (pool → worker) and <em>results</em> (worker → pool), that carry the {@link WireFormat} frames in place of
 * the two sockets. A round trip then costs two ring hand-overs instead of four socket system calls. The
 * ring frames each message, so a frame travels without its length prefix; frames larger than a ring pass in
 * fragments (see {@link SpscRing}).
 *
 * <pre>
 *  +------------------------------------------------------------+
 *  | ring capacity (int)                                        |   0
 *  +------------------------------------------------------------+
 *  | tasks {@link SpscRing} ({@link SpscRingDescriptor})         |  64
 *  +------------------------------------------------------------+
 *  | results SpscRing                                           |  64 + ring length
 *  +------------------------------------------------------------+
 * </pre>
 *
 * <p><b>Life of the segment.</b> The pool creates it (a generated {@code mp4j-<rootPid>-} name, so the
 * segment tracker sweeps it should the pool's JVM be killed, and only this user may open it) and tells the
 * worker its name in the worker's entry, over the runtime's authenticated link (with the direct launcher, over
 * the authenticated tasks socket); the worker attaches and unlinks the name at once, so the file exists only
 * while a worker starts. Each side unmaps it when its end of the worker is over; the pool unlinks it too
 * then, in case the worker never attached.
 *
 * <p><b>Ends.</b> The worker's death is learnt from the runtime (its link's end, which the kernel closes
 * however the worker died: {@code ChildJvm.gone()}), or from its socket's end of stream with the direct launcher,
 * and passed on with {@link #peerGone()}: a reader waiting on the results ring
 * wakes, reads every result the worker published, then meets the end; a sender waiting for room fails.
 * The rings' own liveness checks (every {@value SpscRing#LIVENESS_CHECK_MILLIS} ms) are the backstop, and
 * the worker's only way to see the pool die (besides the runtime's parent watch, which halts it).
 *
 * <p>Sending is serialised by the caller (one thread at a time); so is receiving.
 */
final class RingWire implements AutoCloseable {
    /** Kind of the segment. */
    static final int KIND = SegmentDescriptor.kind("POOL");
    /** Bytes of each ring. Larger frames are fragmented; a ring of tasks rarely holds more than a few kB. */
    static final int CAPACITY = 1 << 18;

    static final int CAPACITY_OFFSET = 0;
    static final int TASKS_OFFSET = SegmentDescriptor.CACHE_LINE_LENGTH;

    /** A received message buffer grown past this is let go (after a huge chunk or result). */
    private static final int RETAINED_BYTES = 4 * 1024 * 1024;

    private final SharedSegment segment;
    private final SpscRing in;
    private final SpscRing out;
    private final MessageBuffer message = new MessageBuffer(64 * 1024);
    private ByteBuffer frame = ByteBuffer.wrap(message.array());
    /** A frame {@link #poll()} received and {@link #next} has not returned yet. */
    private boolean polled;
    private boolean closed;

    private RingWire(SharedSegment segment, SpscRing in, SpscRing out) {
        this.segment = segment;
        this.in = in;
        this.out = out;
    }

    static long resultsOffset(int capacity) {
        return TASKS_OFFSET + SpscRingDescriptor.regionLength(capacity);
    }

    static long payloadLength(int capacity) {
        return resultsOffset(capacity) + SpscRingDescriptor.regionLength(capacity);
    }

    /** The pool's end: a new segment, this process the producer of tasks and the consumer of results. */
    static RingWire create() {
        SharedSegment segment = SharedSegment.create(null, KIND, payloadLength(CAPACITY));
        try {
            MemorySegment payload = segment.payload();
            payload.set(ValueLayout.JAVA_INT, CAPACITY_OFFSET, CAPACITY);
            long ringLength = SpscRingDescriptor.regionLength(CAPACITY);
            SpscRing tasks = SpscRing.initialise(payload.asSlice(TASKS_OFFSET, ringLength), CAPACITY);
            SpscRing results = SpscRing.initialise(payload.asSlice(resultsOffset(CAPACITY), ringLength), CAPACITY);
            tasks.claimProducer();
            results.claimConsumer();
            return new RingWire(segment, results, tasks);
        } catch (RuntimeException e) {
            segment.close();
            segment.unlink();
            throw e;
        }
    }

    /** The worker's end: attaches to the pool's segment and unlinks its name (see the class comment). */
    static RingWire attach(String name) {
        SharedSegment segment = SharedSegment.attach(name, KIND);
        try {
            MemorySegment payload = segment.payload();
            int capacity = payload.get(ValueLayout.JAVA_INT, CAPACITY_OFFSET);
            if (payload.byteSize() < payloadLength(capacity)) {
                throw new IllegalArgumentException("pool segment " + name + " of " + payload.byteSize()
                        + " bytes cannot hold two rings of " + capacity + " bytes");
            }
            long ringLength = SpscRingDescriptor.regionLength(capacity);
            SpscRing tasks = SpscRing.attach(payload.asSlice(TASKS_OFFSET, ringLength));
            SpscRing results = SpscRing.attach(payload.asSlice(resultsOffset(capacity), ringLength));
            tasks.claimConsumer();
            results.claimProducer();
            return new RingWire(segment, tasks, results);
        } catch (RuntimeException e) {
            segment.close();
            throw e;
        } finally {
            segment.unlink();
        }
    }

    /** The segment's name, for the worker to attach. */
    String name() {
        return segment.name();
    }

    /**
     * Sends the frame in {@code buffer}'s bytes {@code [0, position)}, length prefix first (which the ring
     * makes redundant and which is not sent). Waits for room as long as it takes; an interrupt does not cut a
     * frame short (it would be lost, and the tasks in it with it): it is kept for the caller.
     *
     * @throws IOException if the other end is closed or gone
     */
    void write(ByteBuffer buffer) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    out.send(buffer.array(), buffer.arrayOffset() + 4, buffer.position() - 4, Long.MAX_VALUE);
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (IllegalStateException e) {
                    throw new IOException("the pool's shared memory with this worker is closed", e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The next frame, waiting as long as it takes: a buffer positioned at its type byte with its limit at
     * its end, valid until the next call; {@code null} once the other end closed or died and every frame it
     * sent was returned.
     */
    ByteBuffer next() throws IOException {
        if (polled) {
            polled = false;
            return frame;
        }
        try {
            return receive(Long.MAX_VALUE) ? frame : null;
        } catch (EOFException end) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a frame", e);
        }
    }

    /** Whether a frame can be had from {@link #next} at once (it is received meanwhile); false at the end. */
    boolean poll() throws IOException {
        if (polled) {
            return true;
        }
        try {
            polled = receive(0);
        } catch (EOFException end) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading a frame", e);
        }
        return polled;
    }

    /**
     * The next frame if one is there, else {@code null}, never waiting.
     *
     * @throws EOFException once the other end closed or died and every frame it sent was returned
     */
    ByteBuffer tryNext() throws IOException {
        try {
            return receive(0) ? frame : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading a frame", e);
        }
    }

    /**
     * Waits up to {@code timeoutNanos} until {@link #tryNext} may have something (a frame, or the end), without
     * receiving: other threads may receive meanwhile. See {@link SpscRing#awaitPublished}.
     */
    boolean awaitReadable(long timeoutNanos, boolean spinFirst) throws InterruptedException {
        return in.awaitPublished(timeoutNanos, spinFirst);
    }

    /** Whether {@link #tryNext} would find something (a frame, or the end) now. */
    boolean readable() {
        try {
            return in.awaitPublished(0, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // never: it does not wait
            return true;
        }
    }

    private boolean receive(long timeoutNanos) throws EOFException, InterruptedException {
        if (message.array().length > RETAINED_BYTES) {
            message.trim(64 * 1024);
        }
        int length = in.receive(message, timeoutNanos);
        if (length < 0) {
            return false;
        }
        if (frame.array() != message.array()) {
            frame = ByteBuffer.wrap(message.array());
        }
        frame.limit(length).position(0);
        if (length < 1) {
            throw new IllegalStateException("an empty frame on the pool's ring");
        }
        return true;
    }

    /**
     * The other end's process is gone: wakes a reader, which then gets every frame it sent
     * and the end, and makes sends fail rather than wait for room. Thread-safe; harmless after {@link #close}.
     */
    synchronized void peerGone() {
        if (!closed) {
            in.producerGone();
            out.closeConsumer();
        }
    }

    /**
     * This end is done: the other end's reader gets the end of stream after what was sent (if it is still
     * there to read), the name is unlinked if still there, and the segment is unmapped here. No call may be
     * in progress on this end in another thread. Harmless when repeated.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.closeProducer();
        } finally {
            try {
                segment.unlink();
            } finally {
                segment.close();
            }
        }
    }
}
