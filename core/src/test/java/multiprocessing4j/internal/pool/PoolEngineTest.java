package multiprocessing4j.internal.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import multiprocessing4j.SerializableCallable;
import multiprocessing4j.WorkerDiedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scheduling and fault logic of {@link PoolEngine} with in-process fake workers: which worker holds
 * which tasks, and what exactly fails when one dies. No JVM is started.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PoolEngineTest {

    /** A worker that runs its tasks on a thread of this JVM; the test makes it die at will. */
    static final class FakeWorker implements WorkerChannel {
        final String name;
        final WorkerEvents events;
        final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        final List<Long> received = new CopyOnWriteArrayList<>();
        volatile Integer diedWith;
        final Thread thread;

        FakeWorker(String name, WorkerEvents events) {
            this.name = name;
            this.events = events;
            this.thread = Thread.ofPlatform().daemon().name(name).start(this::loop);
        }

        private void loop() {
            events.onReady(this);
            try {
                while (true) {
                    Object next = inbox.take();
                    if (next instanceof Integer code) {
                        events.onExit(this, code, null);
                        return;
                    }
                    Task t = (Task) next;
                    Object result;
                    byte status = WireFormat.STATUS_OK;
                    try {
                        result = ((Callable<?>) PoolCodec.codec().decode(t.fn)).call();
                    } catch (Exception e) {
                        result = e;
                        status = WireFormat.STATUS_FAILED;
                    }
                    if (diedWith != null) {
                        events.onExit(this, diedWith, null);
                        return;
                    }
                    events.onResult(this, t.id, status, result);
                    if (inbox.isEmpty()) {
                        events.onResultsDrained(this);
                    }
                }
            } catch (InterruptedException e) {
                events.onExit(this, diedWith, null);
            }
        }

        /** Dies now, as if killed: what it holds gets no result. */
        void die(int exitCode) {
            diedWith = exitCode;
            thread.interrupt();
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long pid() {
            return 1000 + name.hashCode() % 1000;
        }

        @Override
        public void send(List<Task> tasks) {
            for (Task t : tasks) {
                received.add(t.id);
                inbox.add(t);
            }
        }

        @Override
        public void cancel(long taskId) {
        }

        @Override
        public void stop() {
            inbox.add(0);
        }

        @Override
        public void kill() {
            die(-9);
        }

        @Override
        public long residentBytes() {
            return -1;
        }
    }

    static final class FakeLauncher implements WorkerLauncher {
        final List<FakeWorker> workers = new CopyOnWriteArrayList<>();

        @Override
        public WorkerChannel launch(String name, byte[] initializer, WorkerEvents events) {
            FakeWorker w = new FakeWorker(name, events);
            workers.add(w);
            return w;
        }

        @Override
        public void close() {
        }
    }

    static PoolEngine engine(FakeLauncher launcher, int processes) {
        return new PoolEngine(new PoolConfig(processes, null, 0, 0, 0, "fake", List.of()), launcher);
    }

    static final Object GATE = new Object();
    static volatile boolean open;

    static int blockUntilOpen() throws InterruptedException {
        synchronized (GATE) {
            while (!open) {
                GATE.wait();
            }
        }
        return 1;
    }

    static void openGate() {
        synchronized (GATE) {
            open = true;
            GATE.notifyAll();
        }
    }

    @Test
    void whenAWorkerDiesOnlyTheTaskItWasRunningFailsAndTheTasksBehindItRunElsewhere() throws Exception {
        open = false;
        FakeLauncher launcher = new FakeLauncher();
        PoolEngine engine = engine(launcher, 1);
        SerializableCallable<Integer> blocking = PoolEngineTest::blockUntilOpen;
        PoolFuture<Integer> head = Calls.submit(engine, WireFormat.KIND_CALL, blocking, null, null, null, null);
        List<PoolFuture<Integer>> behind = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            behind.add(Calls.submit(engine, WireFormat.KIND_CALL, (SerializableCallable<Integer>) () -> n, null, null,
                    null, null));
        }
        FakeWorker first = launcher.workers.get(0);
        while (first.received.isEmpty()) {
            Thread.onSpinWait();
        }
        assertTrue(first.received.size() <= PoolEngine.MIN_DEPTH, "a worker holds at most the depth ahead");
        first.die(-9);
        ExecutionException e = assertThrows(ExecutionException.class, () -> head.get(10, TimeUnit.SECONDS));
        WorkerDiedException died = assertInstanceOf(WorkerDiedException.class, e.getCause());
        assertEquals(9, died.signal().orElseThrow());
        assertTrue(died.getMessage().contains("fake-worker-1"), died.getMessage());
        openGate();
        for (int i = 0; i < 5; i++) {
            assertEquals(i, behind.get(i).get(10, TimeUnit.SECONDS));
        }
        assertEquals(2, engine.workersStarted(), "one replacement");
        engine.close();
        assertTrue(engine.awaitTermination(TimeUnit.SECONDS.toNanos(10)));
    }

    @Test
    void tasksAreSpreadOverTheWorkers() throws Exception {
        FakeLauncher launcher = new FakeLauncher();
        PoolEngine engine = engine(launcher, 2);
        while (launcher.workers.size() < 2) {
            Thread.onSpinWait();
        }
        List<PoolFuture<Integer>> all = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int n = i;
            all.add(Calls.submit(engine, WireFormat.KIND_CALL, (SerializableCallable<Integer>) () -> n, null, null,
                    null, null));
        }
        for (int i = 0; i < 100; i++) {
            assertEquals(i, all.get(i).get(10, TimeUnit.SECONDS));
        }
        assertEquals(100, launcher.workers.get(0).received.size() + launcher.workers.get(1).received.size());
        engine.close();
        assertTrue(engine.awaitTermination(TimeUnit.SECONDS.toNanos(10)));
    }

    @Test
    void terminateFailsEverythingNotDoneAndTheEngineTerminates() throws Exception {
        open = false;
        FakeLauncher launcher = new FakeLauncher();
        PoolEngine engine = engine(launcher, 1);
        SerializableCallable<Integer> blocking = PoolEngineTest::blockUntilOpen;
        PoolFuture<Integer> running = Calls.submit(engine, WireFormat.KIND_CALL, blocking, null, null, null, null);
        List<PoolFuture<Integer>> queued = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            queued.add(Calls.submit(engine, WireFormat.KIND_CALL, blocking, null, null, null, null));
        }
        engine.terminate(false);
        assertTrue(engine.awaitTermination(TimeUnit.SECONDS.toNanos(10)));
        assertTrue(running.isDone() && running.isCompletedExceptionally());
        for (PoolFuture<Integer> f : queued) {
            assertTrue(f.isCompletedExceptionally(), "no future is left waiting");
        }
        openGate();
    }
}
