package multiprocessing4j.sync;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

import multiprocessing4j.internal.shm.SharedSegment;
import multiprocessing4j.internal.sync.LockDescriptor;
import multiprocessing4j.internal.sync.LockViews;

/**
 * A reentrant mutual-exclusion lock shared by threads of any number of processes: Python's
 * {@code multiprocessing.RLock}, as a {@link Lock}. The holding thread may acquire it again; it is
 * released when {@link #unlock()} has been called as many times as it was acquired.
 *
 * <pre>{@code
 * ProcessReentrantLock lock = ProcessReentrantLock.create();
 * lock.lock();
 * try {
 *     lock.lock();                          // the holder may nest
 *     try { update(); } finally { lock.unlock(); }
 * } finally {
 *     lock.unlock();
 * }
 * }</pre>
 *
 * <p>Everything else is as for {@link ProcessLock}: ownership by (pid, process start time, thread
 * id), {@link IllegalMonitorStateException} when a non-holder unlocks, take-over with
 * {@link #previousOwnerDied()} when the holding process dies (the new holder's count starts at
 * one), spin-then-futex waiting, no fairness, handle semantics and memory consistency effects.
 * The lock returned by a shared value's or array's {@code lock()} is a {@code ProcessReentrantLock}
 * living in that value's storage, as Python's {@code get_lock()} returns an {@code RLock}.
 */
public final class ProcessReentrantLock extends AbstractProcessLock implements Lock, AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    static {
        LockViews.register((segment, offset) -> new ProcessReentrantLock(segment, offset, false));
    }

    ProcessReentrantLock(SharedSegment segment, long offset, boolean ownsSegment) {
        super(segment, offset, ownsSegment, true);
    }

    /**
     * Creates a new, unlocked lock in shared memory.
     *
     * @throws UnsupportedOperationException off Linux
     */
    public static ProcessReentrantLock create() {
        return new ProcessReentrantLock(
                SharedSegment.create(null, LockDescriptor.KIND_REENTRANT_LOCK, LockDescriptor.LENGTH), 0, true);
    }

    /** Acquires the lock (again, if the calling thread holds it), waiting as long as it takes; interrupts are remembered and re-asserted on return. */
    @Override
    public void lock() {
        acquireUninterruptibly();
    }

    /**
     * Acquires the lock unless the thread is interrupted first.
     *
     * @throws InterruptedException if interrupted before or while waiting (noticed within 50 ms)
     */
    @Override
    public void lockInterruptibly() throws InterruptedException {
        mutex.acquire(Long.MAX_VALUE, true);
    }

    /**
     * Acquires the lock, waiting at most {@code time}.
     *
     * @return {@code false} if the time elapsed first
     * @throws InterruptedException if interrupted before or while waiting
     */
    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return mutex.acquire(Math.max(0, unit.toNanos(time)), true);
    }

    /** {@link #tryLock(long, TimeUnit)} with a {@link Duration}. */
    public boolean tryLock(Duration timeout) throws InterruptedException {
        return mutex.acquire(Timeouts.nanos(timeout), true);
    }

    /**
     * Releases one hold of the lock; the lock is free once every hold is released.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold it
     */
    @Override
    public void unlock() {
        mutex.release();
    }

    /** How many times the calling thread holds the lock (0 if it does not). */
    public int getHoldCount() {
        return mutex.holdCount();
    }

    @Serial
    private Object writeReplace() {
        segment.markHandedOff();
        return new Handle(segment.name(), segment.kind(), offset);
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("ProcessReentrantLock is serialized as its handle, never directly");
    }

    private record Handle(String name, int kind, long offset) implements Serializable {
        @Serial
        private Object readResolve() {
            return new ProcessReentrantLock(SharedSegment.attach(name, kind), offset, true);
        }
    }
}
