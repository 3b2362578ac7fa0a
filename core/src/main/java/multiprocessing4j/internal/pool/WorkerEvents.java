package multiprocessing4j.internal.pool;

/** What a worker reports to its pool, from the worker channel's own threads. */
public interface WorkerEvents {
    /**
     * The worker takes tasks from now on, though it has not said {@code READY} yet: they wait in its wire, behind
     * its initializer. For a worker that will run them within milliseconds (a ready spare that was handed its
     * entry), so that its first tasks travel with its start rather than after it. {@link #onReady} follows (or
     * {@link #onExit}: then none of the tasks it was sent had started).
     */
    void onAccepting(WorkerChannel worker);

    /** The worker ran its initializer and takes tasks; the first task it was sent, if any, starts now. */
    void onReady(WorkerChannel worker);

    /**
     * A task ended in the worker.
     *
     * @param status {@link WireFormat#STATUS_OK}, {@code STATUS_FAILED} (value: the Throwable, rebuilt) or
     *               {@code STATUS_SKIPPED}
     */
    void onResult(WorkerChannel worker, long taskId, byte status, Object value);

    /** Every result received so far was reported: a good moment to send more work. */
    void onResultsDrained(WorkerChannel worker);

    /**
     * The worker is gone, after all its results were reported.
     *
     * @param exitCode  Python style: the status, or -N for signal N; {@code null} if unknown
     * @param lastWords why, when the worker could say it: the initializer's exception, a startup failure,
     *                  or the {@code VirtualMachineError} that made it halt; else null
     */
    void onExit(WorkerChannel worker, Integer exitCode, Throwable lastWords);
}
