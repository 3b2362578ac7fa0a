package multiprocessing4j.internal.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import multiprocessing4j.internal.platform.ProcessTree;

/**
 * A pool worker's warm-up, as a spare made for pools runs it: a worker loop's whole conversation (rings, a task,
 * stop) completes, and leaves no segment, socket or directory behind.
 */
@Timeout(60)
class WorkerWarmUpTest {
    private static List<String> ours(Path dir, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(prefix) && !n.endsWith("-tracker") && !n.endsWith("-names"))
                    .sorted().toList();
        }
    }

    @Test
    void theWarmUpConversesWithAWorkerLoopAndLeavesNothingBehind() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        String segments = "mp4j-" + ProcessTree.rootPid() + "-";
        List<String> segmentsBefore = ours(Path.of("/dev/shm"), segments);
        List<String> directoriesBefore = ours(tmp, "mp4j-warm-up-");
        WorkerWarmUp.warmUp(); // throws unless the loop answered READY and RESULT and stopped with 0
        WorkerWarmUp.warmUp(); // twice in one JVM: nothing stops a spare from being made from a worker's JVM
        assertEquals(segmentsBefore, ours(Path.of("/dev/shm"), segments));
        assertEquals(directoriesBefore, ours(tmp, "mp4j-warm-up-"));
    }
}
