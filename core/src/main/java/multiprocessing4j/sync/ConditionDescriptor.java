package multiprocessing4j.sync;

import multiprocessing4j.internal.shm.SegmentDescriptor;
import multiprocessing4j.internal.sync.LockDescriptor;

/**
 * Layout of a {@link ProcessCondition}'s segment: the condition's own lock cell (used when the
 * condition was created without a lock) and the signal sequence word waiters block on.
 *
 * <pre>
 *  +---------------------------------------------------------------+
 *  |   Lock cell ({@link LockDescriptor}, 64 bytes)                 |  0
 *  +-------------------------------+-------------------------------+
 *  |   Signal sequence (futex)     |   Blocked waiters             | 64
 *  +-------------------------------+-------------------------------+
 *  |                   Padding to 128 bytes                        |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>A waiter reads the sequence while holding the lock, releases the lock and waits for the
 * sequence to change; a signaller (holding the lock) increments it and wakes one or all. Because
 * the waiter read the sequence before releasing the lock, no signal sent after that can be missed.
 */
final class ConditionDescriptor {
    static final int KIND = SegmentDescriptor.kind("COND");

    /** The condition's own lock cell. */
    static final int LOCK_OFFSET = 0;
    /** Signal sequence (int), incremented by every signal. Futex word. */
    static final int SEQUENCE_OFFSET = LOCK_OFFSET + LockDescriptor.LENGTH;
    /** Threads blocked on the sequence (int). */
    static final int WAITERS_OFFSET = SEQUENCE_OFFSET + Integer.BYTES;
    /** Payload length. */
    static final int LENGTH = SEQUENCE_OFFSET + SegmentDescriptor.CACHE_LINE_LENGTH;

    private ConditionDescriptor() {
    }
}
