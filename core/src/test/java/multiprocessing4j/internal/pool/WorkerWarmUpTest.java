package multiprocessing4j.internal.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import multiprocessing4j.internal.platform.ProcessTree;

/** A pool worker's warm-up, as a spare made for pools runs it: it works, and leaves no segment behind. */
class WorkerWarmUpTest {
    private static List<String> segmentFiles() throws IOException {
        String prefix = "mp4j-" + ProcessTree.rootPid() + "-";
        try (Stream<Path> files = Files.list(Path.of("/dev/shm"))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(prefix) && !n.endsWith("-tracker") && !n.endsWith("-names"))
                    .sorted().toList();
        }
    }

    @Test
    void theWarmUpSendsAFrameEachWayOverItsOwnRingsAndRemovesThem() throws IOException {
        List<String> before = segmentFiles();
        WorkerWarmUp.warmUp();
        WorkerWarmUp.warmUp(); // twice in one JVM, as nothing stops a spare from being made from a worker's JVM
        assertEquals(before, segmentFiles());
    }
}
