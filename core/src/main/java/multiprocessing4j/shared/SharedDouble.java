package multiprocessing4j.shared;

import static multiprocessing4j.shared.SharedValueDescriptor.VALUE_OFFSET;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

import multiprocessing4j.internal.shm.SharedSegment;
import multiprocessing4j.sync.ProcessReentrantLock;

/**
 * A {@code double} shared by the threads of any number of processes, updated atomically: Python's
 * {@code multiprocessing.Value('d')}, with atomic updates in the style of {@link java.util.concurrent.atomic.AtomicLong}, done by compare-and-set on the bits.
 *
 * <pre>{@code
 * try (SharedDouble hits = SharedDouble.create()) {
 *     SerializableRunnable count = () -> { for (int i = 0; i < 1000; i++) hits.addAndGet(0.5); };
 *     ChildProcess a = ChildProcess.start(count), b = ChildProcess.start(count);
 *     a.join(); b.join();
 *     assert hits.get() == 1000.0;
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
 * <p><b>Handle.</b> Serializing a {@code SharedDouble} (or capturing it in a lambda sent to a child or
 * pool worker) sends its name; the copy attaches to the same value. {@link #close()} unmaps it
 * here; {@link #unlink()} removes the name; the rules are {@link SharedMemory}'s (without an
 * explicit unlink, the name goes at normal exit of the creating JVM if never handed off, else
 * when the process tree ends).
 *
 * <p><b>When a process dies.</b> The value keeps whatever was last written; an update is never
 * half applied. A process that dies holding {@link #lock()} is handled as by any
 * {@link ProcessReentrantLock}: the next one takes over and is told.
 *
 * <p><b>Memory consistency effects.</b> Those of {@code AtomicLong} (volatile reads and writes, atomic read-modify-write), across processes.
 */
public final class SharedDouble implements AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final VarHandle V = ValueLayout.JAVA_LONG.varHandle();
    private static final long AT = VALUE_OFFSET;

    private final transient SharedSegment segment;
    private final transient MemorySegment cell;
    private final transient EmbeddedLock lock;

    private SharedDouble(SharedSegment segment) {
        this.segment = segment;
        this.cell = segment.payload();
        this.lock = new EmbeddedLock(segment, SharedValueDescriptor.LOCK_OFFSET);
    }

    /** Creates a shared value of 0. */
    public static SharedDouble create() {
        return create(0.0);
    }

    /** Creates a shared value of {@code initial}. */
    public static SharedDouble create(double initial) {
        SharedDouble v = new SharedDouble(SharedSegment.create(null, SharedValueDescriptor.KIND_DOUBLE, SharedValueDescriptor.LENGTH));
        v.set(initial);
        return v;
    }

    /**
     * Attaches to the shared value named {@code name} (see {@link #name()}).
     *
     * @throws IllegalArgumentException if the name is bad or names another kind of shared object
     * @throws IllegalStateException if no shared object has that name
     */
    public static SharedDouble attach(String name) {
        return new SharedDouble(SharedSegment.attach(name, SharedValueDescriptor.KIND_DOUBLE));
    }

    /** The value. */
    public double get() {
        return Double.longBitsToDouble((long) V.getVolatile(cell, AT));
    }

    /** Sets the value. */
    public void set(double value) {
        V.setVolatile(cell, AT, Double.doubleToRawLongBits(value));
    }

    /** Sets the value and returns the old one. */
    public double getAndSet(double value) {
        return Double.longBitsToDouble((long) V.getAndSet(cell, AT, Double.doubleToRawLongBits(value)));
    }

    /**
     * Sets the value to {@code update} if it is bit for bit {@code expected} (so {@code NaN} matches
     * the same {@code NaN} and {@code 0.0} does not match {@code -0.0}); returns whether it did.
     */
    public boolean compareAndSet(double expected, double update) {
        return V.compareAndSet(cell, AT, Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(update));
    }

    /** Adds {@code delta} atomically (compare-and-set on the bits), returns the old value. */
    public double getAndAdd(double delta) {
        long prev = (long) V.getVolatile(cell, AT);
        while (true) {
            long next = Double.doubleToRawLongBits(Double.longBitsToDouble(prev) + delta);
            long witness = (long) V.compareAndExchange(cell, AT, prev, next);
            if (witness == prev) {
                return Double.longBitsToDouble(prev);
            }
            prev = witness;
        }
    }

    /** Adds {@code delta} atomically (compare-and-set on the bits), returns the new value. */
    public double addAndGet(double delta) {
        return getAndAdd(delta) + delta;
    }

    /** Applies {@code f} atomically (retrying), returns the old value; {@code f} must be side-effect free. */
    public double getAndUpdate(DoubleUnaryOperator f) {
        long prev = (long) V.getVolatile(cell, AT);
        while (true) {
            long next = Double.doubleToRawLongBits(f.applyAsDouble(Double.longBitsToDouble(prev)));
            long witness = (long) V.compareAndExchange(cell, AT, prev, next);
            if (witness == prev) {
                return Double.longBitsToDouble(prev);
            }
            prev = witness;
        }
    }

    /** Applies {@code f} atomically (retrying), returns the new value; {@code f} must be side-effect free. */
    public double updateAndGet(DoubleUnaryOperator f) {
        long prev = (long) V.getVolatile(cell, AT);
        while (true) {
            double result = f.applyAsDouble(Double.longBitsToDouble(prev));
            long witness = (long) V.compareAndExchange(cell, AT, prev, Double.doubleToRawLongBits(result));
            if (witness == prev) {
                return result;
            }
            prev = witness;
        }
    }

    /** Combines the value with {@code x} by {@code f} atomically (retrying), returns the old value. */
    public double getAndAccumulate(double x, DoubleBinaryOperator f) {
        return getAndUpdate(v -> f.applyAsDouble(v, x));
    }

    /** Combines the value with {@code x} by {@code f} atomically (retrying), returns the new value. */
    public double accumulateAndGet(double x, DoubleBinaryOperator f) {
        return updateAndGet(v -> f.applyAsDouble(v, x));
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
        return segment.isClosed() ? "SharedDouble[" + name() + ", closed]" : Double.toString(get());
    }

    @Serial
    private Object writeReplace() {
        segment.markHandedOff();
        return new Handle(segment.name());
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("SharedDouble is serialized as its handle, never directly");
    }

    private record Handle(String name) implements Serializable {
        @Serial
        private Object readResolve() {
            return attach(name);
        }
    }
}
