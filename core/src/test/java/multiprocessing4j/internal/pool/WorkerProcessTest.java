package multiprocessing4j.internal.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import multiprocessing4j.ProcessPool;

/** A worker's JVM options: the pool's heap defaults, unless the pool's own options size the heap. */
class WorkerProcessTest {
    @Test
    void aPoolWithoutHeapOptionsGivesItsWorkersTheHeapDefaultsFirst() {
        assertEquals(WorkerProcess.HEAP_DEFAULTS, WorkerProcess.workerOptions(List.of()));
        List<String> expected = new ArrayList<>(WorkerProcess.HEAP_DEFAULTS);
        expected.add("-Dx=1");
        assertEquals(expected, WorkerProcess.workerOptions(List.of("-Dx=1")));
    }

    @Test
    void optionsThatSizeTheHeapOrPickACollectorAreLeftAlone() {
        for (String option : List.of("-Xmx16m", "-Xms4m", "-Xmn2m", "-XX:MaxRAMPercentage=10", "-XX:NewRatio=3",
                "-XX:+UseG1GC", "-XX:+UseParallelGC")) {
            assertEquals(List.of("-Dx=1", option), WorkerProcess.workerOptions(List.of("-Dx=1", option)), option);
        }
    }

    @Test
    void aWorkerRunsWithThem() {
        try (ProcessPool pool = ProcessPool.create(1)) {
            List<String> args = pool.apply(() -> List.of(ProcessHandle.current().info().arguments().orElseThrow()));
            assertTrue(args.containsAll(WorkerProcess.HEAP_DEFAULTS), args.toString());
        }
        try (ProcessPool pool = ProcessPool.builder().processes(1).jvmOptions("-Xmx64m").build()) {
            List<String> args = pool.apply(() -> List.of(ProcessHandle.current().info().arguments().orElseThrow()));
            assertTrue(args.contains("-Xmx64m") && !args.contains("-Xmn32m"), args.toString());
        }
    }
}
