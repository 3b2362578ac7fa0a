package multiprocessing4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import multiprocessing4j.internal.pool.MapJob;
import multiprocessing4j.shared.SharedLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ProcessPool's API and semantics, on one shared pool of two workers (no test here kills a worker). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessPoolTest {
    private static ProcessPool pool;

    @BeforeAll
    static void startPool() {
        pool = ProcessPool.create(2);
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- map

    @Test
    void mapReturnsResultsInInputOrder() {
        List<Integer> squares = pool.map(x -> x * x, range(1000));
        assertEquals(range(1000).stream().map(x -> x * x).toList(), squares);
    }

    @Test
    void mapKeepsInputOrderWhenLaterChunksFinishFirst() {
        List<Integer> out = pool.map(x -> {
            sleep(x < 4 ? 60 : 0);
            return x;
        }, range(16), 2);
        assertEquals(range(16), out);
    }

    @Test
    void mapOfEmptyInputIsEmpty() {
        assertEquals(List.of(), pool.map(x -> x, List.<Integer>of()));
        assertEquals(List.of(), pool.map(x -> x, List.<Integer>of(), 5));
    }

    @Test
    void mapOfOneItem() {
        assertEquals(List.of("7!"), pool.map(x -> x + "!", List.of(7)));
    }

    @Test
    void mapWithChunkLargerThanInput() {
        assertEquals(List.of(2, 3, 4), pool.map(x -> x + 1, List.of(1, 2, 3), 1000));
    }

    @Test
    void mapAcceptsAnyIterable() {
        Set<Integer> items = new java.util.TreeSet<>(List.of(3, 1, 2));
        assertEquals(List.of(10, 20, 30), pool.map(x -> x * 10, items));
    }

    @Test
    void automaticChunksizeFollowsPythonsRule() {
        assertEquals(0, MapJob.autoChunksize(0, 2));
        assertEquals(1, MapJob.autoChunksize(1, 2));
        assertEquals(1, MapJob.autoChunksize(8, 2));
        assertEquals(2, MapJob.autoChunksize(9, 2));
        assertEquals(125_000, MapJob.autoChunksize(1_000_000, 2));
        assertEquals(7, MapJob.autoChunksize(100, 4)); // divmod(100, 16) = (6, 4): one more for the remainder
    }

    @Test
    void chunksizeBelowOneIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> pool.map(x -> x, range(3), 0));
        assertThrows(IllegalArgumentException.class, () -> pool.imap(x -> x, range(3), 0));
    }

    @Test
    void mapThrowsTheTasksOwnExceptionWithTheRemoteStackTrace() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.map(x -> {
            if (x == 5) {
                throw new IllegalStateException("bad item " + x);
            }
            return x;
        }, range(10), 3));
        assertEquals("bad item 5", e.getMessage());
        assertTrue(stackMentions(e, "ProcessPoolTest"), "the remote trace names the lambda's class");
        assertTrue(stackMentions(e, "WorkerLoop"), "the trace is the worker's");
    }

    static boolean stackMentions(Throwable e, String text) {
        for (StackTraceElement el : e.getStackTrace()) {
            if (el.toString().contains(text)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void mapAsyncCompletesWithTheListAndRunsTheCallbackFirst() throws Exception {
        List<List<Integer>> seen = new CopyOnWriteArrayList<>();
        AsyncResult<List<Integer>> r = pool.mapAsync(x -> x + 1, range(5), 2, seen::add, null);
        assertEquals(List.of(1, 2, 3, 4, 5), r.get(Duration.ofSeconds(30)));
        assertEquals(List.of(List.of(1, 2, 3, 4, 5)), seen, "the callback ran before the result was ready");
        assertTrue(r.ready());
        assertTrue(r.successful());
    }

    @Test
    void mapAsyncErrorCallbackGetsTheFirstFailure() throws Exception {
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        AsyncResult<List<Integer>> r = pool.mapAsync(x -> {
            if (x == 2) {
                throw new ArithmeticException("two");
            }
            return x;
        }, range(4), 1, null, errors::add);
        ExecutionException e = assertThrows(ExecutionException.class, () -> r.get(Duration.ofSeconds(30)));
        assertInstanceOf(ArithmeticException.class, e.getCause());
        assertEquals(1, errors.size());
        assertInstanceOf(ArithmeticException.class, errors.get(0));
        assertFalse(r.successful());
    }

    // ---------------------------------------------------------------- imap

    @Test
    void imapYieldsInInputOrder() {
        List<Integer> out = new ArrayList<>();
        try (ResultIterator<Integer> it = pool.imap(x -> {
            sleep((10 - x) * 5L);
            return x * 2;
        }, range(10))) {
            it.forEachRemaining(out::add);
        }
        assertEquals(range(10).stream().map(x -> x * 2).toList(), out);
    }

    @Test
    void imapUnorderedYieldsEveryResult() {
        Set<Integer> out = new HashSet<>();
        try (ResultIterator<Integer> it = pool.imapUnordered(x -> x + 100, range(50), 7)) {
            it.forEachRemaining(out::add);
        }
        assertEquals(new HashSet<>(range(50).stream().map(x -> x + 100).toList()), out);
    }

    @Test
    void imapReadsItsInputLazily() {
        AtomicLong read = new AtomicLong();
        Iterator<Integer> endless = new Iterator<>() {
            int next;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                read.incrementAndGet();
                return next++;
            }
        };
        try (ResultIterator<Integer> it = pool.imap(x -> x, () -> endless, 2)) {
            for (int i = 0; i < 20; i++) {
                assertEquals(i, it.next());
            }
        }
        assertTrue(read.get() < 200, "the input is read only a little ahead of the consumer, read " + read.get());
    }

    @Test
    void imapFailedItemThrowsAtItsPlaceAndIterationGoesOn() {
        List<Object> out = new ArrayList<>();
        try (ResultIterator<Integer> it = pool.imap(x -> {
            if (x == 1) {
                throw new UnsupportedOperationException("one");
            }
            return x;
        }, range(3))) {
            while (it.hasNext()) {
                try {
                    out.add(it.next());
                } catch (UnsupportedOperationException e) {
                    out.add("failed: " + e.getMessage());
                }
            }
        }
        assertEquals(List.of(0, "failed: one", 2), out);
    }

    @Test
    void imapNextWithTimeoutThrowsTimeoutWhenNothingArrives() throws Exception {
        try (ResultIterator<Integer> it = pool.imap(x -> {
            sleep(2000);
            return x;
        }, range(1))) {
            assertThrows(java.util.concurrent.TimeoutException.class, () -> it.next(Duration.ofMillis(50)));
        }
    }

    @Test
    void imapInputFailureComesAfterTheItemsReadBeforeIt() {
        Iterable<Integer> failing = () -> new Iterator<>() {
            int next;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                if (next == 3) {
                    throw new IllegalStateException("input broke");
                }
                return next++;
            }
        };
        List<Integer> out = new ArrayList<>();
        ResultIterator<Integer> it = pool.imap(x -> x, failing);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            while (it.hasNext()) {
                out.add(it.next());
            }
        });
        assertEquals("input broke", e.getMessage());
        assertEquals(List.of(0, 1, 2), out);
        assertFalse(it.hasNext());
    }

    // ---------------------------------------------------------------- apply

    @Test
    void applyReturnsTheResult() {
        assertEquals(42, pool.apply(() -> 6 * 7));
        assertEquals("ab", pool.apply(s -> s + "b", "a"));
    }

    @Test
    void everyResultArrivesOnceWhetherItsCallerOrThePoolReadsIt() throws Exception {
        // given: callers waiting in apply read their workers' results themselves, while results of async
        // calls, which nobody waits for yet, are read by the pool's reader threads; all on the same workers
        List<AsyncResult<Integer>> async = Collections.synchronizedList(new ArrayList<>());
        Runnable callsOneAfterAnother = () -> {
            for (int i = 0; i < 500; i++) {
                int n = i;
                async.add(pool.applyAsync(() -> n + 1_000_000));
                assertEquals(-n, pool.apply(() -> -n));
            }
        };
        // when: two threads do so at the same time
        Thread other = Thread.ofPlatform().start(callsOneAfterAnother);
        callsOneAfterAnother.run();
        other.join(TimeUnit.SECONDS.toMillis(60));
        // then: every call got its own result, once
        assertFalse(other.isAlive());
        List<Integer> values = new ArrayList<>();
        for (AsyncResult<Integer> r : async) {
            values.add(r.get(Duration.ofSeconds(30)) - 1_000_000);
        }
        Collections.sort(values);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            expected.add(i);
            expected.add(i);
        }
        assertEquals(expected, values);
    }

    @Test
    void applyRunsInAnotherProcess() {
        long here = ProcessHandle.current().pid();
        long there = pool.apply(() -> ProcessHandle.current().pid());
        assertTrue(here != there);
        assertTrue(pool.workerPids().contains(there));
    }

    @Test
    void applyThrowsACheckedExceptionWrappedInCompletionException() {
        CompletionException e = assertThrows(CompletionException.class,
                () -> pool.apply(() -> {
                    throw new IOException("disk gone");
                }));
        assertInstanceOf(IOException.class, e.getCause());
        assertEquals("disk gone", e.getCause().getMessage());
    }

    @Test
    void anExceptionWhoseClassIsMissingHereArrivesAsRemoteException() throws Exception {
        // a class defined only in the worker cannot exist here: simulate with a non-serializable exception
        RemoteException e = assertThrows(RemoteException.class, () -> pool.apply(() -> {
            throw new Unsendable("holds a thread");
        }));
        assertEquals(Unsendable.class.getName(), e.remoteClassName());
        assertEquals("holds a thread", e.remoteMessage());
        assertTrue(e.getStackTrace().length > 0);
    }

    static final class Unsendable extends RuntimeException {
        @SuppressWarnings({"unused", "serial"})
        private final transient Object nothing = null;
        @SuppressWarnings("serial")
        private final Thread thread = new Thread(() -> { });

        Unsendable(String message) {
            super(message);
        }
    }

    @Test
    void applyAsyncCallbacksRunOnThePoolsResultThreadInCompletionOrder() throws Exception {
        List<Long> endTimes = Collections.synchronizedList(new ArrayList<>());
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        List<AsyncResult<Long>> results = new ArrayList<>();
        // Later submissions sleep less, so they finish first. Two tasks on two workers could still end
        // microseconds apart and reach the pool in either order, so each task claims its end time through a
        // shared cell that keeps finishes at least 100 ms apart: the order of finishing is then unambiguous.
        try (SharedLong lastEnd = SharedLong.create(0)) {
            for (int i = 0; i < 6; i++) {
                int n = i;
                results.add(pool.applyAsync(() -> {
                    sleep((6 - n) * 30L);
                    return finishAfterOthers(lastEnd, TimeUnit.MILLISECONDS.toNanos(100));
                }, end -> {
                    endTimes.add(end);
                    threads.add(Thread.currentThread().getName());
                }, null));
            }
            for (AsyncResult<Long> r : results) {
                r.get(Duration.ofSeconds(30));
            }
        }
        assertEquals(6, endTimes.size(), "each callback ran before its result was ready");
        for (String t : threads) {
            assertTrue(t.endsWith("-results"), "callback ran on the result thread: " + t);
        }
        List<Long> sorted = new ArrayList<>(endTimes);
        Collections.sort(sorted);
        assertEquals(sorted, endTimes, "callbacks ran in the order the tasks finished");
    }

    /**
     * Returns this task's end time (System.nanoTime: CLOCK_MONOTONIC, comparable between processes of one
     * machine), at least {@code gapNanos} after the end time any other task claimed in {@code lastEnd}.
     */
    static long finishAfterOthers(SharedLong lastEnd, long gapNanos) {
        while (true) {
            long previous = lastEnd.get();
            long now = System.nanoTime();
            long wait = previous == 0 ? 0 : previous + gapNanos - now;
            if (wait > 0) {
                sleep(TimeUnit.NANOSECONDS.toMillis(wait) + 1);
            } else if (lastEnd.compareAndSet(previous, now)) {
                return now;
            }
        }
    }

    @Test
    void aCallbackThatThrowsDoesNotHarmThePool() throws Exception {
        AsyncResult<Integer> r = pool.applyAsync(() -> 1, v -> {
            throw new IllegalStateException("callback bug (expected in this test)");
        }, null);
        assertEquals(1, r.get(Duration.ofSeconds(30)));
        assertEquals(2, pool.apply(() -> 2));
    }

    @Test
    void errorCallbackGetsTheOriginalException() throws Exception {
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        AsyncResult<Integer> r = pool.applyAsync(() -> {
            throw new IllegalArgumentException("nope");
        }, null, errors::add);
        assertThrows(ExecutionException.class, () -> r.get(Duration.ofSeconds(30)));
        assertInstanceOf(IllegalArgumentException.class, errors.get(0));
    }

    @Test
    void successfulBeforeReadyThrows() {
        AsyncResult<Integer> r = pool.applyAsync(() -> {
            sleep(500);
            return 1;
        });
        assertFalse(r.ready());
        assertThrows(IllegalStateException.class, r::successful);
        assertFalse(assertDoesNotThrowWaitFor(r, Duration.ofMillis(10)));
    }

    private static boolean assertDoesNotThrowWaitFor(AsyncResult<?> r, Duration d) {
        try {
            return r.waitFor(d);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void toCompletableFutureComposes() throws Exception {
        int v = pool.applyAsync(() -> 20).toCompletableFuture().thenApply(x -> x + 1).get(30, TimeUnit.SECONDS);
        assertEquals(21, v);
    }

    // ---------------------------------------------------------------- serialization errors

    @Test
    void aFunctionCapturingSomethingNotSerializableIsRejectedInTheCaller() {
        Object notSerializable = new Object();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pool.apply(() -> notSerializable.hashCode()));
        assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
        assertEquals(3, pool.apply(() -> 3), "the pool goes on");
    }

    @Test
    void anItemThatCannotBeSerializedIsRejectedInTheCaller() {
        List<Object> items = List.of(1, new Object());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pool.mapAsync(x -> x, items));
        assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
        assertEquals(List.of(1), pool.map(x -> x, List.of(1)));
    }

    @Test
    void aResultThatCannotBeSerializedFailsThatTaskClearly() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.apply(Object::new));
        assertTrue(e.getMessage().contains("cannot be serialized"), e.getMessage());
        assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
        assertEquals(4, pool.apply(() -> 4));
    }

    // ---------------------------------------------------------------- progress

    @Test
    void progressListenerHearsEveryItemAndEveryFailure() {
        // the listener runs on the pool's result thread while this one reads: a copy-on-write list can be streamed
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        ProgressListener listener = new ProgressListener() {
            @Override
            public void onProgress(long done, long failed, long total) {
                events.add("progress " + done + " " + failed + " " + total);
            }

            @Override
            public void onItemFailed(long index, Object item, Throwable error) {
                events.add("failed " + index + " " + item + " " + error.getMessage());
            }

            @Override
            public void onFinished(long done, long failed, long total) {
                events.add("finished " + done + " " + failed + " " + total);
            }
        };
        List<Integer> out = new ArrayList<>();
        try (ResultIterator<Integer> it = pool.imap(x -> {
            if (x == 3) {
                throw new IllegalStateException("three");
            }
            return x;
        }, range(6), 1, listener)) {
            while (it.hasNext()) {
                try {
                    out.add(it.next());
                } catch (IllegalStateException expected) {
                    out.add(-1);
                }
            }
        }
        assertEquals(List.of(0, 1, 2, -1, 4, 5), out);
        waitUntil(() -> events.stream().anyMatch(s -> s.startsWith("finished")));
        assertEquals("finished 6 1 6", events.get(events.size() - 1));
        assertTrue(events.contains("failed 3 3 three"), events.toString());
    }

    @Test
    void mapWithAProgressBarPrintsTheFailureSummaryBeforeItReturns() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        ProgressBar bar = ProgressBar.to(new java.io.PrintStream(bytes, true), "squares");
        List<Integer> out = pool.map(x -> x * x, range(20), 3, bar);
        assertEquals(20, out.size());
        String printed = bytes.toString();
        assertTrue(printed.contains("squares [##############################] 20/20"), printed);
        assertTrue(bar.failures().isEmpty());
    }

    static void waitUntil(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 20 s");
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    // ---------------------------------------------------------------- closing

    @Test
    void joinBeforeCloseIsAnError() {
        assertThrows(IllegalStateException.class, () -> pool.join());
    }

    @Test
    void closeLetsQueuedWorkFinishAndThenRejectsNewWork() throws Exception {
        ProcessPool p = ProcessPool.create(1);
        AsyncResult<Integer> queued = p.applyAsync(() -> {
            sleep(200);
            return 9;
        });
        p.close();
        assertEquals(9, queued.get(Duration.ofSeconds(30)));
        assertThrows(RejectedExecutionException.class, () -> p.apply(() -> 1));
        assertTrue(p.join(Duration.ofSeconds(5)));
        p.close(); // twice is harmless
    }
}
