package multiprocessing4j.examples;

import java.util.List;
import java.util.Optional;

/**
 * Every example, by the name {@code mp4j demo NAME} runs it under, with a one-line description
 * ({@code mp4j demo list}). Each is also a plain main class.
 */
public final class Demos {
    /** What an example's {@code main} is. */
    @FunctionalInterface
    public interface Main {
        void run(String[] args) throws Exception;
    }

    /**
     * One example.
     *
     * @param name        the name {@code mp4j demo} takes
     * @param description one line for {@code mp4j demo list}
     * @param mainClass   the class whose {@code main} it is
     * @param main        that {@code main}
     */
    public record Demo(String name, String description, Class<?> mainClass, Main main) {
    }

    private static final List<Demo> ALL = List.of(
            new Demo("live", "a long computation publishes its estimate; another process prints a + b with the newest one",
                    LiveResults.class, LiveResults::main),
            new Demo("hello", "start child JVMs, join them, read their exit codes (Process.start/join)",
                    StartAndJoin.class, StartAndJoin::main),
            new Demo("child-exception", "an exception thrown in a child, delivered to the parent through a queue and with the exit",
                    ChildException.class, ChildException::main),
            new Demo("queue", "a ProcessQueue between processes, both ways; a sentinel ends the child (Queue.put/get)",
                    QueueBetweenProcesses.class, QueueBetweenProcesses::main),
            new Demo("queue-exception", "a child catches its jobs' exceptions and sends them to the parent through a ProcessQueue",
                    QueueException.class, QueueException::main),
            new Demo("pool-map", "a ProcessPool maps x -> x * x over 0..9, results in input order (Pool.map)",
                    PoolSquares.class, PoolSquares::main),
            new Demo("apply-async", "applyAsync with callbacks: they run on the pool's result thread, in completion order",
                    ApplyAsyncCallbacks.class, ApplyAsyncCallbacks::main),
            new Demo("lock-output", "a ProcessLock captured by 4 worker processes keeps each one's block of output whole",
                    LockedOutput.class, LockedOutput::main),
            new Demo("manager-list", "4 worker processes append to one manager list (Manager.start(), manager.list())",
                    ManagerList.class, ManagerList::main),
            new Demo("pool-manager-list", "a pool whose workers append to a manager list while it maps",
                    PoolManagerList.class, PoolManagerList::main),
            new Demo("executor", "ProcessPoolExecutor over 5 CPU-bound tasks: both times and the speed-up",
                    ExecutorSpeedup.class, ExecutorSpeedup::main),
            new Demo("resize-images", "a batch: draws 24 images, makes their thumbnails in a ProcessPool [count]",
                    ResizeImages.class, ResizeImages::main),
            new Demo("batch-downloads", "100 downloads from a loopback HTTP server with a live count and the failed URLs",
                    BatchDownloads.class, BatchDownloads::main),
            new Demo("log-analysis", "workers take log lines from a ProcessQueue until a sentinel and count errors per component",
                    LogAnalysis.class, LogAnalysis::main));

    private Demos() {
    }

    /** Every example, in the order {@code mp4j demo list} shows them. */
    public static List<Demo> all() {
        return ALL;
    }

    /** The example called {@code name}. */
    public static Optional<Demo> find(String name) {
        return ALL.stream().filter(d -> d.name().equals(name)).findFirst();
    }
}
