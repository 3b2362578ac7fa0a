package multiprocessing4j.sync;

import java.io.Serial;
import java.io.Serializable;
import java.util.concurrent.locks.Lock;

import multiprocessing4j.internal.shm.SharedSegment;
import multiprocessing4j.internal.sync.RobustMutex;

/**
 * What {@link ProcessLock} and {@link ProcessReentrantLock} have in common: a {@link RobustMutex}
 * over a lock cell at {@code offset} of a shared segment, the methods whose meaning does not
 * depend on reentrancy, and the segment's handle plumbing. The subclasses keep the methods whose
 * contract differs (acquiring and releasing) and their own serialized handle.
 *
 * <p>A lock either owns its segment (made by {@code create()} or read from a handle), or lives in
 * another object's storage (a shared value's or a condition's lock) and leaves closing that
 * storage to its owner.
 */
abstract sealed class AbstractProcessLock implements Lock, AutoCloseable, Serializable
        permits ProcessLock, ProcessReentrantLock {
    @Serial
    private static final long serialVersionUID = 1L;

    final transient SharedSegment segment;
    final transient long offset;
    private final transient boolean ownsSegment;
    final transient RobustMutex mutex;

    AbstractProcessLock(SharedSegment segment, long offset, boolean ownsSegment, boolean reentrant) {
        this.segment = segment;
        this.offset = offset;
        this.ownsSegment = ownsSegment;
        this.mutex = new RobustMutex(segment.payload(), offset, reentrant);
    }

    /** {@link #lock()}: waits without limit, remembering an interrupt and re-asserting it on return. */
    final void acquireUninterruptibly() {
        try {
            mutex.acquire(Long.MAX_VALUE, false);
        } catch (InterruptedException impossible) {
            throw new AssertionError(impossible);
        }
    }

    /** Acquires the lock if it is free now, or if its holder's process has died (see the class comment). */
    @Override
    public boolean tryLock() {
        return mutex.tryAcquire();
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
        return getClass().getSimpleName() + "[" + name() + (owner == 0 ? ", unlocked" : ", locked by process " + owner) + "]";
    }
}
