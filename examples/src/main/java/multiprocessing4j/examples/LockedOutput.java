package multiprocessing4j.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import multiprocessing4j.ChildProcess;
import multiprocessing4j.sync.ProcessLock;

/**
 * Python's {@code Lock} example: four worker processes write to one report, and a lock shared by all of
 * them makes each worker's block of lines come out whole, never interleaved with another's.
 *
 * <pre>{@code
 * # Python                                   // multiprocessing4j
 * lock = Lock()                              ProcessLock lock = ProcessLock.create();
 * def f(lock, i):                            SerializableRunnable f = () -> {
 *     with lock:                                 lock.lock();
 *         print('hello world', i)                try { write(...); } finally { lock.unlock(); }
 *                                            };
 * Process(target=f, args=(lock, i)).start()  ChildProcess.start(f);
 * }</pre>
 *
 * <p><b>Capture it and it works.</b> The lambda each worker runs captures {@code lock}; a
 * {@link ProcessLock} is a handle to a small cell of shared memory, so the copy that arrives in the child
 * attaches to the very same lock. No need to pass it as an argument, as Python requires.
 *
 * <p><b>What the lock protects.</b> Each worker appends three lines to a shared report file, pausing
 * between them (as real work would). Without the lock, another worker's lines could land between them;
 * with it, the blocks follow one another, in whatever order the workers got the lock. The report is a file
 * because a child's console output is copied to this JVM's console by this JVM, through one pipe per child:
 * the order in which lines of different children reach the console is decided here, not by the lock.
 *
 * <p>{@link ProcessLock#unlink()} removes the lock's name once the workers are done (as
 * {@code SharedMemory.unlink()} does); {@code close()}, at the end of the {@code try}, unmaps it here.
 */
public final class LockedOutput {
    private static final int WORKERS = 4;
    private static final int LINES = 3;

    private LockedOutput() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            throw new UsageException("lock-output takes no options, got " + String.join(" ", args), "mp4j demo lock-output");
        }
        Path report = Files.createTempFile("mp4j-lock-example-", ".txt");
        List<ChildProcess> workers = new ArrayList<>();
        try (ProcessLock lock = ProcessLock.create()) {
            for (int i = 1; i <= WORKERS; i++) {
                int worker = i;
                String file = report.toString();            // a Path is not serializable; its string is
                workers.add(ChildProcess.builder(() -> {
                            lock.lock();                    // the captured handle: the same lock in every worker
                            try {
                                for (int line = 1; line <= LINES; line++) {
                                    append(file, "worker " + worker + " (pid " + ProcessHandle.current().pid()
                                            + "): line " + line + " of " + LINES);
                                    pause();
                                }
                            } finally {
                                lock.unlock();
                            }
                        })
                        .name("writer-" + worker)
                        .start());
            }
            for (ChildProcess w : workers) {
                if (!w.join(Duration.ofSeconds(60))) {
                    throw new IllegalStateException(w.name() + " did not finish within 60 s");
                }
                if (w.exitCode().orElseThrow() != 0) {
                    throw new IllegalStateException(w.name() + " failed with exit code " + w.exitCode().orElseThrow());
                }
            }
            lock.unlink();
            System.out.println("the report the " + WORKERS + " workers wrote, one whole block each:");
            Files.readAllLines(report, StandardCharsets.UTF_8).forEach(System.out::println);
        } finally {
            for (ChildProcess w : workers) {
                w.close();
            }
            Files.deleteIfExists(report);
        }
    }

    private static void append(String file, String line) {
        try {
            Files.writeString(Path.of(file), line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stands for real work between two lines: time for another worker to cut in, were there no lock. */
    private static void pause() {
        try {
            Thread.sleep(30);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
