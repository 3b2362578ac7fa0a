package multiprocessing4j.shared;

import static multiprocessing4j.shared.SharedArrayDescriptor.DATA_OFFSET;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Objects;

import multiprocessing4j.internal.shm.SharedSegment;
import multiprocessing4j.sync.ProcessReentrantLock;

/**
 * A fixed-length array of {@code double} shared by the threads of any number of processes: Python's
 * {@code multiprocessing.Array('d', n)}. Elements start at 0.
 *
 * <pre>{@code
 * try (SharedDoubleArray counts = SharedDoubleArray.create(4)) {
 *     for (int w = 0; w < 4; w++) {
 *         int worker = w;
 *         ChildProcess.start(() -> counts.set(worker, counts.get(worker) + 1));   // the captured handle attaches in the child
 *     }
 *     // ... join the children, then read counts.copyTo(...) ...
 *     counts.unlink();
 * }
 * }</pre>
 *
 * <p><b>Access.</b> {@link #get} and {@link #set} are plain memory accesses, as on an ordinary
 * Java array: fast (a loop over them compiles to a loop over memory), with no ordering between
 * threads or processes. {@link #getVolatile} and {@link #setVolatile} order as volatile accesses
 * do. There are no element atomics: for a read-modify-write of elements, hold {@link #lock()}. Bulk {@link #copyFrom} and {@link #copyTo} move ranges between this array and a
 * Java array at memory speed, without atomicity. {@link #segment()} exposes the elements as a
 * {@link MemorySegment} (native byte order) for everything else. Indices are {@code long}:
 * shared arrays may exceed 2<sup>31</sup> elements. A bad index or range throws
 * {@link IndexOutOfBoundsException}.
 *
 * <p><b>Lock.</b> {@link #lock()} is a {@link ProcessReentrantLock} living in this array's
 * storage (Python's {@code get_lock()}): the same lock in every process, for compound updates.
 * It guards nothing by itself: only code that takes it is excluded. Releasing it publishes every
 * plain write made while holding it to the next holder, in any process.
 *
 * <p><b>Handle.</b> Serializing a {@code SharedDoubleArray} (or capturing it in a lambda sent to a child or
 * pool worker) sends its name; the copy attaches to the same elements. {@link #close()} unmaps it
 * here; {@link #unlink()} removes the name; the rules are {@link SharedMemory}'s.
 *
 * <p><b>When a process dies.</b> The elements keep whatever was written; a bulk copy interrupted by
 * death leaves a range partly copied. A process that dies holding {@link #lock()} is handled as
 * by any {@link ProcessReentrantLock}: the next holder takes over and is told.
 */
public final class SharedDoubleArray implements AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final ValueLayout.OfDouble LAYOUT = ValueLayout.JAVA_DOUBLE;
    private static final VarHandle V = LAYOUT.varHandle();
    private static final int SIZE = 8;

    private final transient SharedSegment segment;
    private final transient MemorySegment cell;
    private final transient MemorySegment data;
    private final transient long length;
    private final transient EmbeddedLock lock;

    private SharedDoubleArray(SharedSegment segment) {
        this.segment = segment;
        this.cell = segment.payload();
        this.lock = new EmbeddedLock(segment, SharedArrayDescriptor.LOCK_OFFSET);
        this.length = SharedArrayDescriptor.length(segment, SIZE);
        this.data = cell.asSlice(DATA_OFFSET, length * SIZE);
    }

    /**
     * Creates a shared array of {@code length} zeros.
     *
     * @throws IllegalArgumentException if {@code length} is negative or does not fit in /dev/shm
     */
    public static SharedDoubleArray create(long length) {
        return new SharedDoubleArray(SharedArrayDescriptor.create("SharedDoubleArray", SharedArrayDescriptor.KIND_DOUBLE, length, SIZE));
    }

    /** Creates a shared array holding a copy of {@code values}. */
    public static SharedDoubleArray of(double... values) {
        SharedDoubleArray a = create(values.length);
        a.copyFrom(values);
        return a;
    }

    /**
     * Attaches to the shared array named {@code name} (see {@link #name()}).
     *
     * @throws IllegalArgumentException if the name is bad or names another kind of shared object
     * @throws IllegalStateException if no shared object has that name
     */
    public static SharedDoubleArray attach(String name) {
        return new SharedDoubleArray(SharedSegment.attach(name, SharedArrayDescriptor.KIND_DOUBLE));
    }

    /** The number of elements. */
    public long length() {
        return length;
    }

    /** Element {@code index} (plain read). */
    public double get(long index) {
        return data.getAtIndex(LAYOUT, Objects.checkIndex(index, length));
    }

    /** Sets element {@code index} (plain write). */
    public void set(long index, double value) {
        data.setAtIndex(LAYOUT, Objects.checkIndex(index, length), value);
    }

    /** Element {@code index}, read with volatile semantics. */
    public double getVolatile(long index) {
        return (double) V.getVolatile(cell, offset(index));
    }

    /** Sets element {@code index} with volatile semantics. */
    public void setVolatile(long index, double value) {
        V.setVolatile(cell, offset(index), value);
    }

    /**
     * Copies {@code count} elements of {@code source} from {@code sourceIndex} into this array from
     * {@code index}.
     *
     * @throws IndexOutOfBoundsException if either range is out of bounds
     */
    public void copyFrom(double[] source, int sourceIndex, long index, int count) {
        Objects.checkFromIndexSize(sourceIndex, count, source.length);
        Objects.checkFromIndexSize(index, count, length);
        MemorySegment.copy(source, sourceIndex, data, LAYOUT, index * SIZE, count);
    }

    /**
     * Copies all of {@code source} into the start of this array.
     *
     * @throws IndexOutOfBoundsException if {@code source} is longer than this array
     */
    public void copyFrom(double[] source) {
        copyFrom(source, 0, 0, source.length);
    }

    /**
     * Copies {@code count} elements of this array from {@code index} into {@code target} from
     * {@code targetIndex}.
     *
     * @throws IndexOutOfBoundsException if either range is out of bounds
     */
    public void copyTo(long index, double[] target, int targetIndex, int count) {
        Objects.checkFromIndexSize(index, count, length);
        Objects.checkFromIndexSize(targetIndex, count, target.length);
        MemorySegment.copy(data, LAYOUT, index * SIZE, target, targetIndex, count);
    }

    /**
     * A new Java array holding a copy of this array.
     *
     * @throws IllegalStateException if this array has more elements than a Java array can hold
     */
    public double[] toArray() {
        double[] copy = new double[SharedArrayDescriptor.javaArrayLength("SharedDoubleArray", length)];
        copyTo(0, copy, 0, copy.length);
        return copy;
    }

    /** The elements as a memory segment of {@code length() * 8} bytes (native byte order), valid until {@link #close()}. */
    public MemorySegment segment() {
        SharedArrayDescriptor.checkOpen(segment, "SharedDoubleArray");
        return data;
    }

    /**
     * The lock that lives with this array, for compound updates (Python's {@code get_lock()}); the
     * same lock in every process. It is closed and unlinked with this array.
     */
    public ProcessReentrantLock lock() {
        return lock.get();
    }

    /** The name other processes attach with. */
    public String name() {
        return segment.name();
    }

    /** Unmaps the array in this process; harmless when repeated. */
    @Override
    public void close() {
        segment.close();
    }

    /** Removes the name; processes that have the array keep using it. Harmless when repeated. */
    public void unlink() {
        segment.unlink();
    }

    @Override
    public String toString() {
        return "SharedDoubleArray[" + name() + ", " + length + " elements" + (segment.isClosed() ? ", closed" : "") + "]";
    }

    private long offset(long index) {
        return DATA_OFFSET + Objects.checkIndex(index, length) * SIZE;
    }

    @Serial
    private Object writeReplace() {
        segment.markHandedOff();
        return new Handle(segment.name());
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("SharedDoubleArray is serialized as its handle, never directly");
    }

    private record Handle(String name) implements Serializable {
        @Serial
        private Object readResolve() {
            return attach(name);
        }
    }
}
