package multiprocessing4j.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import multiprocessing4j.ChildProcess;
import multiprocessing4j.sync.ProcessLock;

/**
 * Python's {@code Lock} example: four worker processes each write a three-line report to one shared
 * log, and a {@link ProcessLock} they all captured keeps each report in one piece (without it, the
 * lines of different workers interleave). The lock is a {@code java.util.concurrent.locks.Lock}.
 *
 * <p>The reports go to a log file that the parent prints at the end, not straight to stdout: a
 * child's stdout reaches the terminal through a pump thread in the parent, one per child, so the
 * order in which two children's lines appear there is the pumps' order, not the order the children
 * wrote them in, lock or no lock.
 */
public final class LockedOutput {
    private LockedOutput() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            throw new UsageException("lock-output takes no options, got " + String.join(" ", args), "mp4j demo lock-output");
        }
        Path log = Files.createTempFile("mp4j-lock-output", ".log");
        try (ProcessLock lock = ProcessLock.create()) {
            List<ChildProcess> workers = new ArrayList<>();
            for (int w = 1; w <= 4; w++) {
                int worker = w;
                String logFile = log.toString();
                workers.add(ChildProcess.start(() -> {
                    lock.lock();
                    try {
                        // one append per line, as print() does: only the lock keeps a report together
                        append(logFile, "worker " + worker + ": begin report");
                        append(logFile, "worker " + worker + ": pid " + ChildProcess.current().pid());
                        append(logFile, "worker " + worker + ": end report");
                    } finally {
                        lock.unlock();
                    }
                }));
            }
            for (ChildProcess child : workers) {
                try (child) {
                    child.join();
                }
            }
            Files.readAllLines(log).forEach(System.out::println);
            System.out.println("all 4 reports printed whole");
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static void append(String file, String line) {
        try {
            Files.writeString(Path.of(file), line + System.lineSeparator(), StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
