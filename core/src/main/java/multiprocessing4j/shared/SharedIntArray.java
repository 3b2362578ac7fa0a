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
import java.util.function.IntBinaryOperator;
import java.util.function.IntUnaryOperator;

import multiprocessing4j.internal.shm.SharedSegment;
import multiprocessing4j.sync.ProcessReentrantLock;

/**
 * A fixed-length array of {@code int} shared by the threads of any number of processes: Python's
 * {@code multiprocessing.Array('i', n)}. Elements start at 0.
 *
 * <pre>{@code
 * try (SharedIntArray counts = SharedIntArray.create(4)) {
 *     for (int w = 0; w < 4; w++) {
 *         int worker = w;
 *         ChildProcess.start(() -> counts.incrementAndGet(worker));   // the captured handle attaches in the child
 *     }
 *     // ... join the children, then read counts.copyTo(...) ...
 *     counts.unlink();
 * }
 * }</pre>
 *
 * <p><b>Access.</b> {@link #get} and {@link #set} are plain memory accesses, as on an ordinary
 * Java array: fast (a loop over them compiles to a loop over memory), with no ordering between
 * threads or processes. {@link #getVolatile} and {@link #setVolatile} order as volatile accesses
 * do. Element atomics ({@code getAndAdd}, {@code compareAndSet}, {@code updateAndGet}, ...) are atomic across threads and processes, with the semantics of {@link java.util.concurrent.atomic.AtomicIntegerArray}'s. Bulk {@link #copyFrom} and {@link #copyTo} move ranges between this array and a
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
 * <p><b>Handle.</b> Serializing a {@code SharedIntArray} (or capturing it in a lambda sent to a child or
 * pool worker) sends its name; the copy attaches to the same elements. {@link #close()} unmaps it
 * here; {@link #unlink()} removes the name; the rules are {@link SharedMemory}'s.
 *
 * <p><b>When a process dies.</b> The elements keep whatever was written; a bulk copy interrupted by
 * death leaves a range partly copied. A process that dies holding {@link #lock()} is handled as
 * by any {@link ProcessReentrantLock}: the next holder takes over and is told.
 */
public final class SharedIntArray implements AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final ValueLayout.OfInt LAYOUT = ValueLayout.JAVA_INT;
    private static final VarHandle V = LAYOUT.varHandle();
    private static final int SIZE = 4;

    private final transient SharedSegment segment;
    private final transient MemorySegment cell;
    private final transient MemorySegment data;
    private final transient long length;
    private final transient EmbeddedLock lock;

    private SharedIntArray(SharedSegment segment) {
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
    public static SharedIntArray create(long length) {
        return new SharedIntArray(SharedArrayDescriptor.create("SharedIntArray", SharedArrayDescriptor.KIND_INT, length, SIZE));
    }

    /** Creates a shared array holding a copy of {@code values}. */
    public static SharedIntArray of(int... values) {
        SharedIntArray a = create(values.length);
        a.copyFrom(values);
        return a;
    }

    /**
     * Attaches to the shared array named {@code name} (see {@link #name()}).
     *
     * @throws IllegalArgumentException if the name is bad or names another kind of shared object
     * @throws IllegalStateException if no shared object has that name
     */
    public static SharedIntArray attach(String name) {
        return new SharedIntArray(SharedSegment.attach(name, SharedArrayDescriptor.KIND_INT));
    }

    /** The number of elements. */
    public long length() {
        return length;
    }

    /** Element {@code index} (plain read). */
    public int get(long index) {
        return data.getAtIndex(LAYOUT, Objects.checkIndex(index, length));
    }

    /** Sets element {@code index} (plain write). */
    public void set(long index, int value) {
        data.setAtIndex(LAYOUT, Objects.checkIndex(index, length), value);
    }

    /** Element {@code index}, read with volatile semantics. */
    public int getVolatile(long index) {
        return (int) V.getVolatile(cell, offset(index));
    }

    /** Sets element {@code index} with volatile semantics. */
    public void setVolatile(long index, int value) {
        V.setVolatile(cell, offset(index), value);
    }

    /** Atomically sets element {@code index} and returns its old value. */
    public int getAndSet(long index, int value) {
        return (int) V.getAndSet(cell, offset(index), value);
    }

    /** Atomically sets element {@code index} to {@code update} if it is {@code expected}; returns whether it did. */
    public boolean compareAndSet(long index, int expected, int update) {
        return V.compareAndSet(cell, offset(index), expected, update);
    }

    /** Atomically adds {@code delta} to element {@code index}, returns its old value. */
    public int getAndAdd(long index, int delta) {
        return (int) V.getAndAdd(cell, offset(index), delta);
    }

    /** Atomically adds {@code delta} to element {@code index}, returns its new value. */
    public int addAndGet(long index, int delta) {
        return (int) V.getAndAdd(cell, offset(index), delta) + delta;
    }

    /** Atomically adds one to element {@code index}, returns its old value. */
    public int getAndIncrement(long index) {
        return getAndAdd(index, 1);
    }

    /** Atomically adds one to element {@code index}, returns its new value. */
    public int incrementAndGet(long index) {
        return addAndGet(index, 1);
    }

    /** Atomically subtracts one from element {@code index}, returns its old value. */
    public int getAndDecrement(long index) {
        return getAndAdd(index, -1);
    }

    /** Atomically subtracts one from element {@code index}, returns its new value. */
    public int decrementAndGet(long index) {
        return addAndGet(index, -1);
    }

    /** Applies {@code f} to element {@code index} atomically (retrying), returns the old value; {@code f} must be side-effect free. */
    public int getAndUpdate(long index, IntUnaryOperator f) {
        long at = offset(index);
        int prev = (int) V.getVolatile(cell, at);
        while (true) {
            int next = f.applyAsInt(prev);
            int witness = (int) V.compareAndExchange(cell, at, prev, next);
            if (witness == prev) {
                return prev;
            }
            prev = witness;
        }
    }

    /** Applies {@code f} to element {@code index} atomically (retrying), returns the new value; {@code f} must be side-effect free. */
    public int updateAndGet(long index, IntUnaryOperator f) {
        long at = offset(index);
        int prev = (int) V.getVolatile(cell, at);
        while (true) {
            int next = f.applyAsInt(prev);
            int witness = (int) V.compareAndExchange(cell, at, prev, next);
            if (witness == prev) {
                return next;
            }
            prev = witness;
        }
    }

    /** Combines element {@code index} with {@code x} by {@code f} atomically (retrying), returns the old value. */
    public int getAndAccumulate(long index, int x, IntBinaryOperator f) {
        long at = offset(index);
        int prev = (int) V.getVolatile(cell, at);
        while (true) {
            int next = f.applyAsInt(prev, x);
            int witness = (int) V.compareAndExchange(cell, at, prev, next);
            if (witness == prev) {
                return prev;
            }
            prev = witness;
        }
    }

    /** Combines element {@code index} with {@code x} by {@code f} atomically (retrying), returns the new value. */
    public int accumulateAndGet(long index, int x, IntBinaryOperator f) {
        long at = offset(index);
        int prev = (int) V.getVolatile(cell, at);
        while (true) {
            int next = f.applyAsInt(prev, x);
            int witness = (int) V.compareAndExchange(cell, at, prev, next);
            if (witness == prev) {
                return next;
            }
            prev = witness;
        }
    }

    /**
     * Copies {@code count} elements of {@code source} from {@code sourceIndex} into this array from
     * {@code index}.
     *
     * @throws IndexOutOfBoundsException if either range is out of bounds
     */
    public void copyFrom(int[] source, int sourceIndex, long index, int count) {
        Objects.checkFromIndexSize(sourceIndex, count, source.length);
        Objects.checkFromIndexSize(index, count, length);
        MemorySegment.copy(source, sourceIndex, data, LAYOUT, index * SIZE, count);
    }

    /**
     * Copies all of {@code source} into the start of this array.
     *
     * @throws IndexOutOfBoundsException if {@code source} is longer than this array
     */
    public void copyFrom(int[] source) {
        copyFrom(source, 0, 0, source.length);
    }

    /**
     * Copies {@code count} elements of this array from {@code index} into {@code target} from
     * {@code targetIndex}.
     *
     * @throws IndexOutOfBoundsException if either range is out of bounds
     */
    public void copyTo(long index, int[] target, int targetIndex, int count) {
        Objects.checkFromIndexSize(index, count, length);
        Objects.checkFromIndexSize(targetIndex, count, target.length);
        MemorySegment.copy(data, LAYOUT, index * SIZE, target, targetIndex, count);
    }

    /**
     * A new Java array holding a copy of this array.
     *
     * @throws IllegalStateException if this array has more elements than a Java array can hold
     */
    public int[] toArray() {
        int[] copy = new int[SharedArrayDescriptor.javaArrayLength("SharedIntArray", length)];
        copyTo(0, copy, 0, copy.length);
        return copy;
    }

    /** The elements as a memory segment of {@code length() * 4} bytes (native byte order), valid until {@link #close()}. */
    public MemorySegment segment() {
        SharedArrayDescriptor.checkOpen(segment, "SharedIntArray");
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
        return "SharedIntArray[" + name() + ", " + length + " elements" + (segment.isClosed() ? ", closed" : "") + "]";
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
        throw new InvalidObjectException("SharedIntArray is serialized as its handle, never directly");
    }

    private record Handle(String name) implements Serializable {
        @Serial
        private Object readResolve() {
            return attach(name);
        }
    }
}
