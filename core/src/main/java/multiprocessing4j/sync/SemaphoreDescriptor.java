package multiprocessing4j.sync;

import multiprocessing4j.internal.shm.SegmentDescriptor;

/**
 * Layout of a {@link ProcessSemaphore}'s segment.
 *
 * <pre>
 *  +-------------------------------+-------------------------------+
 *  |   Permits (futex word)        |   Blocked waiters             |  0
 *  +-------------------------------+-------------------------------+
 *  |   Bound: most permits a bounded semaphore may hold, 0 = none  |  8
 *  +-------------------------------+-------------------------------+
 *  |                   Padding to 64 bytes                         |
 *  +---------------------------------------------------------------+
 * </pre>
 */
final class SemaphoreDescriptor {
    static final int KIND = SegmentDescriptor.kind("SEMA");

    /** Available permits (int, never negative). Futex word: acquirers wait while it is 0. */
    static final int PERMITS_OFFSET = 0;
    /** Threads blocked on the permits word (int). */
    static final int WAITERS_OFFSET = PERMITS_OFFSET + Integer.BYTES;
    /** Upper bound of the permits for a bounded semaphore, 0 for an unbounded one (int, written once at creation). */
    static final int BOUND_OFFSET = WAITERS_OFFSET + Integer.BYTES;
    /** Payload length. */
    static final int LENGTH = SegmentDescriptor.CACHE_LINE_LENGTH;

    private SemaphoreDescriptor() {
    }
}
