package multiprocessing4j;

import java.lang.foreign.ValueLayout;

import multiprocessing4j.internal.ipc.PipeDescriptor;
import multiprocessing4j.internal.ipc.SpscRing;
import multiprocessing4j.internal.ipc.SpscRingDescriptor;
import multiprocessing4j.internal.shm.SharedSegment;

/**
 * A pair of connected {@link Connection}s: Python's {@code multiprocessing.Pipe()}. What one end
 * sends, the other receives, in order, exactly once.
 *
 * <pre>{@code
 * try (Pipe pipe = Pipe.open()) {
 *     Connection child = pipe.right();
 *     ChildProcess.start(() -> { child.send("hello"); child.close(); });  // the captured end attaches in the child
 *     String greeting = (String) pipe.left().recv();
 *     pipe.left().recv();                                                // EOFException: the child closed its end
 * }
 * }</pre>
 *
 * <p>{@link #open()} makes a duplex pipe: both ends send and receive. {@link #open(boolean)
 * open(false)} makes a one-way pipe, as in Python: the <em>left</em> end only receives, the
 * <em>right</em> end only sends. Each direction is a ring of {@value #DEFAULT_CAPACITY} bytes in
 * shared memory ({@link #open(boolean, int)} chooses another size); messages of any size pass
 * through it, larger ones in fragments.
 *
 * <p>Each end is meant to be used by one process at a time: capture or send an end to the process
 * that will use it (it attaches there and becomes that end's holder). What happens when the other
 * end closes or its holder dies is described in {@link Connection}.
 *
 * <p>{@link #close()} closes both ends held here. The shared memory is removed once both ends are
 * closed, or when the creating JVM exits if no end left it, or else when the process tree ends.
 */
public final class Pipe implements AutoCloseable {
    /** Bytes of each direction's ring. */
    public static final int DEFAULT_CAPACITY = 1 << 20;

    private final Connection left;
    private final Connection right;

    private Pipe(Connection left, Connection right) {
        this.left = left;
        this.right = right;
    }

    /** A duplex pipe: both ends send and receive. */
    public static Pipe open() {
        return open(true);
    }

    /** A duplex pipe, or (when {@code duplex} is false) a one-way pipe whose left end receives and right end sends. */
    public static Pipe open(boolean duplex) {
        return open(duplex, DEFAULT_CAPACITY);
    }

    /**
     * A pipe with rings of {@code capacity} bytes per direction.
     *
     * @throws IllegalArgumentException unless {@code capacity} is a power of two from 4096 to 2^30
     */
    public static Pipe open(boolean duplex, int capacity) {
        SpscRingDescriptor.checkCapacity(capacity);
        SharedSegment segment = SharedSegment.create(null, PipeDescriptor.KIND, PipeDescriptor.payloadLength(duplex, capacity));
        SharedSegment second = null;
        try {
            segment.payload().set(ValueLayout.JAVA_INT, PipeDescriptor.DUPLEX_OFFSET, duplex ? 1 : 0);
            segment.payload().set(ValueLayout.JAVA_INT, PipeDescriptor.CAPACITY_OFFSET, capacity);
            SpscRing.initialise(segment.payload().asSlice(PipeDescriptor.RIGHT_TO_LEFT_OFFSET, SpscRingDescriptor.regionLength(capacity)), capacity);
            if (duplex) {
                SpscRing.initialise(segment.payload().asSlice(PipeDescriptor.leftToRightOffset(capacity),
                        SpscRingDescriptor.regionLength(capacity)), capacity);
            }
            second = SharedSegment.attach(segment.name(), PipeDescriptor.KIND);
            return new Pipe(new Connection(segment, true), new Connection(second, false));
        } catch (RuntimeException e) {
            if (second != null) {
                second.close();
            }
            segment.close();
            segment.unlink();
            throw e;
        }
    }

    /** The left end (the receiving end of a one-way pipe). */
    public Connection left() {
        return left;
    }

    /** The right end (the sending end of a one-way pipe). */
    public Connection right() {
        return right;
    }

    /** Closes both ends held by this {@code Pipe}. Harmless when repeated. */
    @Override
    public void close() {
        left.close();
        right.close();
    }

    @Override
    public String toString() {
        return "Pipe[" + left + ", " + right + "]";
    }
}
