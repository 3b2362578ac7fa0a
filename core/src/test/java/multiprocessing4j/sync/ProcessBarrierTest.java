package multiprocessing4j.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import multiprocessing4j.ChildProcess;
import multiprocessing4j.shared.SharedLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcessBarrierTest {
    private final Cleanup cleanup = new Cleanup();

    @AfterEach
    void cleanUp() throws Exception {
        cleanup.close();
    }

    private ProcessBarrier track(ProcessBarrier b) {
        return cleanup.add(b, b::unlink);
    }

    private SharedLong newLong() {
        SharedLong v = SharedLong.create();
        return cleanup.add(v, v::unlink);
    }

    private static CompletableFuture<Integer> awaitInThread(ProcessBarrier b, Duration timeout) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return b.await(timeout);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, r -> Thread.ofPlatform().start(r));
    }

    private static Throwable failureOf(CompletableFuture<?> f) throws Exception {
        try {
            f.get(20, TimeUnit.SECONDS);
            throw new AssertionError("completed normally");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    @Test
    void partiesInThreadsAndProcessesAreReleasedTogetherAndTheActionRunsOncePerRound() throws Exception {
        SharedLong actions = newLong();
        SharedLong rounds = newLong();
        ProcessBarrier b = track(ProcessBarrier.create(3, actions::incrementAndGet));
        Children.Task party = () -> {
            for (int i = 0; i < 5; i++) {
                b.await(Duration.ofSeconds(30));
            }
            rounds.addAndGet(5);
            b.close();
        };
        ChildProcess child = null;
        try {
            child = Children.start(party);
            Children.Task partyCopy = Children.copy(party);   // its own handle, closed at its end
            CompletableFuture<Void> thread = CompletableFuture.runAsync(() -> {
                try {
                    partyCopy.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, r -> Thread.ofPlatform().start(r));
            ProcessBarrier mine = cleanup.closeLater(Children.copy(b));
            int lastIndexCount = 0;
            for (int i = 0; i < 5; i++) {
                if (mine.await(Duration.ofSeconds(30)) == 0) {
                    lastIndexCount++;
                }
            }
            thread.get(30, TimeUnit.SECONDS);
            Children.awaitSuccess(child, Duration.ofSeconds(30));

            assertEquals(5, actions.get());
            assertEquals(10, rounds.get());
            assertFalse(b.isBroken());
            assertTrue(lastIndexCount <= 5);
        } finally {
            Children.destroy(child);
        }
    }

    @Test
    void theArrivalIndexCountsDownToZero() throws Exception {
        ProcessBarrier b = track(ProcessBarrier.create(2));
        CompletableFuture<Integer> first = awaitInThread(b, Duration.ofSeconds(20));
        Children.awaitCondition(() -> b.numberWaiting() == 1, Duration.ofSeconds(10), "the first party");

        int last = b.await(Duration.ofSeconds(20));

        assertEquals(0, last);
        assertEquals(1, first.get(20, TimeUnit.SECONDS));
        assertEquals(2, b.parties());
        assertEquals(0, b.numberWaiting());
    }

    @Test
    void aTimeoutBreaksTheBarrierForTheOthers() throws Exception {
        ProcessBarrier b = track(ProcessBarrier.create(3));
        CompletableFuture<Integer> other = awaitInThread(b, Duration.ofSeconds(30));
        Children.awaitCondition(() -> b.numberWaiting() == 1, Duration.ofSeconds(10), "the other party");

        assertThrows(TimeoutException.class, () -> b.await(Duration.ofMillis(100)));

        assertInstanceOf(BrokenBarrierException.class, failureOf(other));
        assertTrue(b.isBroken());
        assertThrows(BrokenBarrierException.class, () -> b.await(Duration.ofSeconds(1)));
    }

    @Test
    void anInterruptBreaksTheBarrier() throws Exception {
        ProcessBarrier b = track(ProcessBarrier.create(2));
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                b.await();
                outcome.set(new AssertionError("returned"));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        Children.awaitCondition(() -> b.numberWaiting() == 1, Duration.ofSeconds(10), "the waiter");

        waiter.interrupt();
        waiter.join(10_000);

        assertInstanceOf(InterruptedException.class, outcome.get());
        assertTrue(b.isBroken());
    }

    @Test
    void aTimedAwaitIsEndedByAnInterrupt() throws Exception {
        ProcessBarrier b = track(ProcessBarrier.create(2));
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                b.await(Duration.ofSeconds(30));
                outcome.set(new AssertionError("returned"));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        Children.awaitCondition(() -> b.numberWaiting() == 1, Duration.ofSeconds(10), "the waiter");

        waiter.interrupt();
        waiter.join(10_000);

        assertInstanceOf(InterruptedException.class, outcome.get());
    }

    @Test
    void resetReleasesWaitersWithBrokenBarrierExceptionAndMakesTheBarrierUsableAgain() throws Exception {
        ProcessBarrier b = track(ProcessBarrier.create(2));
        CompletableFuture<Integer> waiter = awaitInThread(b, Duration.ofSeconds(30));
        Children.awaitCondition(() -> b.numberWaiting() == 1, Duration.ofSeconds(10), "the waiter");

        b.reset();

        assertInstanceOf(BrokenBarrierException.class, failureOf(waiter));
        assertFalse(b.isBroken());
        CompletableFuture<Integer> again = awaitInThread(b, Duration.ofSeconds(30));
        assertEquals(0 + 1, b.await(Duration.ofSeconds(30)) + again.get(20, TimeUnit.SECONDS));
    }

    @Test
    void abortBreaksTheBarrierUntilReset() throws Exception {
        ProcessBarrier b = track(ProcessBarrier.create(2));
        CompletableFuture<Integer> waiter = awaitInThread(b, Duration.ofSeconds(30));
        Children.awaitCondition(() -> b.numberWaiting() == 1, Duration.ofSeconds(10), "the waiter");

        b.abort();

        assertInstanceOf(BrokenBarrierException.class, failureOf(waiter));
        assertTrue(b.isBroken());
        assertThrows(BrokenBarrierException.class, b::await);
        b.reset();
        assertFalse(b.isBroken());
    }

    @Test
    void anActionThatThrowsBreaksTheBarrierAndReachesTheLastParty() throws Exception {
        ProcessBarrier b = track(ProcessBarrier.create(2, () -> {
            throw new IllegalStateException("action failed");
        }));
        CompletableFuture<Integer> waiter = awaitInThread(b, Duration.ofSeconds(30));
        Children.awaitCondition(() -> b.numberWaiting() == 1, Duration.ofSeconds(10), "the waiter");

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.await(Duration.ofSeconds(30)));

        assertEquals("action failed", e.getMessage());
        assertInstanceOf(BrokenBarrierException.class, failureOf(waiter));
    }

    @Test
    void aPartyProcessThatDiesBreaksTheBarrierForTheOthers() throws Exception {
        ProcessBarrier b = track(ProcessBarrier.create(3));
        ChildProcess party = null;
        try {
            party = Children.start(() -> b.await(Duration.ofSeconds(60)));
            Children.awaitCondition(() -> b.numberWaiting() == 1, Duration.ofSeconds(30), "the child to arrive");
            CompletableFuture<Integer> waiter = awaitInThread(b, Duration.ofSeconds(60));
            Children.awaitCondition(() -> b.numberWaiting() == 2, Duration.ofSeconds(10), "the thread to arrive");

            party.kill();

            assertInstanceOf(BrokenBarrierException.class, failureOf(waiter));
            assertTrue(b.isBroken());
        } finally {
            Children.destroy(party);
        }
    }

    @Test
    void aProcessHoldingTheBarrierThatDiesBeforeArrivingBreaksItForTheOthers() throws Exception {
        ProcessBarrier b = track(ProcessBarrier.create(2));
        ProcessEvent attached = ProcessEvent.create();
        cleanup.add(attached, attached::unlink);
        ChildProcess party = null;
        try {
            party = Children.start(() -> {
                b.parties();
                attached.set();
                Thread.sleep(60_000);
            });
            assertTrue(attached.await(Duration.ofSeconds(30)), "the child never attached");
            CompletableFuture<Integer> waiter = awaitInThread(b, Duration.ofSeconds(60));
            Children.awaitCondition(() -> b.numberWaiting() == 1, Duration.ofSeconds(10), "the thread to arrive");

            party.kill();

            assertInstanceOf(BrokenBarrierException.class, failureOf(waiter));
        } finally {
            Children.destroy(party);
        }
    }

    @Test
    void aProcessThatHeldTheBarrierAndExitedNormallyDoesNotBreakIt() throws Exception {
        ProcessBarrier b = track(ProcessBarrier.create(2));
        ChildProcess visitor = null;
        try {
            visitor = Children.start(b::parties);
            Children.awaitSuccess(visitor, Duration.ofSeconds(30));

            CompletableFuture<Integer> other = awaitInThread(b, Duration.ofSeconds(30));
            Children.awaitCondition(() -> b.numberWaiting() == 1, Duration.ofSeconds(10), "the thread to arrive");
            Thread.sleep(250);  // lets the waiter run a few liveness checks, which must find nobody dead
            int index = b.await(Duration.ofSeconds(30));

            assertEquals(0, index);
            assertEquals(1, other.get(20, TimeUnit.SECONDS));
            assertFalse(b.isBroken());
        } finally {
            Children.destroy(visitor);
        }
    }

    @Test
    void anIdleWaiterUsesNoCpu() throws Exception {
        ProcessBarrier b = track(ProcessBarrier.create(2));
        Thread waiter = Thread.ofPlatform().name("idle-barrier").start(() -> {
            try {
                b.await(Duration.ofSeconds(30));
            } catch (Exception ignored) {
                // ended by the test
            }
        });
        try {
            Children.awaitCondition(() -> b.numberWaiting() == 1, Duration.ofSeconds(10), "the waiter");
            long before = Children.cpuNanos(waiter);
            Thread.sleep(1000);
            long used = Children.cpuNanos(waiter) - before;

            assertTrue(used < TimeUnit.MILLISECONDS.toNanos(50), "the waiter used " + used / 1000 + " us of CPU in a second");
        } finally {
            b.abort();
            waiter.join(10_000);
        }
    }

    @Test
    void aBarrierNeedsAParty() {
        assertThrows(IllegalArgumentException.class, () -> ProcessBarrier.create(0));
    }
}
