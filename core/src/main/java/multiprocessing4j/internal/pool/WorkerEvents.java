package multiprocessing4j.internal.pool;

/** What a worker reports to its pool, from the worker channel's own threads. */
public interface WorkerEvents {
    /** The worker ran its initializer and takes tasks. */
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
