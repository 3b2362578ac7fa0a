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
import multiprocessing4j.internal.sync.RobustMutex;

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
public final class ProcessReentrantLock implements Lock, AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient SharedSegment segment;
    private final transient long offset;
    private final transient boolean ownsSegment;
    final transient RobustMutex mutex;

    static {
        LockViews.register((segment, offset) -> new ProcessReentrantLock(segment, offset, false));
    }

    ProcessReentrantLock(SharedSegment segment, long offset, boolean ownsSegment) {
        this.segment = segment;
        this.offset = offset;
        this.ownsSegment = ownsSegment;
        this.mutex = new RobustMutex(segment.payload(), offset, true);
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
        try {
            mutex.acquire(Long.MAX_VALUE, false);
        } catch (InterruptedException impossible) {
            throw new AssertionError(impossible);
        }
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

    /** Acquires the lock if it is free now, or if its holder's process has died (see the class comment). */
    @Override
    public boolean tryLock() {
        return mutex.tryAcquire();
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

    /**
     * Whether the calling thread's current holding of the lock was taken over from a process that
     * died while holding it (the data it protects may be inconsistent).
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     */
    public boolean previousOwnerDied() {
        return mutex.previousOwnerDied();
    }

    /** How many times the calling thread holds the lock (0 if it does not). */
    public int getHoldCount() {
        return mutex.holdCount();
    }

    /** Whether the calling thread holds the lock. */
    public boolean isHeldByCurrentThread() {
        return mutex.isHeldByCurrentThread();
    }

    /** Whether any thread of any process holds the lock (a dead holder counts until someone takes over). */
    public boolean isLocked() {
        return mutex.isLocked();
    }

    /**
     * A new condition bound to this lock: a {@link ProcessCondition} with its own shared cell,
     * usable across processes (its handle carries this lock's handle).
     */
    @Override
    public ProcessCondition newCondition() {
        return ProcessCondition.create(this);
    }

    /** The name of the shared storage this lock lives in. */
    public String name() {
        return segment.name();
    }

    SharedSegment segment() {
        return segment;
    }

    /** Unmaps the lock in this process (harmless when repeated); does nothing for a lock that lives in another object's storage. */
    @Override
    public void close() {
        if (ownsSegment) {
            segment.close();
        }
    }

    /** Removes the storage's name; processes that have the lock keep using it. Harmless when repeated. */
    public void unlink() {
        segment.unlink();
    }

    @Override
    public String toString() {
        int owner = mutex.ownerPid();
        return "ProcessReentrantLock[" + name() + (owner == 0 ? ", unlocked" : ", locked by process " + owner) + "]";
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
