package multiprocessing4j.manager;

import java.time.Duration;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeoutException;

/**
 * A cyclic barrier held by a manager: Python's {@code Barrier}, with
 * {@link java.util.concurrent.CyclicBarrier}'s semantics. Parties in any processes wait until all have
 * arrived; then all go on, and the barrier can be used again.
 *
 * <pre>{@code
 * ManagedBarrier start = manager.barrier(3);
 * // in each of 3 processes: start.await(); run();
 * }</pre>
 *
 * <p>A party that times out or is interrupted breaks the barrier, and so does a party whose process dies
 * (or whose connection closes) while it waits: the others get {@link BrokenBarrierException} rather than
 * waiting forever. {@link #reset()} makes a broken barrier usable again.
 *
 * <p><b>Memory consistency effects:</b> actions of every party before {@code await} happen-before
 * actions of every party after it returns.
 */
public interface ManagedBarrier {

    /**
     * Waits until all parties have arrived.
     *
     * @return this party's arrival index: {@code parties() - 1} for the first to arrive, 0 for the last
     * @throws BrokenBarrierException if the barrier is or becomes broken while waiting
     */
    int await() throws InterruptedException, BrokenBarrierException;

    /**
     * Waits at most {@code timeout}; when it runs out the barrier breaks.
     *
     * @throws TimeoutException if the time ran out
     */
    int await(Duration timeout) throws InterruptedException, BrokenBarrierException, TimeoutException;

    /** Breaks the barrier for current waiters, then makes it usable again. */
    void reset();

    int parties();

    int numberWaiting();

    boolean isBroken();
}
