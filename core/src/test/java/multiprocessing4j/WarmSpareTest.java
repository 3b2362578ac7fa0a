package multiprocessing4j;

import multiprocessing4j.internal.pool.JvmWorkerLauncher;
import multiprocessing4j.internal.runtime.ChildJvm;
import multiprocessing4j.internal.runtime.JvmSpec;
import multiprocessing4j.internal.runtime.Spares;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Warm spares: a start hands the task to a JVM that is already up, and a new spare is made for the next one. */
@ExtendWith(NoLeftoverProcesses.class)
@Timeout(60)
class WarmSpareTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static ChildJvm awaitSpare(JvmSpec spec) throws InterruptedException {
        assertTrue(Await.condition(WAIT, () -> Spares.peek(spec) != null), "no spare was made for " + spec);
        ChildJvm spare = Spares.peek(spec);
        assertTrue(spare.awaitReady(WAIT), "the spare did not get ready");
        return spare;
    }

    @Test
    void aStartTakesTheReadySpareAndANewSpareReplacesIt() throws Exception {
        String option = "-Dmp4j.test.spare=replenish";
        JvmSpec spec = new JvmSpec(List.of(option), Map.of(), null);
        try (ChildProcess first = ChildProcess.builder(() -> { }).jvmOptions(option).start()) {
            assertTrue(first.join(WAIT));
        }
        long sparePid = awaitSpare(spec).pid();

        try (ChildProcess second = ChildProcess.builder(() -> { }).jvmOptions(option).start()) {
            assertEquals(sparePid, second.pid(), "the second start used the spare");
            assertTrue(second.join(WAIT));
            assertEquals(0, second.exitCode().orElseThrow());
        }
        assertNotEquals(sparePid, awaitSpare(spec).pid(), "a new spare replaced the one taken");
    }

    @Test
    void aSpareIsOnlyForTheSameOptions() throws Exception {
        JvmSpec spec = new JvmSpec(List.of("-Dmp4j.test.spare=a"), Map.of(), null);
        try (ChildProcess first = ChildProcess.builder(() -> { }).jvmOptions("-Dmp4j.test.spare=a").start()) {
            assertTrue(first.join(WAIT));
        }
        long sparePid = awaitSpare(spec).pid();
        try (ChildProcess other = ChildProcess.builder(() -> { }).jvmOptions("-Dmp4j.test.spare=b").start()) {
            assertNotEquals(sparePid, other.pid());
            assertTrue(other.join(WAIT));
        }
    }

    @Test
    void aPoolTakesOnePreparedSparePerWorker() throws Exception {
        String option = "-Dmp4j.test.spare=pool";
        JvmSpec spec = JvmWorkerLauncher.workerSpec(List.of(option));
        ProcessPool.Builder builder = ProcessPool.builder().processes(2).jvmOptions(option).prepareSpares();
        assertTrue(Await.condition(WAIT, () -> Spares.all(spec).size() == 2), "two spares were not made");
        List<Long> sparePids = Spares.all(spec).stream().map(ChildJvm::pid).sorted().toList();
        for (ChildJvm spare : Spares.all(spec)) {
            assertTrue(spare.awaitReady(WAIT), "a spare did not get ready");
        }
        builder.prepareSpares(); // as many as missing: none
        assertEquals(sparePids, Spares.all(spec).stream().map(ChildJvm::pid).sorted().toList());

        try (ProcessPool pool = builder.build()) {
            assertEquals(1, pool.apply(() -> 1));
            assertTrue(Await.condition(WAIT, () -> Spares.all(spec).isEmpty()), "the pool took both spares");
            List<Long> workerPids = pool.map(x -> ProcessHandle.current().pid(), List.of(1, 2, 3, 4, 5, 6, 7, 8), 1)
                    .stream().distinct().sorted().toList();
            assertTrue(sparePids.containsAll(workerPids), "workers " + workerPids + " are the spares " + sparePids);
        }
        assertTrue(Spares.all(spec).isEmpty(), "a spare a pool took is not replaced");
    }

    @Test
    void anExecutorTakesTheSparesItsBuilderPrepared() throws Exception {
        String option = "-Dmp4j.test.spare=executor";
        JvmSpec spec = JvmWorkerLauncher.workerSpec(List.of(option));
        ProcessPoolExecutor.Builder builder = ProcessPoolExecutor.builder().maxWorkers(1).jvmOptions(option)
                .prepareSpares();
        assertTrue(Await.condition(WAIT, () -> Spares.all(spec).size() == 1), "the spare was not made");
        long sparePid = Spares.all(spec).getFirst().pid();
        try (ProcessPoolExecutor executor = builder.build()) {
            assertEquals(sparePid, executor.submit(() -> ProcessHandle.current().pid()).get());
        }
    }

    @Test
    void aSpareForPoolWorkersWarmsUpAsAWorkerAndIsStillASpareOfThatSpec() throws Exception {
        String option = "-Dmp4j.test.spare=worker-warm-up";
        JvmSpec spec = JvmWorkerLauncher.workerSpec(List.of(option));
        assertTrue(spec.jvmOptions().stream().anyMatch(o -> o.startsWith("-D" + JvmSpec.WARM_UP_PROPERTY + "=")),
                spec.toString());
        ProcessPool.builder().processes(1).jvmOptions(option).prepareSpares();
        ChildJvm spare = awaitSpare(spec);
        try (ProcessPool pool = ProcessPool.builder().processes(1).jvmOptions(option).build()) {
            assertEquals(spare.pid(), pool.apply(() -> ProcessHandle.current().pid()));
            assertEquals(List.of(2, 4, 6), pool.map(x -> 2 * x, List.of(1, 2, 3)));
        }
    }

    /** A pool of one worker with {@code option}, built once its prepared spare is ready. */
    private static ProcessPool onReadySpare(String option, ProcessPool.Builder builder) throws InterruptedException {
        ProcessPool.builder().processes(1).jvmOptions(option).prepareSpares();
        awaitSpare(JvmWorkerLauncher.workerSpec(List.of(option)));
        return builder.processes(1).jvmOptions(option).build();
    }

    @Test
    void aTaskSentToAReadySpareAheadOfItsInitializerIsTimedFromWhenTheInitializerIsDone() throws Exception {
        // given: a worker on a ready spare takes tasks before it is ready; its initializer takes longer than the timeout
        String option = "-Dmp4j.test.spare=ahead-timeout";
        try (ProcessPool pool = onReadySpare(option, ProcessPool.builder().taskTimeout(Duration.ofSeconds(1))
                .initializer(() -> PoolFaultsTest.sleep(2_000)))) {
            // then: the task does not time out while the initializer runs
            assertEquals(7, pool.apply(() -> 7));
        }
    }

    @Test
    void tasksSentToAReadySpareWhoseInitializerThrowsFailWithItsReason() throws Exception {
        String option = "-Dmp4j.test.spare=ahead-init-fails";
        try (ProcessPool pool = onReadySpare(option, ProcessPool.builder().initializer(() -> {
            throw new IllegalStateException("no database");
        }))) {
            AsyncResult<Integer> first = pool.applyAsync(() -> 1);
            AsyncResult<Integer> second = pool.applyAsync(() -> 2);
            for (AsyncResult<Integer> r : List.of(first, second)) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> r.get(WAIT));
                assertTrue(e.getCause() instanceof RejectedExecutionException
                        && e.getCause().getCause() != null
                        && "no database".equals(e.getCause().getCause().getMessage()), "the initializer's reason: " + e);
            }
        }
    }

    @Test
    void preparingNoSpareIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Spares.prepare(JvmSpec.DEFAULT, 0));
    }

    @Test
    void noSpareIsMadeWhenSwitchedOffForTheStart() throws Exception {
        String option = "-Dmp4j.test.spare=off";
        try (ChildProcess child = ChildProcess.builder(() -> { }).jvmOptions(option).warmSpare(false).start()) {
            assertTrue(child.join(WAIT));
        }
        assertNull(Spares.peek(new JvmSpec(List.of(option), Map.of(), null)));
    }

    @Test
    void aSpareHandedOverGetsItsNameAndOutputSettings() throws Exception {
        String option = "-Dmp4j.test.spare=named";
        JvmSpec spec = new JvmSpec(List.of(option), Map.of(), null);
        ChildProcess.builder(() -> { }).jvmOptions(option).start().close();
        ChildJvm spare = awaitSpare(spec);
        String file = Files.createTempFile("mp4j-spare", ".txt").toString();
        try (ChildProcess child = ChildProcess.builder(() -> System.out.println(ChildProcess.current().name()))
                .jvmOptions(option).name("late-name").output(ChildProcess.Output.toFile(Path.of(file))).start()) {
            assertEquals(spare.pid(), child.pid());
            assertTrue(child.join(WAIT));
            assertEquals("late-name", Files.readString(Path.of(file)).strip());
        } finally {
            Files.deleteIfExists(Path.of(file));
        }
        assertNotEquals(spare.pid(), awaitSpare(spec).pid(), "a new spare replaced the one taken");
    }
}
