package multiprocessing4j.internal.live;

import multiprocessing4j.internal.shm.SegmentDescriptor;

/**
 * The two shared-memory layouts of a live value: one small <em>control</em> segment that never
 * moves (its name is the live value's identity) and one <em>data</em> segment holding the encoded
 * value in two slots, replaced by a larger one when a value does not fit.
 *
 * <p><b>Control segment</b> (kind {@code LIVE}), offsets relative to the payload:
 * <pre>
 *  +-----------------------------------------------------------------+
 *  | VERSION (long): latest complete version, 0 = none yet           |   0  written by the publisher
 *  | NOTIFY (int): low 32 bits of VERSION, the futex word            |   8
 *  | DATA_GENERATION (long): which name slot names the data segment  |  16
 *  | PUBLISHER (long): pid | start time &lt;&lt; 23 of the claimant, 0 none |  24
 *  +-----------------------------------------------------------------+
 *  | NAME_SLOT 0: length (int), ASCII name of a data segment         |  64  written by the publisher
 *  +-----------------------------------------------------------------+
 *  | NAME_SLOT 1: same                                               | 128
 *  +-----------------------------------------------------------------+
 *  | WAITERS (int): readers blocked in a futex wait on NOTIFY        | 192  written by readers
 *  +-----------------------------------------------------------------+
 * </pre>
 * The data segment's name lives in name slot {@code DATA_GENERATION & 1}. The publisher writes a
 * new name into the <em>other</em> slot and only then advances the generation (release), so a
 * reader that reads generation, name, generation again and sees the same generation has read a
 * whole name; a publisher that dies half-way leaves the current slot intact.
 *
 * <p><b>Data segment</b> (kind {@code LVDT}):
 * <pre>
 *  +-----------------------------------------------------------------+
 *  | SLOT_CAPACITY (long): bytes of value room per slot (multiple of 64) | 0
 *  | SLOT_COUNT (long): how many slots follow (2 to 16)              |   8
 *  +-----------------------------------------------------------------+
 *  | slot 0 header: STATE (long), PUBLISHED_AT (long), LENGTH (int)  |  64
 *  | slot 0 bytes (SLOT_CAPACITY)                                    | 128
 *  +-----------------------------------------------------------------+
 *  | slot 1 header, slot 1 bytes, ... up to slot SLOT_COUNT - 1      | 128 + SLOT_CAPACITY
 *  +-----------------------------------------------------------------+
 * </pre>
 * Version {@code v} goes to slot {@code v % SLOT_COUNT}. A slot's STATE is the version it holds
 * completely, or {@link #STATE_WRITING} while the publisher rewrites it: a per-slot seqlock.
 * Because the publisher goes round the slots, a reader copying version {@code v} is disturbed only
 * if SLOT_COUNT more versions are published during its copy: with a single pair of slots, a
 * publisher looping as fast as it can (a few hundred nanoseconds per version) starves a reader on
 * another CPU, whose cache misses make each copy slower than two publications. Small values get
 * {@link #SMALL_VALUE_SLOTS} slots; large ones, which take the publisher long to encode anyway,
 * two, to keep the memory at twice the value.
 */
public final class LiveValueDescriptor {
    /** Kind of the control segment. */
    public static final int CONTROL_KIND = SegmentDescriptor.kind("LIVE");
    /** Kind of a data segment. */
    public static final int DATA_KIND = SegmentDescriptor.kind("LVDT");

    private static final int LINE = SegmentDescriptor.CACHE_LINE_LENGTH;

    /** Latest completely written version (long); 0 until the first publication. */
    public static final int VERSION_OFFSET = 0;
    /** Futex word (int): the low 32 bits of VERSION, written after it. */
    public static final int NOTIFY_OFFSET = VERSION_OFFSET + Long.BYTES;
    /** Generation of the data segment's name (long); its parity selects the name slot. */
    public static final int DATA_GENERATION_OFFSET = NOTIFY_OFFSET + Long.BYTES;
    /** The publishing process (long): {@link #packPublisher} of its pid and start time; 0 before any publication. */
    public static final int PUBLISHER_OFFSET = DATA_GENERATION_OFFSET + Long.BYTES;
    /** First of the two name slots, each one cache line: length (int) then ASCII bytes. */
    public static final int NAME_SLOTS_OFFSET = LINE;
    /** Bytes of a name slot. */
    public static final int NAME_SLOT_LENGTH = LINE;
    /** Longest data segment name a slot holds. */
    public static final int MAX_NAME_LENGTH = NAME_SLOT_LENGTH - Integer.BYTES;
    /** Count of readers blocked on NOTIFY (int), on its own line: readers write it, the publisher reads it. */
    public static final int WAITERS_OFFSET = NAME_SLOTS_OFFSET + 2 * NAME_SLOT_LENGTH;
    /** Payload length of the control segment. */
    public static final int CONTROL_LENGTH = WAITERS_OFFSET + LINE;

    /** Per-slot room (long) in the data segment's first line. */
    public static final int SLOT_CAPACITY_OFFSET = 0;
    /** Number of slots (long) in the data segment's first line. */
    public static final int SLOT_COUNT_OFFSET = SLOT_CAPACITY_OFFSET + Long.BYTES;
    /** Slots of a data segment whose slots hold at most {@link #SMALL_VALUE_CAPACITY} bytes. */
    public static final int SMALL_VALUE_SLOTS = 8;
    /** Largest per-slot room that still gets {@link #SMALL_VALUE_SLOTS} slots. */
    public static final long SMALL_VALUE_CAPACITY = 64 * 1024;
    /** Most slots a data segment may declare. */
    public static final int MAX_SLOTS = 16;
    /** Where slot 0's header starts. */
    public static final int SLOTS_OFFSET = LINE;
    /** Within a slot header: the version the slot holds (long), or {@link #STATE_WRITING}. */
    public static final int SLOT_STATE_OFFSET = 0;
    /** Within a slot header: when the version was published, nanoseconds since the epoch (long). */
    public static final int SLOT_PUBLISHED_AT_OFFSET = SLOT_STATE_OFFSET + Long.BYTES;
    /** Within a slot header: length of the encoded value (int). */
    public static final int SLOT_LENGTH_OFFSET = SLOT_PUBLISHED_AT_OFFSET + Long.BYTES;
    /** Bytes of a slot header; the value's bytes follow it. */
    public static final int SLOT_HEADER_LENGTH = LINE;
    /** STATE of a slot being rewritten. */
    public static final long STATE_WRITING = -1;

    /** Smallest per-slot room. */
    public static final int MIN_SLOT_CAPACITY = LINE;
    /** Largest per-slot room: a value is one {@code byte[]} on each side. */
    public static final long MAX_SLOT_CAPACITY = Integer.MAX_VALUE - 2 * LINE;

    private static final int PID_BITS = 23;

    private LiveValueDescriptor() {
    }

    /** {@code capacity} rounded up to a multiple of 64, at least {@link #MIN_SLOT_CAPACITY}. */
    public static long roundCapacity(long capacity) {
        long c = Math.max(MIN_SLOT_CAPACITY, capacity);
        return Math.min(MAX_SLOT_CAPACITY, (c + LINE - 1) & -LINE);
    }

    /** How many slots a data segment with {@code slotCapacity} bytes per slot gets. */
    public static int slotsFor(long slotCapacity) {
        return slotCapacity <= SMALL_VALUE_CAPACITY ? SMALL_VALUE_SLOTS : 2;
    }

    /** Payload length of a data segment with {@code slots} slots of {@code slotCapacity} bytes each. */
    public static long dataLength(long slotCapacity, int slots) {
        return SLOTS_OFFSET + slots * (SLOT_HEADER_LENGTH + slotCapacity);
    }

    /** Offset of the header of slot {@code index}. */
    public static long slotOffset(long slotCapacity, int index) {
        return SLOTS_OFFSET + index * (SLOT_HEADER_LENGTH + slotCapacity);
    }

    /** Offset of name slot {@code generation & 1} in the control segment. */
    public static long nameSlotOffset(long generation) {
        return NAME_SLOTS_OFFSET + (generation & 1) * NAME_SLOT_LENGTH;
    }

    /**
     * One word naming a process: its pid in the low 23 bits (Linux's pid_max is at most 2^22) and its
     * start time in clock ticks (see {@code Pids}) above, so a claim is one compare-and-set.
     */
    public static long packPublisher(long pid, long startTime) {
        if (pid <= 0 || pid >= 1L << PID_BITS || startTime < 0 || startTime >= 1L << (63 - PID_BITS)) {
            throw new IllegalStateException("cannot record publisher pid " + pid + " with start time " + startTime
                    + " in one word (pid must be below 2^" + PID_BITS + ")");
        }
        return startTime << PID_BITS | pid;
    }

    /** The pid of a packed publisher word. */
    public static long publisherPid(long packed) {
        return packed & ((1L << PID_BITS) - 1);
    }

    /** The start time of a packed publisher word. */
    public static long publisherStartTime(long packed) {
        return packed >>> PID_BITS;
    }

    /**
     * Checks a data segment's payload against the capacity it declares.
     *
     * @throws IllegalArgumentException naming the segment and the mismatch
     */
    public static void checkData(String name, long payloadLength, long slotCapacity, long slots) {
        if (slotCapacity < MIN_SLOT_CAPACITY || slotCapacity > MAX_SLOT_CAPACITY || (slotCapacity & (LINE - 1)) != 0
                || slots < 2 || slots > MAX_SLOTS || payloadLength < dataLength(slotCapacity, (int) slots)) {
            throw new IllegalArgumentException("live value data segment '" + name + "' declares " + slots + " slots of "
                    + slotCapacity + " bytes, which its " + payloadLength + "-byte payload cannot hold: the segment is corrupt");
        }
    }

    /**
     * Checks a control segment's size.
     *
     * @throws IllegalArgumentException naming the segment
     */
    public static void checkControl(String name, long payloadLength) {
        if (payloadLength < CONTROL_LENGTH) {
            throw new IllegalArgumentException("live value control segment '" + name + "' has " + payloadLength
                    + " payload bytes, a live value needs " + CONTROL_LENGTH);
        }
    }
}
