package multiprocessing4j.internal.sync;

import multiprocessing4j.internal.shm.SegmentDescriptor;

/**
 * Layout of a robust mutex cell: the 64 bytes behind every {@code ProcessLock} and
 * {@code ProcessReentrantLock}, and the lock embedded in every shared value, array, condition and
 * barrier. Offsets are relative to the start of the cell, which must be 8-byte aligned (cells
 * start on a cache line in practice).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |   State: 0 free, else owner   |   Blocked waiters (futex      |  0
 *  |   pid (the futex word)        |   waiter count)               |
 *  +-------------------------------+-------------------------------+
 *  |            Start time (Pids) of process "start time pid"      |  8
 *  +---------------------------------------------------------------+
 *  |            Owner thread id (Thread.threadId), 0 = none        | 16
 *  +-------------------------------+-------------------------------+
 *  |   Hold count (reentrant)      |   Taken over from a dead      | 24
 *  |                               |   owner (0/1)                 |
 *  +-------------------------------+-------------------------------+
 *  |   Wake pending (0/1)          |   Start time pid: whose start | 32
 *  |                               |   time the field at 8 holds   |
 *  +-------------------------------+-------------------------------+
 *  |                   Reserved up to 64 bytes                     | 40
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>The owner's pid is the state word itself, so acquiring (a CAS from 0 to the pid) and recording
 * which process holds the lock are one atomic step: a holder that dies at any instant leaves a
 * state that names it. A pid fits an {@code int} (Linux's {@code pid_max} is at most 2<sup>22</sup>).
 * The start time, written just after the CAS, makes the pid immune to reuse. It is tagged with the
 * pid it belongs to and rewritten only when the owning process changes, so a process re-acquiring
 * its own lock writes nothing but the thread id; while the tag does not match the state (a new
 * owner between its CAS and its write), the pid alone is checked. The thread id tells the threads
 * of the owning process apart; it is cleared on release.
 *
 * <p>"Wake pending" throttles wake-ups under contention: a releaser that wakes a blocked waiter sets
 * it, later releasers skip the wake system call while it is set, and any waiter clears it as soon
 * as it returns from a wait (before it looks at the state again), so no release can go unnoticed.
 */
public final class LockDescriptor {
    /** Layout kind of a segment holding one {@code ProcessLock}. */
    public static final int KIND_LOCK = SegmentDescriptor.kind("LOCK");
    /** Layout kind of a segment holding one {@code ProcessReentrantLock}. */
    public static final int KIND_REENTRANT_LOCK = SegmentDescriptor.kind("RLCK");

    /** State word (int): 0 when free, else the pid of the owning process. Futex word. */
    public static final int STATE_OFFSET = 0;
    /** Number of threads blocked in a futex wait on the state word (int), kept by {@code Futex.awaitChange}. */
    public static final int WAITERS_OFFSET = STATE_OFFSET + Integer.BYTES;
    /** Start time (long, {@code Pids.startTime}) of the process named at {@link #START_TIME_PID_OFFSET}. */
    public static final int OWNER_START_TIME_OFFSET = WAITERS_OFFSET + Integer.BYTES;
    /** Thread id of the owning thread within its process (long); 0 when none. */
    public static final int OWNER_THREAD_OFFSET = OWNER_START_TIME_OFFSET + Long.BYTES;
    /** Hold count of the owner (int): 1 for a plain lock, the nesting depth for a reentrant one. */
    public static final int HOLDS_OFFSET = OWNER_THREAD_OFFSET + Long.BYTES;
    /** 1 when the current holding was taken over from an owner that died (int). */
    public static final int OWNER_DIED_OFFSET = HOLDS_OFFSET + Integer.BYTES;
    /** 1 while a woken waiter has not yet run (int); releasers skip waking while it is set. */
    public static final int WAKE_PENDING_OFFSET = OWNER_DIED_OFFSET + Integer.BYTES;
    /** Pid (int) whose start time {@link #OWNER_START_TIME_OFFSET} holds; 0 while being rewritten. */
    public static final int START_TIME_PID_OFFSET = WAKE_PENDING_OFFSET + Integer.BYTES;
    /** Length of the cell: one cache line. */
    public static final int LENGTH = SegmentDescriptor.CACHE_LINE_LENGTH;

    private LockDescriptor() {
    }

    /**
     * Checks that a cell fits at {@code offset} in a payload of {@code payloadLength} bytes.
     *
     * @throws IllegalArgumentException saying why it does not
     */
    public static void checkCell(long payloadLength, long offset) {
        if (offset < 0 || (offset & 7) != 0) {
            throw new IllegalArgumentException("a lock cell must start at a non-negative multiple of 8, not " + offset);
        }
        if (payloadLength - offset < LENGTH) {
            throw new IllegalArgumentException("a lock cell needs " + LENGTH + " bytes at offset " + offset
                    + " but the payload has " + payloadLength + " bytes");
        }
    }
}
