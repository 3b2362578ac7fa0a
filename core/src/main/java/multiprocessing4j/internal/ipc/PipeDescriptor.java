package multiprocessing4j.internal.ipc;

import multiprocessing4j.internal.shm.SegmentDescriptor;

/**
 * Layout of a {@code Pipe} segment's payload: a header, the ring from the right end to the left
 * end, and (duplex pipes only) the ring from the left end to the right end.
 *
 * <pre>
 *  +-------------------------------------------------------------+
 *  | duplex (int) | ring capacity (int) | closed ends (int)       |   0  closed ends: bit 1 left, bit 2 right
 *  +-------------------------------------------------------------+
 *  | right-to-left {@link SpscRing} ({@link SpscRingDescriptor})  |  64
 *  +-------------------------------------------------------------+
 *  | left-to-right SpscRing (duplex only)                         |  64 + ring length
 *  +-------------------------------------------------------------+
 * </pre>
 */
public final class PipeDescriptor {
    /** Kind of a pipe segment. */
    public static final int KIND = SegmentDescriptor.kind("PIPE");

    public static final int DUPLEX_OFFSET = 0;
    public static final int CAPACITY_OFFSET = DUPLEX_OFFSET + Integer.BYTES;
    /** Bits of the ends closed so far (1 = left, 2 = right); whoever closes the second unlinks the pipe. */
    public static final int CLOSED_ENDS_OFFSET = CAPACITY_OFFSET + Integer.BYTES;
    public static final int RIGHT_TO_LEFT_OFFSET = SegmentDescriptor.CACHE_LINE_LENGTH;

    private PipeDescriptor() {
    }

    /** Offset of the left-to-right ring. */
    public static long leftToRightOffset(int capacity) {
        return RIGHT_TO_LEFT_OFFSET + SpscRingDescriptor.regionLength(capacity);
    }

    /** Payload bytes of a pipe. */
    public static long payloadLength(boolean duplex, int capacity) {
        return RIGHT_TO_LEFT_OFFSET + SpscRingDescriptor.regionLength(capacity) * (duplex ? 2 : 1);
    }

    /**
     * @throws IllegalArgumentException if the payload does not hold the pipe its header describes
     */
    public static void checkPayload(long length, boolean duplex, int capacity) {
        long needed = payloadLength(duplex, capacity);
        if (length < needed) {
            throw new IllegalArgumentException("a " + (duplex ? "duplex" : "one-way") + " pipe of " + capacity
                    + "-byte rings needs " + needed + " payload bytes, this segment has " + length);
        }
    }
}
