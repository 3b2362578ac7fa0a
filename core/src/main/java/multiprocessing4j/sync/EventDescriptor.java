package multiprocessing4j.sync;

import multiprocessing4j.internal.shm.SegmentDescriptor;

/**
 * Layout of a {@link ProcessEvent}'s segment.
 *
 * <pre>
 *  +-------------------------------+-------------------------------+
 *  |   Generation &lt;&lt; 1 | flag      |   Blocked waiters             |  0
 *  +-------------------------------+-------------------------------+
 *  |                   Padding to 64 bytes                         |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Bit 0 of the state word is the flag; the other bits count the times the flag went from clear
 * to set. Waiters wait while the word holds the (clear) value they read; only {@code set} changes a
 * clear word, so any change means "was set", even if it was cleared again before the waiter ran.
 */
final class EventDescriptor {
    static final int KIND = SegmentDescriptor.kind("EVNT");

    /** State (int): generation in bits 1-31, flag in bit 0. Futex word. */
    static final int STATE_OFFSET = 0;
    /** Threads blocked on the state word (int). */
    static final int WAITERS_OFFSET = STATE_OFFSET + Integer.BYTES;
    /** Payload length. */
    static final int LENGTH = SegmentDescriptor.CACHE_LINE_LENGTH;

    private EventDescriptor() {
    }
}
