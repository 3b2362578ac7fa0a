package multiprocessing4j.sync;

import multiprocessing4j.internal.shm.SegmentDescriptor;
import multiprocessing4j.internal.sync.LockDescriptor;

/**
 * Layout of a {@link ProcessBarrier}'s segment.
 *
 * <pre>
 *  +---------------------------------------------------------------+
 *  |   Lock cell ({@link LockDescriptor}): guards every field below  |    0
 *  +-------------------------------+-------------------------------+
 *  |   State: generation &lt;&lt; 1 |     |   Blocked waiters             |   64
 *  |   broken (futex word)         |                               |
 *  +-------------------------------+-------------------------------+
 *  |   Parties                     |   Arrived in this generation  |  128
 *  +-------------------------------+-------------------------------+
 *  |   Broken generations: bit (g mod 64) set when generation g    |  136
 *  |   ended broken                                                |
 *  +-------------------------------+-------------------------------+
 *  |   Party slots                 |   Padding to 192              |  144
 *  +-------------------------------+-------------------------------+
 *  |   Slot 0: pid (long), start time (long)                       |  192
 *  |   ... one 16-byte slot per process taking part               |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Waiters of generation g block on the state word. It changes when g trips (the generation
 * advances), breaks (the broken bit is set) or is reset (the generation advances after g was
 * marked broken). A waiter that wakes after the generation advanced reads g's outcome from the
 * broken-generations bitmap, which remembers the last 64 generations; a waiter that slept through
 * 64 or more generations (impossible in practice: each needs every party or a reset) is told its
 * generation broke.
 *
 * <p>A process registers (pid, start time) in a free slot, under the lock, when it creates or
 * attaches the barrier (start time written first, pid last with release semantics), and frees it
 * with a CAS from its pid to 0 when it closes its last handle or exits normally. Waiters check the
 * registered processes every wait slice, reading pid, start time and pid again so that a slot
 * being reused is never mistaken for a dead process: one that has died will never arrive, so the
 * barrier breaks.
 */
final class BarrierDescriptor {
    static final int KIND = SegmentDescriptor.kind("BARR");

    /** The barrier's lock cell. */
    static final int LOCK_OFFSET = 0;
    /** State (int): generation in bits 1-31, broken flag in bit 0. Futex word. */
    static final int STATE_OFFSET = LOCK_OFFSET + LockDescriptor.LENGTH;
    /** Threads blocked on the state word (int). */
    static final int WAITERS_OFFSET = STATE_OFFSET + Integer.BYTES;
    /** Number of parties (int, written once at creation). */
    static final int PARTIES_OFFSET = STATE_OFFSET + SegmentDescriptor.CACHE_LINE_LENGTH;
    /** Parties waiting in the current generation (int). */
    static final int ARRIVED_OFFSET = PARTIES_OFFSET + Integer.BYTES;
    /** Bitmap of broken generations (long), bit g mod 64. */
    static final int BROKEN_GENERATIONS_OFFSET = ARRIVED_OFFSET + Integer.BYTES;
    /** Number of party slots (int, written once at creation). */
    static final int SLOT_COUNT_OFFSET = BROKEN_GENERATIONS_OFFSET + Long.BYTES;
    /** First party slot. */
    static final int SLOTS_OFFSET = PARTIES_OFFSET + SegmentDescriptor.CACHE_LINE_LENGTH;
    /** Length of a slot: pid (long) then start time (long). */
    static final int SLOT_LENGTH = 2 * Long.BYTES;
    /** Most party slots a barrier has; processes beyond that take part unregistered (not checked for death). */
    static final int MAX_SLOTS = 1024;
    /** Fewest party slots a barrier has. */
    static final int MIN_SLOTS = 16;

    private BarrierDescriptor() {
    }

    /** Slots for a barrier of {@code parties}: one per party, within [{@value #MIN_SLOTS}, {@value #MAX_SLOTS}]. */
    static int slots(int parties) {
        return Math.clamp(parties, MIN_SLOTS, MAX_SLOTS);
    }

    /** Payload length for {@code slots} slots. */
    static int length(int slots) {
        return SLOTS_OFFSET + slots * SLOT_LENGTH;
    }
}
