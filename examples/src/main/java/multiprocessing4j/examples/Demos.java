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
            new Demo("log-analysis", "workers take log lines from a ProcessQueue until a sentinel and count errors per component",
                    LogAnalysis.class, LogAnalysis::main),
            new Demo("lock-output", "a ProcessLock keeps the reports of 4 worker processes from interleaving",
                    LockedOutput.class, LockedOutput::main),
            new Demo("manager-list", "4 worker processes append to a manager's list through their captured proxy",
                    ManagerList.class, ManagerList::main),
            new Demo("batch-downloads", "100 downloads from a loopback HTTP server on a ProcessPool, with progress and a failure summary",
                    BatchDownloads.class, BatchDownloads::main));

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
