package multiprocessing4j.internal.sync;

import static multiprocessing4j.internal.sync.LockDescriptor.HOLDS_OFFSET;
import static multiprocessing4j.internal.sync.LockDescriptor.OWNER_DIED_OFFSET;
import static multiprocessing4j.internal.sync.LockDescriptor.OWNER_START_TIME_OFFSET;
import static multiprocessing4j.internal.sync.LockDescriptor.OWNER_THREAD_OFFSET;
import static multiprocessing4j.internal.sync.LockDescriptor.START_TIME_PID_OFFSET;
import static multiprocessing4j.internal.sync.LockDescriptor.STATE_OFFSET;
import static multiprocessing4j.internal.sync.LockDescriptor.WAITERS_OFFSET;
import static multiprocessing4j.internal.sync.LockDescriptor.WAKE_PENDING_OFFSET;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import multiprocessing4j.internal.platform.Futex;
import multiprocessing4j.internal.platform.Pids;
import multiprocessing4j.internal.platform.ProcessTree;

/**
 * The mechanics of a robust, optionally reentrant mutex over one {@link LockDescriptor} cell:
 * the {@code Sync} of every lock in the library. Owner identity is (pid, process start time,
 * thread id); see {@link LockDescriptor} for why the pid is the state word.
 *
 * <p><b>Acquire.</b> A CAS of the state from 0 to this process's pid, then the owner fields. When
 * the CAS fails the thread waits with {@link Futex#awaitChange} (short adaptive spin, then a futex
 * wait) in slices of {@value #LIVENESS_CHECK_MILLIS} ms; after a slice that saw no change it checks
 * whether the owning process is still alive and, if it is not, takes the lock over with a CAS from
 * the dead pid to its own and records that the previous owner died. So a waiter notices a dead
 * holder within about {@value #LIVENESS_CHECK_MILLIS} ms, and a thread that asks after the death
 * ({@code tryAcquire}) notices at once. Only a dead <em>process</em> is detected: a thread that
 * ends while holding the lock leaves it held, as with {@code ReentrantLock}.
 *
 * <p><b>Release.</b> Clear the owner fields, release-write 0 to the state, and wake one blocked
 * waiter if the waiter count says there is one and no woken waiter is still on its way (see
 * {@link LockDescriptor}: without that, a holder re-acquiring and releasing in a loop would pay a
 * wake system call per release until the woken waiter runs). There is no fairness: a releasing thread may
 * re-acquire before a woken waiter runs (barging), which is what makes the uncontended and lightly
 * contended cases cheap.
 *
 * <p>Thread-safe; one instance per mapped cell and process is enough, but any number work.
 */
public final class RobustMutex {
    /** How often a blocked waiter checks that the owner is alive. */
    public static final int LIVENESS_CHECK_MILLIS = 50;

    private static final int SPIN_ROUNDS = 16;
    private static final int MAX_PAUSE = 64;
    private static final boolean MULTI_CPU = Runtime.getRuntime().availableProcessors() > 1;
    private static final long LIVENESS_CHECK_NANOS = LIVENESS_CHECK_MILLIS * 1_000_000L;
    private static final VarHandle INT = Futex.INT;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final int SELF_PID = pidAsInt(ProcessTree.selfPid());
    private static final long SELF_START_TIME = Pids.selfStartTime();

    private final MemorySegment segment;
    private final long state;
    private final long waiters;
    private final long ownerStartTime;
    private final long ownerThread;
    private final long holds;
    private final long ownerDied;
    private final long wakePending;
    private final long startTimePid;
    private final boolean reentrant;

    /**
     * A mutex over the cell at {@code offset} of {@code segment}.
     *
     * @throws IllegalArgumentException if the cell does not fit
     */
    public RobustMutex(MemorySegment segment, long offset, boolean reentrant) {
        LockDescriptor.checkCell(segment.byteSize(), offset);
        this.segment = segment;
        this.state = offset + STATE_OFFSET;
        this.waiters = offset + WAITERS_OFFSET;
        this.ownerStartTime = offset + OWNER_START_TIME_OFFSET;
        this.ownerThread = offset + OWNER_THREAD_OFFSET;
        this.holds = offset + HOLDS_OFFSET;
        this.ownerDied = offset + OWNER_DIED_OFFSET;
        this.wakePending = offset + WAKE_PENDING_OFFSET;
        this.startTimePid = offset + START_TIME_PID_OFFSET;
        this.reentrant = reentrant;
    }

    /** Whether this mutex may be acquired again by its holder. */
    public boolean isReentrant() {
        return reentrant;
    }

    /**
     * Acquires without waiting: succeeds if the mutex is free, held by a dead process (takeover),
     * or (reentrant) held by the calling thread.
     */
    public boolean tryAcquire() {
        long tid = Thread.currentThread().threadId();
        int s = (int) INT.getVolatile(segment, state);
        if (s == 0) {
            if (INT.compareAndSet(segment, state, 0, SELF_PID)) {
                own(tid, false);
                return true;
            }
            s = (int) INT.getVolatile(segment, state);
        }
        if (s == SELF_PID && (long) LONG.getOpaque(segment, ownerThread) == tid) {
            return reenter();
        }
        return s != 0 && s != SELF_PID && tryTakeOver(s, tid);
    }

    /**
     * Acquires, waiting at most {@code timeoutNanos} ({@link Long#MAX_VALUE}: no limit).
     *
     * @param interruptible whether an interrupt ends the wait with {@link InterruptedException};
     *                      if not, the interrupt is remembered and re-asserted on return
     * @return whether the mutex was acquired
     * @throws IllegalMonitorStateException if the mutex is not reentrant and the calling thread holds it
     */
    public boolean acquire(long timeoutNanos, boolean interruptible) throws InterruptedException {
        if (interruptible && Thread.interrupted()) {
            throw new InterruptedException();
        }
        long tid = Thread.currentThread().threadId();
        if (INT.compareAndSet(segment, state, 0, SELF_PID)) {
            own(tid, false);
            return true;
        }
        int s = (int) INT.getVolatile(segment, state);
        if (s == SELF_PID && (long) LONG.getOpaque(segment, ownerThread) == tid) {
            if (!reentrant) {
                // Waiting would never end: the only thread that could release is this one.
                throw new IllegalMonitorStateException("this lock is not reentrant and the calling thread holds it "
                        + "already: waiting for it would deadlock (use a ProcessReentrantLock to nest)");
            }
            return reenter();
        }
        if (MULTI_CPU && spinForRelease(tid)) {
            return true;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        boolean interrupted = false;
        try {
            while (true) {
                s = (int) INT.getVolatile(segment, state);
                if (s == 0) {
                    if (INT.compareAndSet(segment, state, 0, SELF_PID)) {
                        own(tid, false);
                        return true;
                    }
                    continue;
                }
                long remaining = timeoutNanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                boolean changed;
                try {
                    changed = Futex.awaitChange(segment, state, s, waiters, Math.min(remaining, LIVENESS_CHECK_NANOS));
                } catch (InterruptedException e) {
                    if (interruptible) {
                        throw e;
                    }
                    interrupted = true;
                    clearWakePending();
                    continue;
                }
                clearWakePending();
                if (!changed && s != SELF_PID && tryTakeOver(s, tid)) {
                    return true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Releases one hold.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the mutex
     */
    public void release() {
        checkHeld("unlock");
        if (reentrant) {
            int h = (int) INT.get(segment, holds);
            if (h > 1) {
                INT.set(segment, holds, h - 1);
                return;
            }
        }
        releaseNow();
    }

    /**
     * Test-and-test-and-set with exponential backoff for a short while: under contention the lock
     * usually changes hands within a microsecond, and backing off keeps this thread from stealing
     * the cell's cache line from the holder on every read.
     */
    private boolean spinForRelease(long tid) {
        for (int i = 0, pause = 1; i < SPIN_ROUNDS; i++, pause = Math.min(pause << 1, MAX_PAUSE)) {
            for (int k = 0; k < pause; k++) {
                Thread.onSpinWait();
            }
            if ((int) INT.getVolatile(segment, state) == 0 && INT.compareAndSet(segment, state, 0, SELF_PID)) {
                own(tid, false);
                return true;
            }
        }
        return false;
    }

    /** For condition waits: releases every hold of the calling thread and returns how many there were. */
    public int releaseFully() {
        checkHeld("await on a condition of");
        int h = (int) INT.get(segment, holds);
        releaseNow();
        return h;
    }

    /** For condition waits: acquires again, ignoring interrupts (they are re-asserted), and restores the hold count. */
    public void reacquire(int holdCount) {
        try {
            acquire(Long.MAX_VALUE, false);
        } catch (InterruptedException impossible) {
            throw new AssertionError(impossible);
        }
        INT.set(segment, holds, holdCount);
    }

    /** Whether the calling thread holds the mutex. */
    public boolean isHeldByCurrentThread() {
        return (int) INT.getVolatile(segment, state) == SELF_PID
                && (long) LONG.getOpaque(segment, ownerThread) == Thread.currentThread().threadId();
    }

    /** Whether some thread of some process holds the mutex (a dead holder counts until someone takes over). */
    public boolean isLocked() {
        return (int) INT.getVolatile(segment, state) != 0;
    }

    /** The calling thread's hold count, 0 if it does not hold the mutex. */
    public int holdCount() {
        return isHeldByCurrentThread() ? (int) INT.get(segment, holds) : 0;
    }

    /** The pid of the holding process, or 0 when free. */
    public int ownerPid() {
        return (int) INT.getVolatile(segment, state);
    }

    /**
     * Whether the calling thread's current holding was taken over from a process that died holding it.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the mutex
     */
    public boolean previousOwnerDied() {
        checkHeld("ask previousOwnerDied() of");
        return (int) INT.get(segment, ownerDied) != 0;
    }

    private boolean reenter() {
        if (!reentrant) {
            return false;
        }
        int h = (int) INT.get(segment, holds);
        if (h == Integer.MAX_VALUE) {
            throw new Error("maximum lock count exceeded");
        }
        INT.set(segment, holds, h + 1);
        return true;
    }

    /**
     * Records the new holding. Stores only what changed: under contention every store to the cell
     * may cost a cache miss, because waiters keep reading it.
     */
    private void own(long tid, boolean tookOver) {
        if ((int) INT.get(segment, startTimePid) != SELF_PID) {
            INT.setVolatile(segment, startTimePid, 0);
            LONG.setVolatile(segment, ownerStartTime, SELF_START_TIME);
            INT.setRelease(segment, startTimePid, SELF_PID);
        }
        LONG.setOpaque(segment, ownerThread, tid);
        if ((int) INT.get(segment, holds) != 1) {
            INT.set(segment, holds, 1);
        }
        int died = tookOver ? 1 : 0;
        if ((int) INT.get(segment, ownerDied) != died) {
            INT.set(segment, ownerDied, died);
        }
    }

    private void releaseNow() {
        LONG.setOpaque(segment, ownerThread, 0L);
        INT.setRelease(segment, state, 0);
        // Orders the state write before reading the waiter count and the pending flag; a waiter
        // clears the flag (full fence) before it reads the state, so one of us sees the other.
        VarHandle.fullFence();
        if ((int) INT.getVolatile(segment, waiters) > 0 && INT.compareAndSet(segment, wakePending, 0, 1)
                && Futex.wake(segment, state, 1) == 0) {
            // Nobody was blocked after all (the waiter left its wait by itself): nobody will clear it.
            INT.setVolatile(segment, wakePending, 0);
        }
    }

    /** A waiter back from a wait: a later release may wake someone again. */
    private void clearWakePending() {
        if ((int) INT.getVolatile(segment, wakePending) != 0) {
            INT.setVolatile(segment, wakePending, 0);
        }
    }

    /** If the process {@code pid} that the state names is dead, takes the mutex over from it. */
    private boolean tryTakeOver(int pid, long tid) {
        int tag = (int) INT.getAcquire(segment, startTimePid);
        long start = (long) LONG.getVolatile(segment, ownerStartTime);
        boolean startKnown = tag == pid && (int) INT.getVolatile(segment, startTimePid) == pid;
        if ((int) INT.getVolatile(segment, state) != pid) {
            return false;
        }
        boolean alive = startKnown ? Pids.isAlive(pid, start) : Pids.isAlive(pid);
        if (alive || !INT.compareAndSet(segment, state, pid, SELF_PID)) {
            return false;
        }
        own(tid, true);
        return true;
    }

    private void checkHeld(String action) {
        if (!isHeldByCurrentThread()) {
            int s = (int) INT.getVolatile(segment, state);
            throw new IllegalMonitorStateException("cannot " + action + " a lock the calling thread does not hold ("
                    + (s == 0 ? "nobody holds it" : s == SELF_PID ? "another thread of this process holds it"
                    : "process " + s + " holds it") + ")");
        }
    }

    private static int pidAsInt(long pid) {
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            throw new IllegalStateException("process id " + pid + " does not fit the lock state word");
        }
        return (int) pid;
    }
}
