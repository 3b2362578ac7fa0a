package multiprocessing4j.internal.pool;

/** Starts workers. */
public interface WorkerLauncher extends AutoCloseable {
    /**
     * Starts a worker without waiting for it: it reports {@link WorkerEvents#onReady} once it takes tasks,
     * or {@link WorkerEvents#onExit} if it could not start.
     *
     * @param initializer the encoded initializer to run once in the worker, or null
     */
    WorkerChannel launch(String name, byte[] initializer, WorkerEvents events);

    /** Releases what the launcher holds (a socket directory); workers are gone by then. */
    @Override
    void close();
}
