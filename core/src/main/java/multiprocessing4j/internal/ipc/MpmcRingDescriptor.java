package multiprocessing4j.internal.ipc;

import multiprocessing4j.internal.shm.SegmentDescriptor;

/**
 * Layout of an {@link MpmcRing} region (offsets relative to the start of the region, which is
 * 64-byte aligned).
 *
 * <pre>
 *  +--------------------------------------------------------------+
 *  | slot count (int) | slot length (int) | shutdown (int) | pad   |    0  written once / by shutdown
 *  +--------------------------------------------------------------+
 *  | tail: next position to produce (long), a hint               |   64  producers
 *  +--------------------------------------------------------------+
 *  | head: next position to consume (long), a hint               |  128  consumers
 *  +--------------------------------------------------------------+
 *  | slot 0 | slot 1 | ... | slot (count - 1)                      |  192  slotLength bytes each
 *  +--------------------------------------------------------------+
 * </pre>
 *
 * A slot ({@link #SLOT_HEADER_LENGTH}-byte header, then the inline payload):
 * <pre>
 *  0  state (long): low int = lap (30 bits of the position) &lt;&lt; 2 | kind (EMPTY, WRITING, FULL, READING),
 *                   the futex word; high int = pid of the process that claimed it (WRITING, READING)
 *  8  owner tag (long, {@link ProcessTag}) of the claimer, written just after the claim
 * 16  message length (int)
 * 20  waiters on the state word (int, changed only by waiters)
 * 24  flags (int): {@link #FLAG_LARGE} = the payload is the name of a side segment holding the message
 * 28  side segment name length (int)
 * 32  payload
 * </pre>
 * The head and tail counters are only hints (any process may help move them on): the truth is in
 * the slot states, which is what lets a dead claimer's slot be skipped by the others.
 */
public final class MpmcRingDescriptor {
    public static final int SLOT_COUNT_OFFSET = 0;
    public static final int SLOT_LENGTH_OFFSET = SLOT_COUNT_OFFSET + Integer.BYTES;
    public static final int SHUTDOWN_OFFSET = SLOT_LENGTH_OFFSET + Integer.BYTES;
    public static final int TAIL_OFFSET = SegmentDescriptor.CACHE_LINE_LENGTH;
    public static final int HEAD_OFFSET = TAIL_OFFSET + SegmentDescriptor.CACHE_LINE_LENGTH;
    public static final int SLOTS_OFFSET = HEAD_OFFSET + SegmentDescriptor.CACHE_LINE_LENGTH;

    public static final int SLOT_STATE_OFFSET = 0;
    public static final int SLOT_OWNER_TAG_OFFSET = 8;
    public static final int SLOT_LENGTH_FIELD_OFFSET = 16;
    public static final int SLOT_WAITERS_OFFSET = 20;
    public static final int SLOT_FLAGS_OFFSET = 24;
    public static final int SLOT_NAME_LENGTH_OFFSET = 28;
    public static final int SLOT_HEADER_LENGTH = 32;

    public static final int FLAG_LARGE = 1;

    public static final int EMPTY = 0;
    public static final int WRITING = 1;
    public static final int FULL = 2;
    public static final int READING = 3;

    /** Smallest slot: room for a side segment's name. */
    public static final int MIN_SLOT_LENGTH = 128;
    /** Most slots (positions are compared modulo 2^30, so a ring must be far smaller than that). */
    public static final int MAX_SLOT_COUNT = 1 << 24;

    /** Kind of a side segment holding one large message. */
    public static final int LARGE_MESSAGE_KIND = SegmentDescriptor.kind("MPLG");

    private MpmcRingDescriptor() {
    }

    /** Bytes a ring of {@code slotCount} slots of {@code slotLength} bytes occupies. */
    public static long regionLength(int slotCount, int slotLength) {
        checkGeometry(slotCount, slotLength);
        return SLOTS_OFFSET + (long) slotCount * slotLength;
    }

    /** Slot length (a multiple of 64) that carries messages up to {@code inlineBytes} inside the ring. */
    public static int slotLengthFor(int inlineBytes) {
        if (inlineBytes < 0 || inlineBytes > (1 << 24)) {
            throw new IllegalArgumentException("inline message size must be 0 to 16 MiB, was " + inlineBytes);
        }
        int raw = Math.max(MIN_SLOT_LENGTH, SLOT_HEADER_LENGTH + inlineBytes);
        return (raw + SegmentDescriptor.CACHE_LINE_LENGTH - 1) & -SegmentDescriptor.CACHE_LINE_LENGTH;
    }

    /**
     * Checks a geometry.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static void checkGeometry(int slotCount, int slotLength) {
        if (slotCount < 1 || slotCount > MAX_SLOT_COUNT) {
            throw new IllegalArgumentException("an MPMC ring has 1 to " + MAX_SLOT_COUNT
                    + " slots, was " + slotCount);
        }
        if (slotLength < MIN_SLOT_LENGTH || slotLength % SegmentDescriptor.CACHE_LINE_LENGTH != 0) {
            throw new IllegalArgumentException("an MPMC ring slot is a multiple of " + SegmentDescriptor.CACHE_LINE_LENGTH
                    + " bytes, at least " + MIN_SLOT_LENGTH + ", was " + slotLength);
        }
    }

    /**
     * Checks that a region of {@code regionLength} bytes holds the ring its header describes.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static void checkRegion(long regionLength, int slotCount, int slotLength) {
        checkGeometry(slotCount, slotLength);
        long needed = regionLength(slotCount, slotLength);
        if (regionLength < needed) {
            throw new IllegalArgumentException("an MPMC ring of " + slotCount + " slots of " + slotLength
                    + " bytes needs " + needed + " bytes, the region has " + regionLength);
        }
    }
}
