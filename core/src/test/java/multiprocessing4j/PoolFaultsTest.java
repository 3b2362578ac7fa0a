package multiprocessing4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers that die, hang or misbehave: exactly their own task fails, the pool replaces them and goes on,
 * and no call blocks forever. Most tests share one pool of two workers (each death is replaced).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PoolFaultsTest {
    private static ProcessPool pool;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPool() {
        pool = ProcessPool.builder().processes(2).jvmOptions("-Xmx64m").workerNamePrefix("faults").build();
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static void waitUntil(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 30 s");
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    static WorkerDiedException died(AsyncResult<?> r) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> r.get(Duration.ofSeconds(60)));
        return assertInstanceOf(WorkerDiedException.class, e.getCause());
    }

    /** Runs {@code kill -9} on the worker's own pid, from inside the task. */
    static int killMyself() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).start().waitFor();
        Thread.sleep(10_000);
        return -1;
    }

    @Test
    void workerKilledWithSigkillMidTaskFailsOnlyThatTask() throws Exception {
        List<AsyncResult<Integer>> others = new ArrayList<>();
        AsyncResult<Integer> victim = pool.applyAsync(PoolFaultsTest::killMyself);
        for (int i = 0; i < 10; i++) {
            int n = i;
            others.add(pool.applyAsync(() -> n));
        }
        WorkerDiedException e = died(victim);
        assertEquals(9, e.signal().orElseThrow());
        assertEquals(-9, e.exitCode().orElseThrow());
        assertTrue(e.getMessage().contains("signal 9"), e.getMessage());
        assertTrue(e.task().orElseThrow().startsWith("task "), e.getMessage());
        for (int i = 0; i < 10; i++) {
            assertEquals(i, others.get(i).get(Duration.ofSeconds(60)));
        }
    }

    @Test
    void systemExitInATaskFailsItWithTheExitCode() {
        AsyncResult<Integer> r = pool.applyAsync(() -> {
            System.exit(3);
            return 0;
        });
        WorkerDiedException e = died(r);
        assertEquals(3, e.exitCode().orElseThrow());
        assertTrue(e.getMessage().contains("exited with code 3"), e.getMessage());
        assertEquals(5, pool.apply(() -> 5), "the worker was replaced");
    }

    @Test
    void runtimeHaltInATaskFailsItWithTheExitCode() {
        AsyncResult<Integer> r = pool.applyAsync(() -> {
            Runtime.getRuntime().halt(7);
            return 0;
        });
        assertEquals(7, died(r).exitCode().orElseThrow());
        assertEquals(6, pool.apply(() -> 6));
    }

    @Test
    void aCallerWaitingInApplyForATaskThatHaltsAtOnceGetsWorkerDiedException() {
        // the caller reads its worker's results itself while it waits: it meets the end of the stream first
        WorkerDiedException e = assertThrows(WorkerDiedException.class, () -> pool.apply(() -> {
            Runtime.getRuntime().halt(9);
            return 0;
        }));
        assertEquals(9, e.exitCode().orElseThrow());
        assertEquals(8, pool.apply(() -> 8));
    }

    @Test
    void workersKilledWhileIdleAfterCallsOneAfterAnotherAreStillReplaced() throws Exception {
        // given: two ready workers (two overlapping tasks ran on both), then calls one after another, whose
        // callers read the results themselves while the pool's readers step aside
        List<Long> before = List.of(0L, 0L);
        for (int attempt = 0; attempt < 100 && before.get(0).equals(before.get(1)); attempt++) {
            AsyncResult<Long> a = pool.applyAsync(PoolFaultsTest::myPidAfterAWhile);
            AsyncResult<Long> b = pool.applyAsync(PoolFaultsTest::myPidAfterAWhile);
            before = List.of(a.get(Duration.ofSeconds(60)), b.get(Duration.ofSeconds(60)));
        }
        assertNotEquals(before.get(0), before.get(1), "two workers ran tasks side by side");
        for (int i = 0; i < 200; i++) {
            int n = i;
            assertEquals(n, pool.apply(() -> n));
        }
        // when: both are killed while idle
        for (long pid : before) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        // then: the pool notices by itself and replaces them
        List<Long> killed = before;
        waitUntil("both workers are replaced", () -> {
            List<Long> now = pool.workerPids();
            return now.size() == 2 && now.stream().noneMatch(killed::contains);
        });
        assertEquals(42, pool.apply(() -> 42));
    }

    static long myPidAfterAWhile() throws InterruptedException {
        Thread.sleep(200);
        return ProcessHandle.current().pid();
    }

    @Test
    void outOfMemoryErrorTakesTheWorkerDownAndFailsOnlyItsTask() {
        AsyncResult<Integer> r = pool.applyAsync(() -> {
            List<long[]> hog = new ArrayList<>();
            while (true) {
                hog.add(new long[1 << 20]);
            }
        });
        WorkerDiedException e = died(r);
        assertInstanceOf(OutOfMemoryError.class, e.getCause(), e.toString());
        assertEquals(8, pool.apply(() -> 8));
    }

    static int recurse(int n) {
        return recurse(n + 1) + 1;
    }

    @Test
    void stackOverflowErrorTakesTheWorkerDownAndFailsOnlyItsTask() {
        AsyncResult<Integer> r = pool.applyAsync(() -> recurse(0));
        WorkerDiedException e = died(r);
        assertInstanceOf(StackOverflowError.class, e.getCause(), e.toString());
        assertTrue(e.getMessage().contains("StackOverflowError"), e.getMessage());
    }

    @Test
    void aDeathInAMapFailsOnlyTheItemsOfItsChunk() {
        List<Object> out = new ArrayList<>();
        try (ResultIterator<Integer> it = pool.imap(x -> {
            if (x == 7) {
                Runtime.getRuntime().halt(9);
            }
            return x;
        }, ProcessPoolTest.range(20))) {
            while (it.hasNext()) {
                try {
                    out.add(it.next());
                } catch (WorkerDiedException e) {
                    out.add("died");
                }
            }
        }
        List<Object> expected = new ArrayList<>(ProcessPoolTest.range(20));
        expected.set(7, "died");
        assertEquals(expected, out);
    }

    @Test
    void cancelTrueOnARunningTaskKillsItsWorkerAndThePoolGoesOn() throws Exception {
        Path started = dir.resolve("started");
        String path = started.toString();
        AsyncResult<Integer> r = pool.applyAsync(() -> {
            Files.writeString(Path.of(path), Long.toString(ProcessHandle.current().pid()));
            Thread.sleep(60_000);
            return 1;
        });
        waitUntil("the task started", () -> Files.exists(started) && size(started) > 0);
        long pid = Long.parseLong(Files.readString(started));
        assertTrue(r.cancel(true));
        assertThrows(CancellationException.class, r::get);
        waitUntil("the worker running it is gone", () -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
        assertEquals(2, pool.apply(() -> 2));
    }

    static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    @Test
    void aTaskRunningPastTheTimeoutHasItsWorkerKilledAndFailsWithTimeoutException() throws Exception {
        // The timeout also bounds the quick task on the replacement, a cold JVM that may share two loaded
        // cores with a whole test suite: seconds, not milliseconds.
        try (ProcessPool p = ProcessPool.builder().processes(1).taskTimeout(Duration.ofSeconds(3)).build()) {
            AsyncResult<Integer> slow = p.applyAsync(() -> {
                Thread.sleep(60_000);
                return 1;
            });
            AsyncResult<Integer> next = p.applyAsync(() -> 2);
            ExecutionException e = assertThrows(ExecutionException.class, () -> slow.get(Duration.ofSeconds(30)));
            assertInstanceOf(TimeoutException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("ran longer than"), e.getCause().getMessage());
            assertEquals(2, next.get(Duration.ofSeconds(30)), "the task queued behind it ran on the replacement");
        }
    }

    @Test
    void maxTasksPerChildReplacesTheWorkerAfterThatManyTasks() {
        try (ProcessPool p = ProcessPool.builder().processes(1).maxTasksPerChild(2).build()) {
            List<Long> pids = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                pids.add(p.apply(() -> ProcessHandle.current().pid()));
            }
            assertEquals(pids.get(0), pids.get(1));
            assertEquals(pids.get(2), pids.get(3));
            assertEquals(pids.get(4), pids.get(5));
            assertEquals(3, new HashSet<>(pids).size(), pids.toString());
        }
    }

    @Test
    void aWorkerPastTheMemoryLimitIsReplacedBetweenTasks() {
        try (ProcessPool p = ProcessPool.builder().processes(1).maxWorkerMemory(1).build()) {
            long first = p.apply(() -> ProcessHandle.current().pid());
            waitUntil("the worker is replaced", () -> !p.workerPids().contains(first));
            long second = p.apply(() -> ProcessHandle.current().pid());
            assertNotEquals(first, second);
        }
    }

    @Test
    void theInitializerRunsOnceInEachWorkerBeforeItsTasks() {
        try (ProcessPool p = ProcessPool.builder().processes(2)
                .initializer(() -> System.setProperty("mp4j.test.init",
                        Long.toString(ProcessHandle.current().pid())))
                .build()) {
            List<String> seen = p.map(x -> System.getProperty("mp4j.test.init") + "/" + ProcessHandle.current().pid(),
                    ProcessPoolTest.range(8), 1);
            for (String s : seen) {
                String[] parts = s.split("/");
                assertEquals(parts[1], parts[0], "initialized in the same worker: " + s);
            }
        }
    }

    @Test
    void aFailingInitializerBreaksThePoolWithTheReasonInsteadOfHanging() {
        try (ProcessPool p = ProcessPool.builder().processes(1)
                .initializer(() -> {
                    throw new IllegalStateException("no database");
                }).build()) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> p.apply(() -> 1));
            Throwable cause = e;
            boolean found = false;
            while (cause != null) {
                found |= "no database".equals(cause.getMessage());
                cause = cause.getCause();
            }
            assertTrue(found, "the initializer's exception is the cause: " + e);
        }
    }

    @Test
    void terminateKillsTheWorkersAndFailsWhatWasNotDone() throws Exception {
        ProcessPool p = ProcessPool.create(1);
        AsyncResult<Integer> running = p.applyAsync(() -> {
            Thread.sleep(60_000);
            return 1;
        });
        AsyncResult<Integer> queued = p.applyAsync(() -> 2);
        p.terminate();
        assertThrows(CancellationException.class, () -> running.get(Duration.ofSeconds(30)));
        assertThrows(CancellationException.class, () -> queued.get(Duration.ofSeconds(30)));
        assertTrue(p.join(Duration.ofSeconds(30)));
        assertThrows(RejectedExecutionException.class, () -> p.apply(() -> 3));
        p.close();
    }

    /** Alive and not a zombie waiting to be reaped by whoever adopted it. */
    static boolean running(long pid) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    @Test
    void whenThePoolsJvmIsKilledEveryWorkerIsGoneWithinASecond() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process parent = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"),
                PoolParentMain.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(parent.getInputStream())).readLine();
            assertTrue(line != null && line.startsWith("pids "), "the parent reports its workers: " + line);
            Set<Long> pids = new HashSet<>();
            for (String s : line.substring(5).split(",")) {
                pids.add(Long.parseLong(s.trim()));
            }
            assertEquals(2, pids.size());
            parent.destroyForcibly().waitFor();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (pids.stream().anyMatch(PoolFaultsTest::running)) {
                assertTrue(System.nanoTime() < deadline, "workers still alive 2 s after their parent was killed");
                Thread.onSpinWait();
            }
        } finally {
            parent.destroyForcibly();
        }
    }
}
