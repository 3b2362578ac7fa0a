package multiprocessing4j.internal.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import multiprocessing4j.SerializableCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tasks sent to a worker ahead of its {@code READY} ({@link WorkerEvents#onAccepting}: a ready spare that was just
 * handed its entry): they have not started until the worker says {@code READY}, so their timeout starts then,
 * cancelling one skips it rather than killing the worker, and if the worker ends before it is ready they fail with
 * the reason, as tasks that never reached a worker do, not as deaths. The worker is a fake driven by the test.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PoolEngineSendAheadTest {
    private static final SerializableCallable<Integer> ONE = () -> 1;

    /** A worker that takes tasks at once and does nothing by itself: the test says when it is ready, ends it. */
    static final class AheadWorker implements WorkerChannel {
        final WorkerEvents events;
        final List<Long> received = new CopyOnWriteArrayList<>();
        final List<Long> cancelled = new CopyOnWriteArrayList<>();
        volatile boolean killed;

        AheadWorker(WorkerEvents events) {
            this.events = events;
        }

        @Override
        public String name() {
            return "ahead";
        }

        @Override
        public long pid() {
            return 4242;
        }

        @Override
        public void send(List<Task> tasks) {
            tasks.forEach(t -> received.add(t.id));
        }

        @Override
        public void cancel(long taskId) {
            cancelled.add(taskId);
        }

        @Override
        public void stop() {
            events.onExit(this, 0, null);
        }

        @Override
        public void kill() {
            killed = true;
            events.onExit(this, -9, null);
        }

        @Override
        public long residentBytes() {
            return -1;
        }
    }

    /** Launches {@link AheadWorker}s, each accepting tasks at once, on the launching thread (as on the rings). */
    static final class AheadLauncher implements WorkerLauncher {
        final List<AheadWorker> workers = new CopyOnWriteArrayList<>();

        @Override
        public WorkerChannel launch(String name, byte[] initializer, WorkerEvents events) {
            AheadWorker w = new AheadWorker(events);
            workers.add(w);
            Thread.ofPlatform().daemon().start(() -> events.onAccepting(w));
            return w;
        }

        @Override
        public void close() {
        }
    }

    private static PoolEngine engine(AheadLauncher launcher, long timeoutMillis) {
        return new PoolEngine(new PoolConfig(1, null, 0, TimeUnit.MILLISECONDS.toNanos(timeoutMillis), 0, "ahead",
                List.of()), launcher);
    }

    private static PoolFuture<Integer> submitOne(PoolEngine engine) {
        return Calls.submit(engine, WireFormat.KIND_CALL, ONE, null, null, null, null);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void aTaskSentAheadIsNotTimedUntilTheWorkerIsReady() throws Exception {
        AheadLauncher launcher = new AheadLauncher();
        PoolEngine engine = engine(launcher, 300);
        PoolFuture<Integer> task = submitOne(engine);
        await("the task was sent ahead", () -> !launcher.workers.isEmpty() && !launcher.workers.get(0).received.isEmpty());
        AheadWorker worker = launcher.workers.get(0);
        // longer than the timeout, before READY: the task has not started, so it has not run too long
        Thread.sleep(1_000);
        assertFalse(worker.killed, "a task waiting for its worker to be ready was timed out");
        assertFalse(task.isDone());
        // when the worker is ready, the task's time starts, and it is timed out after the 300 ms
        worker.events.onReady(worker);
        ExecutionException e = assertThrows(ExecutionException.class, () -> task.get(10, TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, e.getCause());
        assertTrue(worker.killed);
        engine.terminate(false);
        assertTrue(engine.awaitTermination(TimeUnit.SECONDS.toNanos(10)));
    }

    @Test
    void aWorkerThatEndsBeforeItIsReadyFailsTheTasksSentAheadWithItsReasonNotAsADeath() throws Exception {
        AheadLauncher launcher = new AheadLauncher();
        PoolEngine engine = engine(launcher, 0);
        PoolFuture<Integer> first = submitOne(engine);
        PoolFuture<Integer> second = submitOne(engine);
        await("both tasks were sent ahead", () -> !launcher.workers.isEmpty() && launcher.workers.get(0).received.size() == 2);
        AheadWorker worker = launcher.workers.get(0);
        // when: its initializer throws (the worker reports it and exits)
        worker.events.onExit(worker, 1, new IllegalStateException("no database"));
        // then: both fail with the reason, as the pool is broken; neither is reported as killed by a death
        for (PoolFuture<Integer> f : List.of(first, second)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
            RejectedExecutionException broken = assertInstanceOf(RejectedExecutionException.class, e.getCause());
            assertEquals("no database", broken.getCause().getMessage());
        }
        assertEquals(1, launcher.workers.size(), "no replacement for a worker that could not start");
        engine.close();
        assertTrue(engine.awaitTermination(TimeUnit.SECONDS.toNanos(10)));
    }

    @Test
    void cancellingATaskSentAheadSkipsItInsteadOfKillingTheWorker() throws Exception {
        AheadLauncher launcher = new AheadLauncher();
        PoolEngine engine = engine(launcher, 0);
        PoolFuture<Integer> task = submitOne(engine);
        await("the task was sent ahead", () -> !launcher.workers.isEmpty() && !launcher.workers.get(0).received.isEmpty());
        AheadWorker worker = launcher.workers.get(0);
        assertTrue(task.cancel(true));
        assertThrows(CancellationException.class, task::join);
        assertFalse(worker.killed, "the worker was killed for a task it had not started");
        assertEquals(worker.received, worker.cancelled, "the worker was told to skip it");
        engine.terminate(false);
        assertTrue(engine.awaitTermination(TimeUnit.SECONDS.toNanos(10)));
    }
}
