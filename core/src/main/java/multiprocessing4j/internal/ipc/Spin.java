package multiprocessing4j.internal.ipc;

import java.lang.foreign.MemorySegment;

import multiprocessing4j.internal.platform.Futex;

/**
 * How the rings wait for a peer: a busy-wait on the word the peer will change ({@link #untilChanged}),
 * then a futex wait ({@link #block}). One per waiting side of a ring view; its budget adapts to how
 * long that side's waits turn out to be.
 *
 * <p>Why not just the futex's own adaptive spin: that one grows only after a spin that succeeded.
 * In a conversation (ping-pong, request/reply) both sides then fall into a trap after a burst of
 * load from other processes: once a peer blocks, its reply comes only after its wake-up
 * (≈ 25 µs here), later than any spin shorter than that, so the waiter blocks too, and from then on
 * every message pays a wake-up, for good (round trips of 15-30 µs instead of 1-3 µs, seen here).
 * This budget therefore learns from the waits that <em>blocked</em> as well: a wait that ended within
 * {@value #MAX_NANOS} ns would have been caught by a longer spin, so the budget grows to cover it;
 * a longer wait (an idle peer) halves it, down to {@value #MIN_NANOS} ns, so a consumer of a quiet
 * queue burns little CPU per message. The cost of a spin that fails is bounded by
 * {@value #MAX_NANOS} ns, about two wake-ups.
 *
 * <p>After {@value #PURE_SPIN_NANOS} ns the busy-wait yields between looks, so that a peer waiting
 * for this CPU (more runnable processes than CPUs, as on a loaded 2-CPU machine) gets it.
 *
 * <p>Not synchronised: threads of one process sharing a ring view may race on the budget, which is
 * only a hint.
 */
final class Spin {
    /** Least busy-wait: longer than a running peer's turn (decode, handle, encode, publish). */
    static final long MIN_NANOS = 5_000;
    /** Most busy-wait: a bit more than a blocked peer's wake-up and turn. */
    static final long MAX_NANOS = 50_000;

    /**
     * After this long the busy-wait yields the CPU at each turn: when processes outnumber CPUs the peer
     * may be waiting for this very CPU, and pure spinning would only delay it; on an idle machine a
     * yield returns at once.
     */
    static final long PURE_SPIN_NANOS = 3_000;

    private static final boolean MULTI_CPU = Runtime.getRuntime().availableProcessors() > 1;

    private long budget = 2 * MIN_NANOS;

    /**
     * Spins until the int at {@code offset} no longer holds {@code expected}, for at most the budget
     * and {@code maxNanos} (not at all on a single CPU, where the peer cannot run meanwhile).
     *
     * @return whether the word changed
     */
    boolean untilChanged(MemorySegment region, long offset, int expected, long maxNanos) {
        if (!MULTI_CPU || maxNanos <= 0) {
            return false;
        }
        long start = System.nanoTime();
        long end = start + Math.min(maxNanos, budget);
        long yieldFrom = start + PURE_SPIN_NANOS;
        boolean yielding = false;
        for (int i = 1; ; i++) {
            if (yielding) {
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
            if ((int) Futex.INT.getAcquire(region, offset) != expected) {
                return true;
            }
            if (yielding || (i & 31) == 0) {
                long now = System.nanoTime();
                if (now - end >= 0) {
                    return false;
                }
                yielding = now - yieldFrom >= 0;
            }
        }
    }

    /**
     * Blocks (without spinning: the caller just did, with {@link #untilChanged}) until the int at
     * {@code offset} no longer holds {@code expected}, at most {@code timeoutNanos}, keeping the waiter
     * count at {@code waitersOffset} as {@link Futex#awaitChange(MemorySegment, long, int, long, long)}
     * does, so that signallers' {@link Futex#wakeIfWaiting} finds this waiter. (That method's own
     * adaptive spin would follow this one's, and, being pure spinning, delay a peer waiting for this CPU.)
     *
     * @return whether the word changed (else the time ran out)
     * @throws InterruptedException if the thread is interrupted
     */
    static boolean block(MemorySegment region, long offset, int expected, long waitersOffset, long timeoutNanos)
            throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        long deadline = System.nanoTime() + timeoutNanos;
        // getAndAdd is a full fence: either the signaller sees the count, or this sees its new value below.
        Futex.INT.getAndAdd(region, waitersOffset, 1);
        try {
            while (true) {
                if ((int) Futex.INT.getAcquire(region, offset) != expected) {
                    return true;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                if (Futex.waitNanos(region, offset, expected, remaining) == Futex.TIMED_OUT) {
                    return (int) Futex.INT.getAcquire(region, offset) != expected;
                }
            }
        } finally {
            Futex.INT.getAndAdd(region, waitersOffset, -1);
        }
    }

    /** The current busy-wait budget. */
    long budgetNanos() {
        return budget;
    }

    /** Reports a wait that spun in vain, then blocked, and ended (the word changed) {@code waitedNanos} after it began. */
    void blocked(long waitedNanos) {
        long b = budget;
        budget = waitedNanos < MAX_NANOS ? Math.min(MAX_NANOS, Math.max(2 * b, waitedNanos + waitedNanos / 4))
                : Math.max(MIN_NANOS, b / 2);
    }
}
