package multiprocessing4j.internal.ipc;

import java.lang.foreign.MemorySegment;

import multiprocessing4j.internal.platform.Futex;

/**
 * The rings' first phase of waiting: a fixed busy-wait of {@value #SPIN_NANOS} ns on the word a
 * peer will change, before {@link Futex#awaitChange} (which spins for an adaptive time of its own,
 * then blocks).
 *
 * <p>Why a fixed floor in front of the adaptive spin: in a conversation (ping-pong, request/reply)
 * the reply comes within a microsecond or two while both sides run, but once a few waits in a row
 * fail (a burst of load from other processes descheduling the peer), the futex's adaptive budget
 * drops to half a microsecond, shorter than the peer's own turn; from then on every wait blocks,
 * every send pays a wake-up (≈ 25 µs here), and the budget, which only grows after a spin that
 * succeeded, never recovers: the round trip stays ≈ 15-20 µs for good instead of ≈ 1-3 µs. A few
 * microseconds of spinning per wait that ends up blocking anyway is the price (well under the
 * ≈ 25 µs a blocked wait costs the peer's wake-up).
 */
final class Spin {
    /** Busy-wait per wait, in nanoseconds; a peer that is running answers well within it. */
    static final long SPIN_NANOS = 10_000;

    private static final boolean MULTI_CPU = Runtime.getRuntime().availableProcessors() > 1;

    private Spin() {
    }

    /**
     * Spins until the int at {@code offset} no longer holds {@code expected}, at most {@code maxNanos}
     * (and not at all on a single CPU, where the peer cannot run meanwhile).
     *
     * @return whether the word changed
     */
    static boolean untilChanged(MemorySegment region, long offset, int expected, long maxNanos) {
        if (!MULTI_CPU || maxNanos <= 0) {
            return false;
        }
        long end = System.nanoTime() + Math.min(maxNanos, SPIN_NANOS);
        for (int i = 1; ; i++) {
            Thread.onSpinWait();
            if ((int) Futex.INT.getAcquire(region, offset) != expected) {
                return true;
            }
            if ((i & 31) == 0 && System.nanoTime() - end >= 0) {
                return false;
            }
        }
    }
}
