package multiprocessing4j.internal.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import multiprocessing4j.internal.shm.SegmentDescriptor;
import multiprocessing4j.internal.shm.SharedSegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FutexTest {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment cell = arena.allocate(64, 64);

    @AfterEach
    void freeCell() {
        arena.close();
    }

    @Test
    void usesRealFutexesWhenNativeAccessIsEnabled() {
        assertTrue(Futex.isNative(), "fallback reason: " + Futex.fallbackReason());
        assertNull(Futex.fallbackReason());
    }

    @Test
    void waitReturnsValueChangedWhenTheWordDoesNotHoldTheExpectedValue() throws Exception {
        Futex.INT.setRelease(cell, 0L, 7);

        assertEquals(Futex.VALUE_CHANGED, Futex.waitNanos(cell, 0, 6, TimeUnit.SECONDS.toNanos(5)));
    }

    @Test
    void waitTimesOutWhenNobodyWakesIt() throws Exception {
        long start = System.nanoTime();

        int result = Futex.waitNanos(cell, 0, 0, TimeUnit.MILLISECONDS.toNanos(120));

        assertEquals(Futex.TIMED_OUT, result);
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(120));
    }

    @Test
    void zeroTimeoutReturnsAtOnce() throws Exception {
        assertEquals(Futex.TIMED_OUT, Futex.waitNanos(cell, 0, 0, 0));
        assertFalse(Futex.awaitChange(cell, 0, 0, Duration.ZERO));
    }

    @Test
    void wakeReleasesAThreadBlockedInWait() throws Exception {
        CompletableFuture<Integer> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                int r;
                do {
                    r = Futex.waitNanos(cell, 0, 0, TimeUnit.SECONDS.toNanos(20));
                } while (r == Futex.WOKEN && (int) Futex.INT.getAcquire(cell, 0L) == 0);
                return r;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, Thread::startVirtualThread);

        Futex.INT.setRelease(cell, 0L, 1);
        Futex.wakeAll(cell, 0);

        int result = waiter.get(10, TimeUnit.SECONDS);
        assertTrue(result == Futex.WOKEN || result == Futex.VALUE_CHANGED);
    }

    @Test
    void awaitChangeReturnsOnceAnotherThreadChangesTheWord() throws Exception {
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return Futex.awaitChange(cell, 8, 0, Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, r -> Thread.ofPlatform().start(r));

        Futex.INT.setRelease(cell, 8L, 42);
        Futex.wakeAll(cell, 8);

        assertTrue(waiter.get(10, TimeUnit.SECONDS));
    }

    @Test
    void awaitChangeReturnsFalseWhenTheTimeoutElapses() throws Exception {
        assertFalse(Futex.awaitChange(cell, 0, 0, Duration.ofMillis(80)));
    }

    @Test
    void interruptingAWaiterEndsItsWaitWithInterruptedException() throws Exception {
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                Futex.awaitChange(cell, 0, 0, Duration.ofSeconds(30));
                outcome.set(new AssertionError("returned normally"));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        awaitState(waiter, Thread.State.RUNNABLE);

        waiter.interrupt();
        waiter.join(TimeUnit.SECONDS.toMillis(10));

        assertFalse(waiter.isAlive(), "the waiter should have noticed the interrupt");
        assertTrue(outcome.get() instanceof InterruptedException, "outcome: " + outcome.get());
    }

    @Test
    void aThreadInterruptedBeforeWaitingThrowsAtOnce() {
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedException.class, () -> Futex.waitNanos(cell, 0, 0, TimeUnit.SECONDS.toNanos(30)));
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void awaitChangeWithAWaiterCountIsWokenByWakeIfWaiting() throws Exception {
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return Futex.awaitChange(cell, 0, 0, 4, TimeUnit.SECONDS.toNanos(20));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, r -> Thread.ofPlatform().start(r));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((int) Futex.INT.getVolatile(cell, 4L) == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }

        Futex.INT.setRelease(cell, 0L, 1);
        int woken = Futex.wakeIfWaiting(cell, 0, 4, 1);

        assertTrue(waiter.get(10, TimeUnit.SECONDS));
        assertTrue(woken <= 1, "at most the one waiter is woken");
        assertEquals(0, (int) Futex.INT.getVolatile(cell, 4L), "the waiter count goes back to zero");
    }

    @Test
    void wakeIfWaitingSkipsTheSystemCallWhenNobodyBlocks() {
        assertEquals(0, Futex.wakeIfWaiting(cell, 0, 4, 1));
    }

    @Test
    void misplacedWordsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Futex.wake(cell, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> Futex.wake(cell, 64, 1));
        assertThrows(IllegalArgumentException.class, () -> Futex.wake(cell, -4, 1));
        assertThrows(IllegalArgumentException.class, () -> Futex.wake(MemorySegment.ofArray(new int[4]), 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Futex.wake(cell, 0, 0));
    }

    @Test
    void wakeWithNobodyWaitingWakesNobody() {
        assertEquals(0, Futex.wake(cell, 0, 1));
    }

    @Test
    void prepareIsHarmlessAndRepeatable() {
        Futex.prepare();
        Futex.prepare();
    }

    @Test
    void wakeReachesAWaiterInAnotherJvmAndBack() throws Exception {
        SharedSegment segment = SharedSegment.create(null, SegmentDescriptor.kind("TEST"), 64);
        Process peer = null;
        try {
            peer = TestJvm.start(FutexPeer.class, List.of(), segment.name());
            BufferedReader out = TestJvm.reader(peer);
            TestJvm.awaitLine(peer, out, "READY", Duration.ofSeconds(20));
            MemorySegment shared = segment.payload();

            Futex.INT.setRelease(shared, 0L, 1);
            Futex.wakeAll(shared, 0);
            boolean answered = Futex.awaitChange(shared, 4, 0, Duration.ofSeconds(20));

            assertTrue(answered, "the peer never answered");
            assertEquals(1, (int) Futex.INT.getAcquire(shared, 4L), "the peer timed out instead of being woken");
            assertTrue(peer.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, peer.exitValue());
        } finally {
            TestJvm.destroy(peer);
            segment.unlink();
            segment.close();
        }
    }

    @Test
    void withoutNativeAccessWaitsFallBackToPollingAndSaySoOnce() throws Exception {
        Process probe = new ProcessBuilder(TestJvm.command(FallbackProbe.class, List.of()))
                .redirectErrorStream(true).start();
        try {
            assertTrue(probe.waitFor(30, TimeUnit.SECONDS));
            String output = new String(probe.getInputStream().readAllBytes());
            assertEquals(0, probe.exitValue(), output);
            int first = output.indexOf("futex wait/wake unavailable");
            assertTrue(first >= 0, output);
            assertEquals(-1, output.indexOf("futex wait/wake unavailable", first + 1), output);
        } finally {
            TestJvm.destroy(probe);
        }
    }

    private static void awaitState(Thread thread, Thread.State state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.getState() != state && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }

}
