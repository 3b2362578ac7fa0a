package multiprocessing4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ProcessPoolExecutor as an ExecutorService, on one shared executor of two workers where the test allows. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProcessPoolExecutorTest {
    private static ProcessPoolExecutor executor;

    @BeforeAll
    static void start() {
        executor = new ProcessPoolExecutor(2);
    }

    @AfterAll
    static void stop() {
        executor.close();
    }

    @Test
    void submitReturnsACompletableFutureOfTheResult() throws Exception {
        CompletableFuture<Integer> f = executor.submit(() -> 20 + 22);
        assertEquals(42, f.get(30, TimeUnit.SECONDS));
    }

    @Test
    void submitOfARunnableCompletesWithNull() throws Exception {
        SerializableRunnable r = () -> { };
        assertNull(executor.submit(r).get(30, TimeUnit.SECONDS));
    }

    @Test
    void aTasksExceptionArrivesInsideExecutionExceptionAsItsOriginalType() {
        CompletableFuture<Integer> f = executor.submit(() -> {
            throw new IllegalStateException("broken");
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
        IllegalStateException cause = assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals("broken", cause.getMessage());
        assertTrue(ProcessPoolTest.stackMentions(cause, "ProcessPoolExecutorTest"));
    }

    @Test
    void aPlainCallableThatIsNotSerializableIsRejectedNamingItsClass() {
        Callable<Integer> plain = new Callable<>() {
            @Override
            public Integer call() {
                return 1;
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> executor.submit(plain));
        assertTrue(e.getMessage().contains(plain.getClass().getName()), e.getMessage());
    }

    record Square(int x) implements Callable<Integer>, Serializable {
        @Override
        public Integer call() {
            return x * x;
        }
    }

    @Test
    void invokeAllReturnsEveryFutureDone() throws Exception {
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            tasks.add(new Square(i));
        }
        List<Future<Integer>> futures = executor.invokeAll(tasks);
        for (int i = 0; i < 10; i++) {
            assertTrue(futures.get(i).isDone());
            assertEquals(i * i, futures.get(i).get());
        }
    }

    @Test
    void invokeAllWithATimeoutCancelsWhatDidNotFinish() throws Exception {
        List<Callable<Integer>> tasks = List.of(new Square(3), (Callable<Integer> & Serializable) () -> {
            Thread.sleep(60_000);
            return 0;
        });
        List<Future<Integer>> futures = executor.invokeAll(tasks, 2, TimeUnit.SECONDS);
        assertEquals(9, futures.get(0).get());
        assertTrue(futures.get(1).isCancelled());
    }

    @Test
    void invokeAnyReturnsTheResultOfOneThatSucceeded() throws Exception {
        List<Callable<Integer>> tasks = List.of((Callable<Integer> & Serializable) () -> {
            throw new IllegalStateException("first fails");
        }, new Square(5));
        assertEquals(25, executor.invokeAny(tasks));
    }

    @Test
    void invokeAnyThrowsWhenEveryTaskFails() {
        List<Callable<Integer>> tasks = List.of((Callable<Integer> & Serializable) () -> {
            throw new IllegalStateException("fails");
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> executor.invokeAny(tasks));
        assertInstanceOf(IllegalStateException.class, e.getCause());
    }

    @Test
    void mapReturnsResultsInInputOrder() {
        assertEquals(List.of(1, 4, 9, 16), executor.map(x -> x * x, List.of(1, 2, 3, 4)));
        assertEquals(ProcessPoolTest.range(50), executor.map(x -> x, ProcessPoolTest.range(50), 7));
    }

    @Test
    void aWorkerDeathFailsOnlyItsTaskAndTheExecutorStaysUsable() throws Exception {
        CompletableFuture<Integer> dies = executor.submit(() -> {
            Runtime.getRuntime().halt(4);
            return 0;
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> dies.get(60, TimeUnit.SECONDS));
        assertEquals(4, assertInstanceOf(WorkerDiedException.class, e.getCause()).exitCode().orElseThrow());
        assertEquals(1, executor.submit(() -> 1).get(60, TimeUnit.SECONDS));
    }

    @Test
    void maxTasksPerChildOfOneGivesEachTaskAFreshJvm() throws Exception {
        try (ProcessPoolExecutor fresh = ProcessPoolExecutor.builder().maxWorkers(1).maxTasksPerChild(1).build()) {
            HashSet<Long> pids = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                pids.add(fresh.submit(() -> ProcessHandle.current().pid()).get(60, TimeUnit.SECONDS));
            }
            assertEquals(3, pids.size());
        }
    }

    @Test
    void shutdownLetsQueuedTasksFinishThenRejects() throws Exception {
        ProcessPoolExecutor e = new ProcessPoolExecutor(1);
        CompletableFuture<Integer> queued = e.submit(() -> {
            Thread.sleep(200);
            return 7;
        });
        e.shutdown();
        assertTrue(e.isShutdown());
        assertThrows(RejectedExecutionException.class, () -> e.submit(() -> 1));
        assertEquals(7, queued.get(30, TimeUnit.SECONDS));
        assertTrue(e.awaitTermination(Duration.ofSeconds(30)));
        assertTrue(e.isTerminated());
        e.close();
    }

    @Test
    void shutdownNowKillsRunningTasksAndReturnsThoseNeverStarted() throws Exception {
        ProcessPoolExecutor e = new ProcessPoolExecutor(1);
        CompletableFuture<Integer> running = e.submit(() -> {
            Thread.sleep(60_000);
            return 1;
        });
        List<CompletableFuture<Integer>> queued = new ArrayList<>();
        // more than a worker holds ahead, so that some are still queued in the pool itself
        for (int i = 0; i < 10; i++) {
            queued.add(e.submit(() -> 2));
        }
        ProcessPoolTest.waitUntil(() -> !e.workerPids().isEmpty());
        List<Runnable> never = e.shutdownNow();
        assertFalse(never.isEmpty());
        assertThrows(CancellationException.class, () -> running.get(30, TimeUnit.SECONDS));
        for (CompletableFuture<Integer> f : queued) {
            assertTrue(f.isDone() || waitDone(f), "no future is left waiting");
        }
        assertTrue(e.awaitTermination(30, TimeUnit.SECONDS));
    }

    private static boolean waitDone(CompletableFuture<?> f) {
        try {
            f.get(30, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // failed or cancelled: done
        }
        return f.isDone();
    }

    @Test
    void cancelTrueStopsARunningTask() throws Exception {
        try (multiprocessing4j.sync.ProcessEvent started = multiprocessing4j.sync.ProcessEvent.create()) {
            CompletableFuture<Integer> f = executor.submit(() -> {
                started.set();
                Thread.sleep(60_000);
                return 1;
            });
            // cancel only once the task really runs in its worker, so this is the hard cancellation
            assertTrue(started.await(Duration.ofSeconds(60)), "the task did not start");
            assertTrue(f.cancel(true));
            assertTrue(f.isCancelled());
            assertEquals(3, executor.submit(() -> 3).get(60, TimeUnit.SECONDS));
            started.unlink();
        }
    }
}
