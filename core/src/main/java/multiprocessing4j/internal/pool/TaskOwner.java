package multiprocessing4j.internal.pool;

/**
 * Who receives a task's outcome: a single task's future, or the map job a chunk belongs to. Called on a
 * worker's reader thread (or the thread that noticed a death, a timeout or a cancellation), never under
 * the engine's lock, exactly once per task.
 */
public interface TaskOwner {
    /**
     * The task ran in a worker. For a chunk, {@code value} is an {@code Object[]} of results in which a
     * failed item is a captured failure ({@link PoolCodec#isFailure}).
     */
    void succeeded(Task task, Object value);

    /** The task failed as a whole: its exception, its worker's death, a timeout, a cancellation. */
    void failed(Task task, Throwable error);
}
