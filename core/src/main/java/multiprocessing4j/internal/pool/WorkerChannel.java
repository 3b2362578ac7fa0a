package multiprocessing4j.internal.pool;

import java.io.IOException;
import java.util.List;

/**
 * The pool's side of one worker: where tasks are sent, and how the worker is stopped or killed. Results,
 * readiness and the worker's exit come back through the {@link WorkerEvents} it was launched with. The real
 * one is a worker JVM ({@link JvmWorkerLauncher}); tests use an in-process fake.
 *
 * <p>Contract: the worker runs tasks in the order sent, one at a time, and reports each one's result
 * before it starts the next; {@link WorkerEvents#onExit} comes after every result the worker produced.
 */
public interface WorkerChannel {
    /** The worker's name, e.g. {@code pool-1-worker-3}. */
    String name();

    /** Its process id, or -1 while not known. */
    long pid();

    /** Sends tasks, to run after those sent before. Called by one thread at a time. */
    void send(List<Task> tasks) throws IOException;

    /** Asks the worker to skip a task it was sent and has not started. Thread-safe with {@link #send}. */
    void cancel(long taskId);

    /** Asks the worker to finish what it was sent and exit with status 0. */
    void stop();

    /** Kills the worker now (SIGKILL). Idempotent. */
    void kill();

    /** Its resident set size in bytes, or -1 if it cannot be read. */
    long residentBytes();

    /**
     * Lets a caller waiting for a task this worker holds read results in its own thread, for at most
     * {@code nanos}, rather than be handed its result by another thread (a wake-up). Returns when
     * {@code until} is done, the time is up, or at once if this channel cannot be helped.
     */
    default void help(java.util.concurrent.Future<?> until, long nanos) {
    }
}
