package multiprocessing4j.examples;

import java.util.ArrayList;
import java.util.List;

import multiprocessing4j.ChildProcess;
import multiprocessing4j.sync.ProcessLock;

/**
 * Python's {@code Lock} example: four worker processes each print a three-line report, and a
 * {@link ProcessLock} they all captured keeps each report in one piece (without it, the lines of
 * different workers interleave). The lock is a {@code java.util.concurrent.locks.Lock}.
 */
public final class LockedOutput {
    private LockedOutput() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            throw new UsageException("lock-output takes no options, got " + String.join(" ", args), "mp4j demo lock-output");
        }
        try (ProcessLock lock = ProcessLock.create()) {
            List<ChildProcess> workers = new ArrayList<>();
            for (int w = 1; w <= 4; w++) {
                int worker = w;
                workers.add(ChildProcess.start(() -> {
                    lock.lock();
                    try {
                        System.out.println("worker " + worker + ": begin report");
                        System.out.println("worker " + worker + ": pid " + ChildProcess.current().pid());
                        System.out.println("worker " + worker + ": end report");
                        System.out.flush();
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
            System.out.println("all 4 reports printed whole");
        }
    }
}
