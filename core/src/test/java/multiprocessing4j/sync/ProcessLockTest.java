package multiprocessing4j.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import multiprocessing4j.ChildProcess;
import multiprocessing4j.shared.SharedLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcessLockTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<Runnable> toUnlink = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (Runnable r : toUnlink) {
            r.run();
        }
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private ProcessLock newLock() {
        ProcessLock lock = ProcessLock.create();
        toUnlink.add(lock::unlink);
        toClose.add(lock);
        return lock;
    }

    private SharedLong newLong() {
        SharedLong v = SharedLong.create();
        toUnlink.add(v::unlink);
        toClose.add(v);
        return v;
    }

    private ProcessEvent newEvent() {
        ProcessEvent e = ProcessEvent.create();
        toUnlink.add(e::unlink);
        toClose.add(e);
        return e;
    }

    private static <T> T inOtherThread(java.util.concurrent.Callable<T> body) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                f.complete(body.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f.get(20, TimeUnit.SECONDS);
    }

    @Test
    void aFreeLockIsAcquiredAndReleased() {
        ProcessLock lock = newLock();

        lock.lock();
        assertTrue(lock.isHeldByCurrentThread());
        assertTrue(lock.isLocked());
        lock.unlock();

        assertFalse(lock.isLocked());
    }

    @Test
    void anotherThreadOfTheSameProcessCannotTakeAHeldLock() throws Exception {
        ProcessLock lock = newLock();
        lock.lock();

        boolean taken = inOtherThread(lock::tryLock);

        assertFalse(taken);
        lock.unlock();
    }

    @Test
    void itIsNotReentrantAndRefusesToDeadlockItsHolder() {
        ProcessLock lock = newLock();
        lock.lock();

        assertFalse(lock.tryLock(), "the holder cannot take it again");
        IllegalMonitorStateException e = assertThrows(IllegalMonitorStateException.class, lock::lock);
        assertThrows(IllegalMonitorStateException.class, () -> lock.tryLock(Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains("not reentrant"), e.getMessage());
        assertTrue(lock.isHeldByCurrentThread());
        lock.unlock();
    }

    @Test
    void unlockingALockNobodyHoldsThrows() {
        ProcessLock lock = newLock();

        IllegalMonitorStateException e = assertThrows(IllegalMonitorStateException.class, lock::unlock);
        assertTrue(e.getMessage().contains("nobody holds it"), e.getMessage());
    }

    @Test
    void unlockingALockAnotherThreadHoldsThrows() throws Exception {
        ProcessLock lock = newLock();
        lock.lock();

        Throwable t = inOtherThread(() -> {
            try {
                lock.unlock();
                return null;
            } catch (IllegalMonitorStateException e) {
                return e;
            }
        });

        assertInstanceOf(IllegalMonitorStateException.class, t);
        assertTrue(lock.isHeldByCurrentThread());
        lock.unlock();
    }

    @Test
    void tryLockWithATimeoutGivesUpWhenTheLockStaysHeld() throws Exception {
        ProcessLock lock = newLock();
        lock.lock();

        boolean taken = inOtherThread(() -> lock.tryLock(Duration.ofMillis(150)));
        boolean takenWithUnit = inOtherThread(() -> lock.tryLock(80, TimeUnit.MILLISECONDS));

        assertFalse(taken);
        assertFalse(takenWithUnit);
        lock.unlock();
    }

    @Test
    void aWaitingThreadGetsTheLockWhenItIsReleased() throws Exception {
        ProcessLock lock = newLock();
        lock.lock();
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                boolean got = lock.tryLock(Duration.ofSeconds(20));
                lock.unlock();
                return got;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, r -> Thread.ofPlatform().start(r));

        lock.unlock();

        assertTrue(waiter.get(20, TimeUnit.SECONDS));
    }

    @Test
    void lockInterruptiblyEndsWithInterruptedExceptionWhenInterrupted() throws Exception {
        ProcessLock lock = newLock();
        lock.lock();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                lock.lockInterruptibly();
                outcome.set(new AssertionError("acquired"));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        Children.awaitBlocked(waiter);

        waiter.interrupt();
        waiter.join(10_000);

        assertInstanceOf(InterruptedException.class, outcome.get());
        lock.unlock();
    }

    @Test
    void timedTryLockEndsWithInterruptedExceptionWhenInterrupted() throws Exception {
        ProcessLock lock = newLock();
        lock.lock();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().name("idle-lock-wait").start(() -> {
            try {
                lock.tryLock(Duration.ofSeconds(30));
                outcome.set(new AssertionError("returned"));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        Children.awaitBlocked(waiter);

        waiter.interrupt();
        waiter.join(10_000);

        assertInstanceOf(InterruptedException.class, outcome.get());
        lock.unlock();
    }

    @Test
    void lockIgnoresAnInterruptButKeepsTheFlag() throws Exception {
        ProcessLock lock = newLock();
        lock.lock();
        AtomicBoolean flagAfterLock = new AtomicBoolean();
        Thread waiter = Thread.ofPlatform().start(() -> {
            lock.lock();
            flagAfterLock.set(Thread.currentThread().isInterrupted());
            lock.unlock();
        });
        Children.awaitBlocked(waiter);

        waiter.interrupt();
        Children.awaitCondition(() -> !waiter.isInterrupted() || waiter.getState() != Thread.State.RUNNABLE,
                Duration.ofSeconds(5), "the interrupt to be seen");
        lock.unlock();
        waiter.join(10_000);

        assertFalse(waiter.isAlive());
        assertTrue(flagAfterLock.get(), "the interrupt is re-asserted once the lock is acquired");
    }

    @Test
    void fourProcessesIncrementingUnderTheLockLoseNoUpdate() throws Exception {
        ProcessLock lock = newLock();
        SharedLong counter = newLong();
        int perChild = 250_000;
        Children.Task work = () -> {
            for (int i = 0; i < perChild; i++) {
                lock.lock();
                try {
                    counter.set(counter.get() + 1);
                } finally {
                    lock.unlock();
                }
            }
        };
        ChildProcess[] children = new ChildProcess[4];
        try {
            for (int i = 0; i < children.length; i++) {
                children[i] = Children.start(work);
            }
            for (ChildProcess child : children) {
                Children.awaitSuccess(child, Duration.ofSeconds(60));
            }

            assertEquals(4L * perChild, counter.get());
        } finally {
            Children.destroy(children);
        }
    }

    @Test
    void threadsOfSeveralProcessesContendCorrectly() throws Exception {
        ProcessLock lock = newLock();
        SharedLong counter = newLong();
        int perThread = 50_000;
        Children.Task twoThreads = () -> {
            Runnable work = () -> {
                for (int i = 0; i < perThread; i++) {
                    lock.lock();
                    try {
                        counter.set(counter.get() + 1);
                    } finally {
                        lock.unlock();
                    }
                }
            };
            Thread a = Thread.ofPlatform().start(work);
            Thread b = Thread.ofPlatform().start(work);
            a.join();
            b.join();
        };
        ChildProcess[] children = new ChildProcess[2];
        try {
            for (int i = 0; i < children.length; i++) {
                children[i] = Children.start(twoThreads);
            }
            twoThreads.run();
            for (ChildProcess child : children) {
                Children.awaitSuccess(child, Duration.ofSeconds(60));
            }

            assertEquals(6L * perThread, counter.get());
        } finally {
            Children.destroy(children);
        }
    }

    @Test
    void aLockWhoseHolderWasKilledIsTakenOverAndTheNewOwnerIsTold() throws Exception {
        ProcessLock lock = newLock();
        ProcessEvent locked = newEvent();
        ProcessEvent never = newEvent();
        ChildProcess holder = null;
        try {
            holder = Children.start(() -> {
                lock.lock();
                locked.set();
                never.await(Duration.ofSeconds(60));
            });
            assertTrue(locked.await(Duration.ofSeconds(30)), "the child never took the lock");
            assertFalse(lock.tryLock(), "the child holds the lock");

            holder.kill();
            holder.join(Duration.ofSeconds(10));
            boolean taken = lock.tryLock(Duration.ofSeconds(10));

            assertTrue(taken);
            assertTrue(lock.previousOwnerDied());
            lock.unlock();
            lock.lock();
            assertFalse(lock.previousOwnerDied(), "a normal acquisition after that is not flagged");
            lock.unlock();
        } finally {
            Children.destroy(holder);
        }
    }

    @Test
    void aThreadAlreadyWaitingWhenTheHolderIsKilledTakesTheLockOver() throws Exception {
        ProcessLock lock = newLock();
        ProcessEvent locked = newEvent();
        ProcessEvent never = newEvent();
        ChildProcess holder = null;
        try {
            holder = Children.start(() -> {
                lock.lock();
                locked.set();
                never.await(Duration.ofSeconds(60));
            });
            assertTrue(locked.await(Duration.ofSeconds(30)), "the child never took the lock");
            CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
                lock.lock();
                boolean died = lock.previousOwnerDied();
                lock.unlock();
                return died;
            }, r -> Thread.ofPlatform().start(r));

            holder.kill();

            assertTrue(waiter.get(20, TimeUnit.SECONDS));
        } finally {
            Children.destroy(holder);
        }
    }

    @Test
    void previousOwnerDiedNeedsTheLock() {
        ProcessLock lock = newLock();

        assertThrows(IllegalMonitorStateException.class, lock::previousOwnerDied);
    }

    @Test
    void anIdleWaiterUsesNoCpu() throws Exception {
        ProcessLock lock = newLock();
        lock.lock();
        Thread waiter = Thread.ofPlatform().name("idle-lock-wait").start(() -> {
            try {
                lock.tryLock(Duration.ofSeconds(30));
            } catch (InterruptedException ignored) {
                // ended by the test
            }
        });
        try {
            Children.awaitBlocked(waiter);
            long before = Children.cpuNanos(waiter);
            Thread.sleep(1000);
            long used = Children.cpuNanos(waiter) - before;

            assertTrue(used < TimeUnit.MILLISECONDS.toNanos(50), "the waiter used " + used / 1000 + " us of CPU in a second");
        } finally {
            waiter.interrupt();
            waiter.join(10_000);
            lock.unlock();
        }
    }

    @Test
    void aCopyOfTheHandleIsTheSameLock() throws Exception {
        ProcessLock lock = newLock();
        ProcessLock copy = Children.copy(lock);
        toClose.add(copy);

        copy.lock();

        assertTrue(lock.isLocked());
        assertTrue(lock.isHeldByCurrentThread(), "same process, same thread: the copy's holding is this thread's");
        lock.unlock();
        assertFalse(copy.isLocked());
    }

    @Test
    void newConditionIsBoundToThisLock() throws Exception {
        ProcessLock lock = newLock();
        ProcessCondition condition = lock.newCondition();
        toUnlink.add(condition::unlink);
        toClose.add(condition);

        lock.lock();
        boolean signalled = condition.await(Duration.ofMillis(50));
        lock.unlock();

        assertFalse(signalled);
        assertEquals(lock, condition.lock());
    }

    @Test
    void closingTwiceIsHarmless() {
        ProcessLock lock = newLock();

        lock.close();
        lock.close();
    }
}
