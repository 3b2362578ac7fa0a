package multiprocessing4j.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import multiprocessing4j.ChildProcess;
import multiprocessing4j.shared.SharedLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcessConditionTest {
    private final Cleanup cleanup = new Cleanup();

    @AfterEach
    void cleanUp() throws Exception {
        cleanup.close();
    }

    private ProcessCondition newCondition() {
        ProcessCondition c = ProcessCondition.create();
        return cleanup.add(c, c::unlink);
    }

    private SharedLong newLong() {
        SharedLong v = SharedLong.create();
        return cleanup.add(v, v::unlink);
    }

    /** A child that, holding the lock, counts itself in {@code waiting}, awaits a signal (60 s at most) and counts the signal in {@code woken}. */
    private static Children.Task waiter(ProcessCondition c, SharedLong waiting, SharedLong woken) {
        return () -> {
            c.lock().lock();
            try {
                waiting.incrementAndGet();
                if (c.await(Duration.ofSeconds(60))) {
                    woken.incrementAndGet();
                }
            } finally {
                c.lock().unlock();
            }
        };
    }

    @Test
    void timedAwaitReturnsFalseWithoutASignalAndHoldsTheLockAgain() throws Exception {
        ProcessCondition c = newCondition();
        c.lock().lock();
        try {
            assertFalse(c.await(Duration.ofMillis(100)));
            assertFalse(c.await(50, TimeUnit.MILLISECONDS));
            assertTrue(c.awaitNanos(TimeUnit.MILLISECONDS.toNanos(50)) <= 0);
            assertTrue(((ProcessReentrantLock) c.lock()).isHeldByCurrentThread());
        } finally {
            c.lock().unlock();
        }
    }

    @Test
    void awaitingOrSignallingWithoutTheLockThrows() {
        ProcessCondition c = newCondition();

        assertThrows(IllegalMonitorStateException.class, c::await);
        assertThrows(IllegalMonitorStateException.class, c::signal);
        assertThrows(IllegalMonitorStateException.class, c::signalAll);
    }

    @Test
    void awaitReleasesEveryHoldOfAReentrantLockAndRestoresThem() throws Exception {
        ProcessCondition c = newCondition();
        ProcessReentrantLock lock = (ProcessReentrantLock) c.lock();
        lock.lock();
        lock.lock();
        AtomicBoolean otherGotIt = new AtomicBoolean();
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                if (lock.tryLock(Duration.ofSeconds(20))) {
                    otherGotIt.set(true);
                    c.signal();
                    lock.unlock();
                }
            } catch (InterruptedException ignored) {
                // the test fails on otherGotIt
            }
        });

        boolean signalled = c.await(Duration.ofSeconds(20));
        other.join(20_000);

        assertTrue(otherGotIt.get());
        assertTrue(signalled);
        assertEquals(2, lock.getHoldCount());
        lock.unlock();
        lock.unlock();
    }

    @Test
    void awaitEndsWithInterruptedExceptionWhenInterruptedAndHoldsTheLockAgain() throws Exception {
        ProcessCondition c = newCondition();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        AtomicBoolean heldAfter = new AtomicBoolean();
        Thread waiter = Thread.ofPlatform().start(() -> {
            c.lock().lock();
            try {
                c.await();
                outcome.set(new AssertionError("returned"));
            } catch (Throwable t) {
                outcome.set(t);
            } finally {
                heldAfter.set(((ProcessReentrantLock) c.lock()).isHeldByCurrentThread());
                c.lock().unlock();
            }
        });
        Children.awaitBlocked(waiter);

        waiter.interrupt();
        waiter.join(10_000);

        assertInstanceOf(InterruptedException.class, outcome.get());
        assertTrue(heldAfter.get());
    }

    @Test
    void timedAwaitEndsWithInterruptedExceptionWhenInterrupted() throws Exception {
        ProcessCondition c = newCondition();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            c.lock().lock();
            try {
                c.await(Duration.ofSeconds(30));
                outcome.set(new AssertionError("returned"));
            } catch (Throwable t) {
                outcome.set(t);
            } finally {
                c.lock().unlock();
            }
        });
        Children.awaitBlocked(waiter);

        waiter.interrupt();
        waiter.join(10_000);

        assertInstanceOf(InterruptedException.class, outcome.get());
    }

    @Test
    void awaitUntilEndsWithInterruptedExceptionWhenInterrupted() throws Exception {
        ProcessCondition c = newCondition();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            c.lock().lock();
            try {
                c.awaitUntil(() -> false, Duration.ofSeconds(30));
                outcome.set(new AssertionError("returned"));
            } catch (Throwable t) {
                outcome.set(t);
            } finally {
                c.lock().unlock();
            }
        });
        Children.awaitBlocked(waiter);

        waiter.interrupt();
        waiter.join(10_000);

        assertInstanceOf(InterruptedException.class, outcome.get());
    }

    @Test
    void awaitUninterruptiblyKeepsWaitingThroughAnInterruptAndKeepsTheFlag() throws Exception {
        ProcessCondition c = newCondition();
        AtomicBoolean flagAfter = new AtomicBoolean();
        Thread waiter = Thread.ofPlatform().start(() -> {
            c.lock().lock();
            try {
                c.awaitUninterruptibly();
                flagAfter.set(Thread.currentThread().isInterrupted());
            } finally {
                c.lock().unlock();
            }
        });
        Children.awaitBlocked(waiter);

        waiter.interrupt();
        Children.awaitCondition(() -> !waiter.isInterrupted(), Duration.ofSeconds(5), "the interrupt to be consumed");
        assertTrue(waiter.isAlive(), "an interrupt does not end the wait");
        c.lock().lock();
        try {
            c.signalAll();
        } finally {
            c.lock().unlock();
        }
        waiter.join(10_000);

        assertFalse(waiter.isAlive());
        assertTrue(flagAfter.get());
    }

    @Test
    void awaitUntilReturnsFalseWhenThePredicateStaysFalse() throws Exception {
        ProcessCondition c = newCondition();
        c.lock().lock();
        try {
            assertFalse(c.awaitUntil(() -> false, Duration.ofMillis(100)));
            assertTrue(c.awaitUntil(() -> true, Duration.ZERO));
        } finally {
            c.lock().unlock();
        }
    }

    @Test
    void signalWakesAWaiterInAnotherProcess() throws Exception {
        ProcessCondition c = newCondition();
        SharedLong waiting = newLong();
        SharedLong woken = newLong();
        ChildProcess child = null;
        try {
            child = Children.start(waiter(c, waiting, woken));
            Children.awaitCondition(() -> waiting.get() == 1, Duration.ofSeconds(30), "the child to wait");

            c.lock().lock();
            try {
                c.signal();
            } finally {
                c.lock().unlock();
            }

            Children.awaitSuccess(child, Duration.ofSeconds(30));
            assertEquals(1, woken.get());
        } finally {
            Children.destroy(child);
        }
    }

    @Test
    void signalAllWakesWaitersInEveryProcess() throws Exception {
        ProcessCondition c = newCondition();
        SharedLong waiting = newLong();
        SharedLong woken = newLong();
        ChildProcess a = null;
        ChildProcess b = null;
        try {
            a = Children.start(waiter(c, waiting, woken));
            b = Children.start(waiter(c, waiting, woken));
            Children.awaitCondition(() -> waiting.get() == 2, Duration.ofSeconds(30), "both children to wait");

            c.lock().lock();
            try {
                c.signalAll();
            } finally {
                c.lock().unlock();
            }

            Children.awaitSuccess(a, Duration.ofSeconds(30));
            Children.awaitSuccess(b, Duration.ofSeconds(30));
            assertEquals(2, woken.get());
        } finally {
            Children.destroy(a, b);
        }
    }

    @Test
    void awaitUntilSeesAStateChangedInAnotherProcess() throws Exception {
        ProcessCondition c = newCondition();
        SharedLong items = newLong();
        ChildProcess producer = null;
        try {
            producer = Children.start(() -> {
                c.lock().lock();
                try {
                    items.set(3);
                    c.signalAll();
                } finally {
                    c.lock().unlock();
                }
            });

            c.lock().lock();
            try {
                assertTrue(c.awaitUntil(() -> items.get() == 3, Duration.ofSeconds(30)));
            } finally {
                c.lock().unlock();
            }
            Children.awaitSuccess(producer, Duration.ofSeconds(30));
        } finally {
            Children.destroy(producer);
        }
    }

    @Test
    void aConditionNeedsALockOtherProcessesCanShare() {
        assertThrows(IllegalArgumentException.class, () -> ProcessCondition.create(new ReentrantLock()));
        assertThrows(IllegalArgumentException.class, () -> ProcessCondition.create(null));
    }

    @Test
    void aConditionOnAGivenLockTravelsWithIt() throws Exception {
        ProcessLock lock = cleanup.add(ProcessLock.create(), () -> { });
        cleanup.add(lock, lock::unlink);
        ProcessCondition c = cleanup.add(ProcessCondition.create(lock), () -> { });
        cleanup.add(c, c::unlink);

        ProcessCondition copy = cleanup.closeLater(Children.copy(c));
        copy.lock().lock();

        assertTrue(lock.isHeldByCurrentThread());
        copy.lock().unlock();
        ((ProcessLock) copy.lock()).close();
    }
}
