package multiprocessing4j.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Queues, locks, conditions, semaphores, events and barriers through proxies, from several threads. */
class ManagerSynchronizationTest {
    private static final byte[] KEY = "sync-test-key".getBytes(StandardCharsets.UTF_8);

    private Manager manager;

    @BeforeEach
    void start() {
        manager = Manager.serve(KEY);
    }

    @AfterEach
    void stop() {
        manager.close();
    }

    private static void awaitCondition(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    private static boolean truth(CompletableFuture<Boolean> f) throws Exception {
        return within(f);
    }

    private static <T> T within(CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void takeWaitsForAPutFromAnotherThread() throws Exception {
        BlockingQueue<String> queue = manager.queue();

        CompletableFuture<String> taken = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        queue.put("item");

        assertEquals("item", within(taken));
    }

    @Test
    void blockedTakeDoesNotStallOtherClients() throws Exception {
        BlockingQueue<String> queue = manager.queue();
        CompletableFuture<String> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.poll(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        List<Integer> list = manager.list();
        list.add(1);

        assertEquals(1, list.size());
        queue.put("release");
        assertEquals("release", within(blocked));
    }

    @Test
    void timedPollReturnsNullWhenEmpty() throws Exception {
        BlockingQueue<String> queue = manager.queue();

        assertNull(queue.poll(100, TimeUnit.MILLISECONDS));
        assertNull(queue.poll());
    }

    @Test
    void takeHonoursInterruption() throws Exception {
        BlockingQueue<String> queue = manager.queue();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread taker = Thread.ofPlatform().start(() -> {
            try {
                queue.take();
            } catch (Throwable t) {
                outcome.set(t);
            }
        });

        taker.interrupt();
        taker.join(10_000);

        assertTrue(outcome.get() instanceof InterruptedException, String.valueOf(outcome.get()));
    }

    @Test
    void boundedQueueRefusesOfferWhenFull() throws Exception {
        BlockingQueue<Integer> queue = manager.queue(1);

        assertTrue(queue.offer(1));
        assertFalse(queue.offer(2));
        assertFalse(queue.offer(2, 50, TimeUnit.MILLISECONDS));
        assertEquals(0, queue.remainingCapacity());
    }

    @Test
    void drainToTakesEverything() {
        BlockingQueue<Integer> queue = manager.queue();
        queue.addAll(List.of(1, 2, 3));

        List<Integer> out = new ArrayList<>();
        assertEquals(3, queue.drainTo(out));

        assertEquals(List.of(1, 2, 3), out);
        assertTrue(queue.isEmpty());
    }

    @Test
    void joinableQueueJoinWaitsForEveryTaskDone() throws Exception {
        JoinableQueue<String> queue = manager.joinableQueue();
        queue.put("a");
        queue.put("b");

        assertFalse(queue.join(Duration.ofMillis(50)));
        CompletableFuture<Void> consumer = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 2; i++) {
                try {
                    queue.take();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                queue.taskDone();
            }
        });

        assertTrue(queue.join(Duration.ofSeconds(10)));
        within(consumer);
        assertThrows(IllegalStateException.class, queue::taskDone);
    }

    @Test
    void lockExcludesOtherThreads() throws Exception {
        Lock lock = manager.lock();
        lock.lock();
        try {
            CompletableFuture<Boolean> other = CompletableFuture.supplyAsync(lock::tryLock);
            assertFalse(truth(other));
        } finally {
            lock.unlock();
        }
        CompletableFuture<Boolean> after = CompletableFuture.supplyAsync(() -> {
            boolean got = lock.tryLock();
            if (got) {
                lock.unlock();
            }
            return got;
        });
        assertTrue(truth(after));
    }

    @Test
    void unlockByANonOwnerThrows() throws Exception {
        Lock lock = manager.lock();
        lock.lock();
        try {
            CompletableFuture<Void> other = CompletableFuture.runAsync(lock::unlock);
            ExecutionException e = assertThrows(ExecutionException.class, () -> within(other));
            assertTrue(e.getCause() instanceof IllegalMonitorStateException, String.valueOf(e.getCause()));
        } finally {
            lock.unlock();
        }
    }

    @Test
    void nonReentrantLockTakenTwiceThrowsInsteadOfDeadlocking() {
        Lock lock = manager.lock();
        lock.lock();
        try {
            assertThrows(IllegalStateException.class, lock::lock);
        } finally {
            lock.unlock();
        }
    }

    @Test
    void reentrantLockCountsHolds() throws Exception {
        Lock lock = manager.reentrantLock();
        lock.lock();
        lock.lock();
        lock.unlock();

        assertFalse(truth(CompletableFuture.supplyAsync(lock::tryLock)));
        lock.unlock();
    }

    @Test
    void timedTryLockGivesUp() throws Exception {
        Lock lock = manager.lock();
        lock.lock();
        try {
            CompletableFuture<Boolean> other = CompletableFuture.supplyAsync(() -> {
                try {
                    return lock.tryLock(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertFalse(truth(other));
        } finally {
            lock.unlock();
        }
    }

    @Test
    void lockHeldByAClientThatGoesAwayIsReleased() throws Exception {
        Lock lock = manager.lock();
        Manager client = Manager.connect(manager.address(), KEY);
        CountDownLatch held = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().start(() -> {
            Lock mine = lockOf(client, lock);
            mine.lock();
            held.countDown();
        });
        assertTrue(held.await(10, TimeUnit.SECONDS));
        holder.join(10_000);
        assertFalse(lock.tryLock());

        client.close();

        awaitCondition(() -> {
            boolean got = lock.tryLock();
            if (got) {
                lock.unlock();
            }
            return got;
        }, "the lock to be released");
    }

    /** The same lock as seen through another manager client. */
    @SuppressWarnings("unchecked")
    private static Lock lockOf(Manager client, Lock lock) {
        List<Object> carrier = client.list();
        carrier.add(lock);
        return (Lock) carrier.get(0);
    }

    @Test
    void lockInterruptiblyHonoursInterruption() throws Exception {
        Lock lock = manager.lock();
        lock.lock();
        try {
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread waiter = Thread.ofPlatform().start(() -> {
                try {
                    lock.lockInterruptibly();
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            waiter.interrupt();
            waiter.join(10_000);
            assertTrue(outcome.get() instanceof InterruptedException, String.valueOf(outcome.get()));
        } finally {
            lock.unlock();
        }
    }

    @Test
    void conditionSignalWakesAWaiter() throws Exception {
        ManagedCondition condition = manager.condition();
        ManagedValue<Boolean> ready = manager.value(false);
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            condition.lock();
            try {
                while (!ready.get()) {
                    if (!condition.await(10, TimeUnit.SECONDS)) {
                        return false;
                    }
                }
                return true;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                condition.unlock();
            }
        });

        condition.lock();
        try {
            ready.set(true);
            condition.signalAll();
        } finally {
            condition.unlock();
        }

        assertTrue(truth(waiter));
    }

    @Test
    void awaitWithoutTheLockThrows() {
        ManagedCondition condition = manager.condition();

        assertThrows(IllegalMonitorStateException.class, () -> condition.await(10, TimeUnit.MILLISECONDS));
    }

    @Test
    void newConditionOfALockWorks() throws Exception {
        Lock lock = manager.reentrantLock();
        Condition condition = lock.newCondition();
        lock.lock();
        try {
            assertFalse(condition.await(50, TimeUnit.MILLISECONDS));
        } finally {
            lock.unlock();
        }
    }

    @Test
    void semaphoreCountsPermits() throws Exception {
        ManagedSemaphore semaphore = manager.semaphore(2);

        assertTrue(semaphore.tryAcquire());
        assertTrue(semaphore.tryAcquire(Duration.ofMillis(10)));
        assertFalse(semaphore.tryAcquire(Duration.ofMillis(50)));
        semaphore.release(2);
        assertEquals(2, semaphore.availablePermits());
        semaphore.release();
        assertEquals(3, semaphore.availablePermits());
    }

    @Test
    void boundedSemaphoreRefusesReleaseBeyondItsBound() {
        ManagedSemaphore semaphore = manager.boundedSemaphore(1);

        IllegalStateException e = assertThrows(IllegalStateException.class, semaphore::release);
        assertTrue(e.getMessage().contains("released too many times"), e.getMessage());
    }

    @Test
    void boundedSemaphorePermitsOfAClientThatGoesAwayAreReturned() throws Exception {
        ManagedSemaphore semaphore = manager.boundedSemaphore(1);
        Manager client = Manager.connect(manager.address(), KEY);
        List<Object> carrier = client.list();
        carrier.add(semaphore);
        ManagedSemaphore theirs = (ManagedSemaphore) carrier.get(0);
        assertTrue(theirs.tryAcquire());
        assertEquals(0, semaphore.availablePermits());

        client.close();

        awaitCondition(() -> semaphore.availablePermits() == 1, "the permit to come back");
    }

    @Test
    void eventReleasesWaiters() throws Exception {
        ManagedEvent event = manager.event();
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return event.await(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        event.set();

        assertTrue(truth(waiter));
        assertTrue(event.isSet());
        event.clear();
        assertFalse(event.await(Duration.ofMillis(20)));
    }

    @Test
    void barrierReleasesAllPartiesTogether() throws Exception {
        ManagedBarrier barrier = manager.barrier(3);
        List<CompletableFuture<Integer>> parties = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            parties.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return barrier.await(Duration.ofSeconds(10));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, r -> Thread.ofPlatform().start(r)));
        }

        List<Integer> indexes = new ArrayList<>();
        for (CompletableFuture<Integer> p : parties) {
            indexes.add(within(p));
        }
        indexes.sort(null);
        assertEquals(List.of(0, 1, 2), indexes);
    }

    @Test
    void barrierTimeoutBreaksItForTheOthers() throws Exception {
        ManagedBarrier barrier = manager.barrier(3);

        assertThrows(TimeoutException.class, () -> barrier.await(Duration.ofMillis(50)));
        assertTrue(barrier.isBroken());
        assertThrows(BrokenBarrierException.class, barrier::await);
        barrier.reset();
        assertFalse(barrier.isBroken());
    }
}
