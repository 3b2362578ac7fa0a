package multiprocessing4j.internal.manager;

/**
 * The server side of {@code barrier(n)}. Arriving and waiting are separate calls, so a client waits in
 * short, interruptible slices without leaving the barrier between them.
 */
interface BarrierServant {
    /** {@link #awaitTrip} result: the generation tripped. */
    int TRIPPED = 0;
    /** {@link #awaitTrip} result: still waiting after the slice. */
    int WAITING = 1;
    /** {@link #awaitTrip} result: the generation was broken (a party left, timed out, died, or it was reset). */
    int BROKEN = 2;

    /**
     * Arrives at the barrier.
     *
     * @return {@code generation << 32 | arrival index}, where index 0 means this arrival tripped the
     *         barrier (as in {@link java.util.concurrent.CyclicBarrier}), or -1 if the barrier is broken
     */
    long arrive();

    int awaitTrip(long generation, long nanos) throws InterruptedException;

    /**
     * Breaks the barrier if {@code generation} is still the current one (a party gave up).
     *
     * @return {@link #TRIPPED} if that generation had already tripped, {@link #BROKEN} otherwise
     */
    int breakGeneration(long generation);

    void reset();

    int parties();

    int numberWaiting();

    boolean isBroken();
}
