package multiprocessing4j.internal.ipc;

import multiprocessing4j.internal.shm.SegmentDescriptor;

/**
 * Layout of a {@code ProcessQueue} segment's payload: a small header, then an {@link MpmcRing}.
 *
 * <pre>
 *  +----------------------------------------------------------------------+
 *  | capacity (int) | joinable (int)                                      |   0  written once
 *  +----------------------------------------------------------------------+
 *  | unfinished tasks (int, futex word) | waiters (int) | taken, not done (int) |  64  joinable queues only
 *  +----------------------------------------------------------------------+
 *  | MPMC ring ({@link MpmcRingDescriptor})                               | 128
 *  +----------------------------------------------------------------------+
 * </pre>
 */
public final class QueueDescriptor {
    /** Kind of a queue segment. */
    public static final int KIND = SegmentDescriptor.kind("QUEU");

    public static final int CAPACITY_OFFSET = 0;
    public static final int JOINABLE_OFFSET = CAPACITY_OFFSET + Integer.BYTES;
    /** Messages put and not yet marked done ({@code join} waits for 0). */
    public static final int UNFINISHED_OFFSET = SegmentDescriptor.CACHE_LINE_LENGTH;
    public static final int UNFINISHED_WAITERS_OFFSET = UNFINISHED_OFFSET + Integer.BYTES;
    /** Messages taken and not yet marked done ({@code taskDone} may not take it below 0). */
    public static final int TAKEN_NOT_DONE_OFFSET = UNFINISHED_WAITERS_OFFSET + Integer.BYTES;
    public static final int RING_OFFSET = UNFINISHED_OFFSET + SegmentDescriptor.CACHE_LINE_LENGTH;

    private QueueDescriptor() {
    }

    /** Payload bytes of a queue whose ring has {@code slots} slots of {@code slotLength} bytes. */
    public static long payloadLength(int slots, int slotLength) {
        return RING_OFFSET + MpmcRingDescriptor.regionLength(slots, slotLength);
    }

    /**
     * @throws IllegalArgumentException if a payload of {@code length} bytes is too small for a queue
     */
    public static void checkPayload(long length) {
        if (length < RING_OFFSET + MpmcRingDescriptor.SLOTS_OFFSET) {
            throw new IllegalArgumentException("a queue segment needs at least " + (RING_OFFSET + MpmcRingDescriptor.SLOTS_OFFSET)
                    + " payload bytes, this one has " + length);
        }
    }
}
