package multiprocessing4j.shared;

import multiprocessing4j.internal.shm.SharedSegment;
import multiprocessing4j.internal.sync.LockViews;
import multiprocessing4j.sync.ProcessReentrantLock;

/**
 * The {@code lock()} of a shared value or array: a {@link ProcessReentrantLock} over the lock cell
 * in the object's own segment, made on first use (most values are never locked, and making it
 * initialises the lock classes) and then the same instance for every caller in this process.
 */
final class EmbeddedLock {
    private final SharedSegment segment;
    private final long offset;
    private volatile ProcessReentrantLock lock;

    EmbeddedLock(SharedSegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
    }

    ProcessReentrantLock get() {
        ProcessReentrantLock l = lock;
        if (l == null) {
            synchronized (this) {
                l = lock;
                if (l == null) {
                    l = LockViews.reentrantLockAt(segment, offset);
                    lock = l;
                }
            }
        }
        return l;
    }
}
