package multiprocessing4j.shared;

import static multiprocessing4j.shared.SharedValueDescriptor.VALUE_OFFSET;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.function.LongBinaryOperator;
import java.util.function.LongUnaryOperator;

import multiprocessing4j.internal.shm.SharedSegment;
import multiprocessing4j.sync.ProcessReentrantLock;

/**
 * A {@code long} shared by the threads of any number of processes, updated atomically: Python's
 * {@code multiprocessing.Value('q')}, with the methods of {@link java.util.concurrent.atomic.AtomicLong}.
 *
 * <pre>{@code
 * try (SharedLong hits = SharedLong.create()) {
 *     SerializableRunnable count = () -> { for (int i = 0; i < 1000; i++) hits.incrementAndGet(); };
 *     ChildProcess a = ChildProcess.start(count), b = ChildProcess.start(count);
 *     a.join(); b.join();
 *     assert hits.get() == 2000;
 *     hits.unlink();
 * }
 * }</pre>
 *
 * <p><b>Atomicity.</b> Every method is atomic across threads and processes; {@code get} and
 * {@code set} have volatile semantics. {@link #updateAndGet} and {@link #accumulateAndGet} retry a
 * compare-and-set, so their function may run more than once and must be free of side effects. For
 * a compound update that touches more than this value, hold {@link #lock()}: a
 * {@link ProcessReentrantLock} that lives in this value's storage (Python's {@code get_lock()}).
 * The lock guards nothing by itself: only code that takes it is excluded.
 *
 * <p><b>Handle.</b> Serializing a {@code SharedLong} (or capturing it in a lambda sent to a child or
 * pool worker) sends its name; the copy attaches to the same value. {@link #close()} unmaps it
 * here; {@link #unlink()} removes the name; the rules are {@link SharedMemory}'s (without an
 * explicit unlink, the name goes at normal exit of the creating JVM if never handed off, else
 * when the process tree ends).
 *
 * <p><b>When a process dies.</b> The value keeps whatever was last written; an update is never
 * half applied. A process that dies holding {@link #lock()} is handled as by any
 * {@link ProcessReentrantLock}: the next one takes over and is told.
 *
 * <p><b>Memory consistency effects.</b> Those of {@code AtomicLong}, across processes.
 */
public final class SharedLong implements AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final VarHandle V = ValueLayout.JAVA_LONG.varHandle();
    private static final long AT = VALUE_OFFSET;

    private final transient SharedSegment segment;
    private final transient MemorySegment cell;
    private final transient EmbeddedLock lock;

    private SharedLong(SharedSegment segment) {
        this.segment = segment;
        this.cell = segment.payload();
        this.lock = new EmbeddedLock(segment, SharedValueDescriptor.LOCK_OFFSET);
    }

    /** Creates a shared value of 0. */
    public static SharedLong create() {
        return create(0L);
    }

    /** Creates a shared value of {@code initial}. */
    public static SharedLong create(long initial) {
        SharedLong v = new SharedLong(SharedSegment.create(null, SharedValueDescriptor.KIND_LONG, SharedValueDescriptor.LENGTH));
        v.set(initial);
        return v;
    }

    /**
     * Attaches to the shared value named {@code name} (see {@link #name()}).
     *
     * @throws IllegalArgumentException if the name is bad or names another kind of shared object
     * @throws IllegalStateException if no shared object has that name
     */
    public static SharedLong attach(String name) {
        return new SharedLong(SharedSegment.attach(name, SharedValueDescriptor.KIND_LONG));
    }

    /** The value. */
    public long get() {
        return (long) V.getVolatile(cell, AT);
    }

    /** Sets the value. */
    public void set(long value) {
        V.setVolatile(cell, AT, value);
    }

    /** Sets the value and returns the old one. */
    public long getAndSet(long value) {
        return (long) V.getAndSet(cell, AT, value);
    }

    /** Sets the value to {@code update} if it is {@code expected}; returns whether it did. */
    public boolean compareAndSet(long expected, long update) {
        return V.compareAndSet(cell, AT, expected, update);
    }

    /** Adds {@code delta}, returns the old value. */
    public long getAndAdd(long delta) {
        return (long) V.getAndAdd(cell, AT, delta);
    }

    /** Adds {@code delta}, returns the new value. */
    public long addAndGet(long delta) {
        return (long) V.getAndAdd(cell, AT, delta) + delta;
    }

    /** Adds one, returns the old value. */
    public long getAndIncrement() {
        return getAndAdd(1);
    }

    /** Subtracts one, returns the old value. */
    public long getAndDecrement() {
        return getAndAdd(-1);
    }

    /** Adds one, returns the new value. */
    public long incrementAndGet() {
        return addAndGet(1);
    }

    /** Subtracts one, returns the new value. */
    public long decrementAndGet() {
        return addAndGet(-1);
    }

    /** Applies {@code f} atomically (retrying), returns the old value; {@code f} must be side-effect free. */
    public long getAndUpdate(LongUnaryOperator f) {
        long prev = get();
        while (true) {
            long next = f.applyAsLong(prev);
            long witness = (long) V.compareAndExchange(cell, AT, prev, next);
            if (witness == prev) {
                return prev;
            }
            prev = witness;
        }
    }

    /** Applies {@code f} atomically (retrying), returns the new value; {@code f} must be side-effect free. */
    public long updateAndGet(LongUnaryOperator f) {
        long prev = get();
        while (true) {
            long next = f.applyAsLong(prev);
            long witness = (long) V.compareAndExchange(cell, AT, prev, next);
            if (witness == prev) {
                return next;
            }
            prev = witness;
        }
    }

    /** Combines the value with {@code x} by {@code f} atomically (retrying), returns the old value. */
    public long getAndAccumulate(long x, LongBinaryOperator f) {
        long prev = get();
        while (true) {
            long next = f.applyAsLong(prev, x);
            long witness = (long) V.compareAndExchange(cell, AT, prev, next);
            if (witness == prev) {
                return prev;
            }
            prev = witness;
        }
    }

    /** Combines the value with {@code x} by {@code f} atomically (retrying), returns the new value. */
    public long accumulateAndGet(long x, LongBinaryOperator f) {
        long prev = get();
        while (true) {
            long next = f.applyAsLong(prev, x);
            long witness = (long) V.compareAndExchange(cell, AT, prev, next);
            if (witness == prev) {
                return next;
            }
            prev = witness;
        }
    }

    /**
     * The lock that lives with this value, for compound updates (Python's {@code get_lock()}); the
     * same lock in every process. It is closed and unlinked with this value.
     */
    public ProcessReentrantLock lock() {
        return lock.get();
    }

    /** The name other processes attach with. */
    public String name() {
        return segment.name();
    }

    /** Unmaps the value in this process; harmless when repeated. */
    @Override
    public void close() {
        segment.close();
    }

    /** Removes the name; processes that have the value keep using it. Harmless when repeated. */
    public void unlink() {
        segment.unlink();
    }

    @Override
    public String toString() {
        return segment.isClosed() ? "SharedLong[" + name() + ", closed]" : Long.toString(get());
    }

    @Serial
    private Object writeReplace() {
        segment.markHandedOff();
        return new Handle(segment.name());
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("SharedLong is serialized as its handle, never directly");
    }

    private record Handle(String name) implements Serializable {
        @Serial
        private Object readResolve() {
            return attach(name);
        }
    }
}
