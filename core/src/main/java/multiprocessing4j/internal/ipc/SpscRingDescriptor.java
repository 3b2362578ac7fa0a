package multiprocessing4j.internal.ipc;

import multiprocessing4j.internal.shm.SegmentDescriptor;

/**
 * Layout of an {@link SpscRing} region (offsets relative to the region start, 64-byte aligned).
 *
 * <pre>
 *  +---------------------------------------------------------------------------+
 *  | tail (long) | consumer waiters (int)                                      |    0  producer's line
 *  +---------------------------------------------------------------------------+
 *  | head (long) | producer waiters (int)                                      |   64  consumer's line
 *  +---------------------------------------------------------------------------+
 *  | capacity (int) | producer closed (int) | consumer closed (int) | (pad)    |  128  written rarely
 *  | producer tag (long) | consumer tag (long)                                 |
 *  +---------------------------------------------------------------------------+
 *  | data: capacity bytes of records                                           |  192
 *  +---------------------------------------------------------------------------+
 * </pre>
 * {@code tail} and {@code head} count bytes ever written and consumed; their low int halves are the
 * futex words (the consumer waits on the tail, the producer on the head). Each line is written by one
 * side only, and each side reads the other's line once per message at most: a waiter count lives on
 * its <em>signaller's</em> line (the waiter changes it only when it blocks, which is rare; the signaller
 * reads it after every message, which then costs no cache miss), and the flags and tags that are read
 * on every send or wait, but written once, sit on the read-mostly line. Records are
 * {@value #RECORD_ALIGNMENT}-byte aligned: a
 * {@value #RECORD_HEADER_LENGTH}-byte header (payload length int, type int, total message length
 * long, meaningful in {@link #FIRST}) and the payload. A record never wraps: a {@link #PAD} record
 * fills the end of the data area instead.
 */
public final class SpscRingDescriptor {
    public static final int TAIL_OFFSET = 0;
    public static final int CONSUMER_WAITERS_OFFSET = TAIL_OFFSET + Long.BYTES;
    public static final int HEAD_OFFSET = SegmentDescriptor.CACHE_LINE_LENGTH;
    public static final int PRODUCER_WAITERS_OFFSET = HEAD_OFFSET + Long.BYTES;
    public static final int CAPACITY_OFFSET = HEAD_OFFSET + SegmentDescriptor.CACHE_LINE_LENGTH;
    public static final int PRODUCER_CLOSED_OFFSET = CAPACITY_OFFSET + Integer.BYTES;
    public static final int CONSUMER_CLOSED_OFFSET = PRODUCER_CLOSED_OFFSET + Integer.BYTES;
    public static final int PRODUCER_TAG_OFFSET = CAPACITY_OFFSET + 2 * Long.BYTES;
    public static final int CONSUMER_TAG_OFFSET = PRODUCER_TAG_OFFSET + Long.BYTES;
    public static final int DATA_OFFSET = CAPACITY_OFFSET + SegmentDescriptor.CACHE_LINE_LENGTH;

    public static final int RECORD_LENGTH_OFFSET = 0;
    public static final int RECORD_TYPE_OFFSET = 4;
    public static final int RECORD_TOTAL_OFFSET = 8;
    public static final int RECORD_HEADER_LENGTH = 16;
    public static final int RECORD_ALIGNMENT = 16;

    /** A whole message. */
    public static final int WHOLE = 1;
    /** First fragment of a message longer than a fragment; the header carries the total length. */
    public static final int FIRST = 2;
    public static final int MORE = 3;
    public static final int LAST = 4;
    /** Filler up to the end of the data area (length = bytes skipped). */
    public static final int PAD = 5;
    /** The producer closed its end: nothing follows. */
    public static final int EOF = 6;
    /** The producer gave up a fragmented message (timeout or interrupt): drop its fragments. */
    public static final int ABORT = 7;

    public static final int MIN_CAPACITY = 4096;
    public static final int MAX_CAPACITY = 1 << 30;

    private SpscRingDescriptor() {
    }

    /** Bytes a ring with {@code capacity} data bytes occupies. */
    public static long regionLength(int capacity) {
        checkCapacity(capacity);
        return DATA_OFFSET + (long) capacity;
    }

    /**
     * @throws IllegalArgumentException unless {@code capacity} is a power of two in [{@value #MIN_CAPACITY}, 2^30]
     */
    public static void checkCapacity(int capacity) {
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("an SPSC ring's capacity is a power of two from " + MIN_CAPACITY
                    + " to 2^30 bytes, was " + capacity);
        }
    }
}
