package multiprocessing4j.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import multiprocessing4j.ChildProcess;
import multiprocessing4j.shared.SharedLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcessReentrantLockTest {
    private final Cleanup cleanup = new Cleanup();

    @AfterEach
    void cleanUp() throws Exception {
        cleanup.close();
    }

    private ProcessReentrantLock newLock() {
        ProcessReentrantLock lock = ProcessReentrantLock.create();
        return cleanup.add(lock, lock::unlink);
    }

    @Test
    void theHolderMayAcquireAgainAndMustReleaseAsOften() throws Exception {
        ProcessReentrantLock lock = newLock();

        lock.lock();
        assertTrue(lock.tryLock());
        assertTrue(lock.tryLock(Duration.ofMillis(1)));
        assertEquals(3, lock.getHoldCount());
        lock.unlock();
        lock.unlock();

        assertTrue(lock.isLocked());
        lock.unlock();
        assertFalse(lock.isLocked());
        assertEquals(0, lock.getHoldCount());
    }

    @Test
    void anotherThreadWaitsUntilEveryHoldIsReleased() throws Exception {
        ProcessReentrantLock lock = newLock();
        lock.lock();
        lock.lock();
        CompletableFuture<Boolean> other = CompletableFuture.supplyAsync(() -> {
            try {
                boolean got = lock.tryLock(Duration.ofSeconds(20));
                lock.unlock();
                return got;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, r -> Thread.ofPlatform().start(r));

        lock.unlock();
        assertFalse(other.isDone() && other.join(), "one hold is still there");
        lock.unlock();

        assertTrue(other.get(20, TimeUnit.SECONDS));
    }

    @Test
    void unlockingWithoutHoldingThrows() {
        ProcessReentrantLock lock = newLock();

        assertThrows(IllegalMonitorStateException.class, lock::unlock);
    }

    @Test
    void aSharedValuesLockIsTheSameLockInAnotherProcess() throws Exception {
        SharedLong value = cleanup.add(SharedLong.create(), () -> { });
        cleanup.add(value, value::unlink);
        value.lock().lock();
        ChildProcess child = null;
        try {
            child = Children.start(() -> {
                if (value.lock().tryLock()) {
                    throw new AssertionError("the child took a lock the parent holds");
                }
            });
            Children.awaitSuccess(child, Duration.ofSeconds(30));
        } finally {
            value.lock().unlock();
            Children.destroy(child);
        }
    }

    @Test
    void aHolderKilledWhileHoldingTwiceIsTakenOverWithOneHold() throws Exception {
        ProcessReentrantLock lock = newLock();
        ProcessEvent locked = cleanup.add(ProcessEvent.create(), () -> { });
        cleanup.add(locked, locked::unlink);
        ChildProcess holder = null;
        try {
            holder = Children.start(() -> {
                lock.lock();
                lock.lock();
                locked.set();
                Thread.sleep(60_000);
            });
            assertTrue(locked.await(Duration.ofSeconds(30)));

            holder.kill();
            assertTrue(lock.tryLock(Duration.ofSeconds(10)));

            assertTrue(lock.previousOwnerDied());
            assertEquals(1, lock.getHoldCount());
            lock.unlock();
            assertFalse(lock.isLocked());
        } finally {
            Children.destroy(holder);
        }
    }
}
