package multiprocessing4j.sync;

import static multiprocessing4j.sync.SemaphoreDescriptor.BOUND_OFFSET;
import static multiprocessing4j.sync.SemaphoreDescriptor.PERMITS_OFFSET;
import static multiprocessing4j.sync.SemaphoreDescriptor.WAITERS_OFFSET;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

import multiprocessing4j.internal.platform.Futex;
import multiprocessing4j.internal.shm.SharedSegment;

/**
 * A counting semaphore shared by threads of any number of processes: Python's
 * {@code multiprocessing.Semaphore}, and with {@link #bounded(int)} its {@code BoundedSemaphore}.
 *
 * <pre>{@code
 * ProcessSemaphore slots = ProcessSemaphore.bounded(4);     // at most 4 processes in the section
 * SerializableRunnable job = () -> {
 *     slots.acquire();
 *     try { useTheScarceResource(); } finally { slots.release(); }
 * };
 * }</pre>
 *
 * <p><b>Semantics.</b> {@link #acquire()} takes a permit, waiting while there is none;
 * {@link #release()} returns one and wakes a waiter. Permits are not owned: any thread of any
 * process may release, which is what makes a semaphore a signal between processes. A bounded
 * semaphore refuses, with {@link IllegalStateException}, a release that would raise the permits
 * above the initial count (a release without a matching acquire, a bug that Python's
 * {@code BoundedSemaphore} reports with {@code ValueError}). Not fair. Waiting spins briefly, then
 * blocks without using CPU; interruption is noticed within 50 ms.
 *
 * <p><b>When a process dies holding permits.</b> They are lost, as with Python's and POSIX
 * semaphores: since permits have no owner (releasing from another process is legitimate), nobody
 * can tell that a dead process "held" one. This is a deliberate choice: tracking holders would cost
 * a registry per acquire and would forbid cross-process release. Where a crash must not leak
 * capacity, guard the section with a {@link ProcessLock} (one holder, taken over when it dies) or
 * re-create the semaphore when a worker dies.
 *
 * <p><b>Handle.</b> Serializing a {@code ProcessSemaphore} (or capturing it in a lambda sent to a
 * child or pool worker) sends its name; the copy attaches to the same permits. {@link #close()}
 * unmaps it here; {@link #unlink()} removes the name; the rules are
 * {@link multiprocessing4j.shared.SharedMemory}'s.
 *
 * <p><b>Memory consistency effects.</b> Actions before {@code release()} happen-before actions after
 * a successful acquire that takes that permit, in any process.
 */
public final class ProcessSemaphore implements AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient SharedSegment segment;
    private final transient MemorySegment cell;

    private ProcessSemaphore(SharedSegment segment) {
        this.segment = segment;
        this.cell = segment.payload();
    }

    /**
     * Creates a semaphore with {@code permits} initial permits and no upper bound.
     *
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public static ProcessSemaphore create(int permits) {
        return make(permits, 0);
    }

    /**
     * Creates a bounded semaphore: {@code permits} initial permits, and a release that would exceed
     * them throws {@link IllegalStateException}.
     *
     * @throws IllegalArgumentException if {@code permits} is not positive
     */
    public static ProcessSemaphore bounded(int permits) {
        if (permits <= 0) {
            throw new IllegalArgumentException("a bounded semaphore needs at least one permit, was " + permits);
        }
        return make(permits, permits);
    }

    private static ProcessSemaphore make(int permits, int bound) {
        if (permits < 0) {
            throw new IllegalArgumentException("initial permits must not be negative, was " + permits);
        }
        ProcessSemaphore s = new ProcessSemaphore(SharedSegment.create(null, SemaphoreDescriptor.KIND, SemaphoreDescriptor.LENGTH));
        Futex.INT.set(s.cell, (long) BOUND_OFFSET, bound);
        Futex.INT.setRelease(s.cell, (long) PERMITS_OFFSET, permits);
        return s;
    }

    /**
     * Takes a permit, waiting as long as it takes.
     *
     * @throws InterruptedException if interrupted before or while waiting
     */
    public void acquire() throws InterruptedException {
        acquireNanos(Long.MAX_VALUE);
    }

    /** Takes a permit if one is available now. */
    public boolean tryAcquire() {
        while (true) {
            int p = (int) Futex.INT.getVolatile(cell, (long) PERMITS_OFFSET);
            if (p <= 0) {
                return false;
            }
            if (Futex.INT.compareAndSet(cell, (long) PERMITS_OFFSET, p, p - 1)) {
                return true;
            }
        }
    }

    /**
     * Takes a permit, waiting at most {@code timeout}.
     *
     * @return {@code false} if the timeout elapsed first
     * @throws InterruptedException if interrupted before or while waiting
     */
    public boolean tryAcquire(Duration timeout) throws InterruptedException {
        return acquireNanos(Timeouts.nanos(timeout));
    }

    private boolean acquireNanos(long nanos) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        long deadline = System.nanoTime() + nanos;
        while (true) {
            if (tryAcquire()) {
                return true;
            }
            long remaining = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            Futex.awaitChange(cell, PERMITS_OFFSET, 0, WAITERS_OFFSET, remaining);
        }
    }

    /**
     * Returns a permit and wakes a waiter, if any.
     *
     * @throws IllegalStateException if this is a bounded semaphore that already holds its initial
     *                               count of permits, or the count would overflow
     */
    public void release() {
        int bound = (int) Futex.INT.get(cell, (long) BOUND_OFFSET);
        int limit = bound == 0 ? Integer.MAX_VALUE : bound;
        while (true) {
            int p = (int) Futex.INT.getVolatile(cell, (long) PERMITS_OFFSET);
            if (p >= limit) {
                throw new IllegalStateException(bound != 0
                        ? "bounded semaphore released too many times: it already holds all " + bound
                        + " of its permits (a release without a matching acquire)"
                        : "semaphore permit count would overflow");
            }
            if (Futex.INT.compareAndSet(cell, (long) PERMITS_OFFSET, p, p + 1)) {
                Futex.wakeIfWaiting(cell, PERMITS_OFFSET, WAITERS_OFFSET, 1);
                return;
            }
        }
    }

    /** The permits available now. */
    public int availablePermits() {
        return (int) Futex.INT.getVolatile(cell, (long) PERMITS_OFFSET);
    }

    /** Whether this semaphore rejects releases above its initial count. */
    public boolean isBounded() {
        return (int) Futex.INT.get(cell, (long) BOUND_OFFSET) != 0;
    }

    /** The name of this semaphore's shared storage. */
    public String name() {
        return segment.name();
    }

    /** Unmaps the semaphore in this process; harmless when repeated. */
    @Override
    public void close() {
        segment.close();
    }

    /** Removes the name; processes that have the semaphore keep using it. Harmless when repeated. */
    public void unlink() {
        segment.unlink();
    }

    @Override
    public String toString() {
        return "ProcessSemaphore[" + name() + (segment.isClosed() ? ", closed" : ", permits " + availablePermits()) + "]";
    }

    @Serial
    private Object writeReplace() {
        segment.markHandedOff();
        return new Handle(segment.name());
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("ProcessSemaphore is serialized as its handle, never directly");
    }

    private record Handle(String name) implements Serializable {
        @Serial
        private Object readResolve() {
            return new ProcessSemaphore(SharedSegment.attach(name, SemaphoreDescriptor.KIND));
        }
    }
}
