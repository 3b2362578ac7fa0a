package multiprocessing4j.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import multiprocessing4j.ChildProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcessSemaphoreTest {
    private final Cleanup cleanup = new Cleanup();

    @AfterEach
    void cleanUp() throws Exception {
        cleanup.close();
    }

    private ProcessSemaphore track(ProcessSemaphore s) {
        return cleanup.add(s, s::unlink);
    }

    @Test
    void permitsAreTakenAndReturned() throws Exception {
        ProcessSemaphore s = track(ProcessSemaphore.create(2));

        s.acquire();
        assertTrue(s.tryAcquire());
        assertFalse(s.tryAcquire());
        s.release();

        assertEquals(1, s.availablePermits());
    }

    @Test
    void tryAcquireWithATimeoutGivesUpWhenNoPermitComes() throws Exception {
        ProcessSemaphore s = track(ProcessSemaphore.create(0));

        assertFalse(s.tryAcquire(Duration.ofMillis(100)));
        assertFalse(s.tryAcquire(Duration.ZERO));
    }

    @Test
    void anUnboundedSemaphoreAcceptsReleasesBeyondItsInitialCount() {
        ProcessSemaphore s = track(ProcessSemaphore.create(1));

        s.release();

        assertEquals(2, s.availablePermits());
        assertFalse(s.isBounded());
    }

    @Test
    void aBoundedSemaphoreRejectsAReleaseAboveItsInitialCount() throws Exception {
        ProcessSemaphore s = track(ProcessSemaphore.bounded(2));
        s.acquire();
        s.release();

        IllegalStateException e = assertThrows(IllegalStateException.class, s::release);

        assertTrue(e.getMessage().contains("released too many times"), e.getMessage());
        assertEquals(2, s.availablePermits());
    }

    @Test
    void acquireEndsWithInterruptedExceptionWhenInterrupted() throws Exception {
        ProcessSemaphore s = track(ProcessSemaphore.create(0));
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                s.acquire();
                outcome.set(new AssertionError("acquired"));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        Children.awaitBlocked(waiter);

        waiter.interrupt();
        waiter.join(10_000);

        assertInstanceOf(InterruptedException.class, outcome.get());
    }

    @Test
    void timedTryAcquireEndsWithInterruptedExceptionWhenInterrupted() throws Exception {
        ProcessSemaphore s = track(ProcessSemaphore.create(0));
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                s.tryAcquire(Duration.ofSeconds(30));
                outcome.set(new AssertionError("returned"));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        Children.awaitBlocked(waiter);

        waiter.interrupt();
        waiter.join(10_000);

        assertInstanceOf(InterruptedException.class, outcome.get());
    }

    @Test
    void aReleaseInAnotherProcessWakesAWaiter() throws Exception {
        ProcessSemaphore s = track(ProcessSemaphore.create(0));
        ChildProcess child = null;
        try {
            child = Children.start(s::release);

            assertTrue(s.tryAcquire(Duration.ofSeconds(30)));
            Children.awaitSuccess(child, Duration.ofSeconds(30));
        } finally {
            Children.destroy(child);
        }
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ProcessSemaphore.create(-1));
        assertThrows(IllegalArgumentException.class, () -> ProcessSemaphore.bounded(0));
        ProcessSemaphore s = track(ProcessSemaphore.create(1));
        assertThrows(NullPointerException.class, () -> s.tryAcquire(null));
    }
}
