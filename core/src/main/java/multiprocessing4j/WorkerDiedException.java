package multiprocessing4j;

import java.io.Serial;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The process that was running a task died before the task finished: killed (SIGKILL, the OOM
 * killer), {@code System.exit}, {@code Runtime.halt}, an {@code OutOfMemoryError} or
 * {@code StackOverflowError} that took the JVM down, or a native crash. Only the tasks that process
 * held fail with it; a pool replaces the process and goes on.
 *
 * <pre>{@code
 * try {
 *     executor.submit(() -> { Runtime.getRuntime().halt(3); return 0; }).get();
 * } catch (ExecutionException e) {
 *     if (e.getCause() instanceof WorkerDiedException died) {
 *         System.err.println(died.getMessage()); // "worker pool-1-worker-2 (pid 4242) exited with code 3 while running task 17"
 *     }
 * }
 * }</pre>
 */
public class WorkerDiedException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final long pid;
    private final Integer exitCode;
    private final String task;

    /**
     * @param message  what happened, naming the worker and the task
     * @param pid      the pid of the process that died
     * @param exitCode its exit code in Python's convention ({@code -N} for signal N), or {@code null} if unknown
     * @param task     a description of the task it was running, or {@code null}
     */
    public WorkerDiedException(String message, long pid, Integer exitCode, String task) {
        super(message);
        this.pid = pid;
        this.exitCode = exitCode;
        this.task = task;
    }

    /** The pid of the process that died. */
    public long pid() {
        return pid;
    }

    /** Its exit code, Python style: {@code -N} when it was ended by signal N; empty if unknown. */
    public OptionalInt exitCode() {
        return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
    }

    /** The signal that ended it, if it was ended by one. */
    public OptionalInt signal() {
        return exitCode != null && exitCode < 0 ? OptionalInt.of(-exitCode) : OptionalInt.empty();
    }

    /** A description of the task it was running, if known. */
    public Optional<String> task() {
        return Optional.ofNullable(task);
    }
}
