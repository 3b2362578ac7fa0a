package multiprocessing4j.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import multiprocessing4j.sync.Children;
import multiprocessing4j.sync.Cleanup;
import multiprocessing4j.ChildProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SharedValuesTest {
    private final Cleanup cleanup = new Cleanup();

    @AfterEach
    void cleanUp() throws Exception {
        cleanup.close();
    }

    private SharedLong newLong(long initial) {
        SharedLong v = SharedLong.create(initial);
        return cleanup.add(v, v::unlink);
    }

    @Test
    void aSharedLongHasTheUpdatesOfAnAtomicLong() {
        SharedLong v = newLong(5);

        assertEquals(5, v.getAndAdd(2));
        assertEquals(8, v.incrementAndGet());
        assertEquals(8, v.getAndDecrement());
        assertEquals(6, v.decrementAndGet());
        assertEquals(6, v.getAndIncrement());
        assertEquals(17, v.addAndGet(10));
        assertTrue(v.compareAndSet(17, 20));
        assertFalse(v.compareAndSet(17, 21));
        assertEquals(20, v.getAndSet(1));
        assertEquals(3, v.updateAndGet(x -> x * 3));
        assertEquals(3, v.getAndUpdate(x -> x + 1));
        assertEquals(40, v.accumulateAndGet(10, (a, b) -> a * b));
        assertEquals(40, v.getAndAccumulate(2, Long::sum));
        assertEquals(42, v.get());
        v.set(-1);
        assertEquals(-1, v.get());
    }

    @Test
    void aSharedIntHasTheUpdatesOfAnAtomicInteger() {
        SharedInt v = SharedInt.create(7);
        cleanup.add(v, v::unlink);

        assertEquals(7, v.getAndIncrement());
        assertEquals(10, v.addAndGet(2));
        assertTrue(v.compareAndSet(10, 1));
        assertEquals(5, v.accumulateAndGet(4, Integer::sum));
        assertEquals(25, v.updateAndGet(x -> x * x));
        assertEquals(Integer.MIN_VALUE, SharedIntOverflow.wrap(v));
    }

    /** Integer arithmetic wraps as on an {@code int}. */
    private static final class SharedIntOverflow {
        static int wrap(SharedInt v) {
            v.set(Integer.MAX_VALUE);
            return v.incrementAndGet();
        }
    }

    @Test
    void aSharedDoubleUpdatesByCompareAndSetOnTheBits() {
        SharedDouble v = SharedDouble.create(1.5);
        cleanup.add(v, v::unlink);

        assertEquals(1.5, v.getAndAdd(0.25));
        assertEquals(2.75, v.addAndGet(1.0));
        assertTrue(v.compareAndSet(2.75, Double.NaN));
        assertTrue(v.compareAndSet(Double.NaN, 0.0), "NaN matches the same NaN bit pattern");
        assertFalse(v.compareAndSet(-0.0, 1.0), "0.0 and -0.0 differ in their bits");
        assertEquals(4.0, v.updateAndGet(x -> x + 4));
        assertEquals(4.0, v.getAndAccumulate(2, Math::max));
        assertEquals(8.0, v.accumulateAndGet(2, (a, b) -> a * b));
        assertEquals(8.0, v.getAndSet(-3.0));
        assertEquals(-3.0, v.get());
    }

    @Test
    void twoProcessesIncrementingWithoutALockLoseNoUpdate() throws Exception {
        SharedLong v = newLong(0);
        Children.Task work = () -> {
            for (int i = 0; i < 200_000; i++) {
                v.incrementAndGet();
            }
        };
        ChildProcess a = null;
        ChildProcess b = null;
        try {
            a = Children.start(work);
            b = Children.start(work);
            Children.awaitSuccess(a, Duration.ofSeconds(60));
            Children.awaitSuccess(b, Duration.ofSeconds(60));

            assertEquals(400_000, v.get());
        } finally {
            Children.destroy(a, b);
        }
    }

    @Test
    void aValueCapturedInALambdaIsTheSameValueInAnotherProcess() throws Exception {
        SharedDouble d = SharedDouble.create();
        cleanup.add(d, d::unlink);
        SharedInt i = SharedInt.create();
        cleanup.add(i, i::unlink);
        ChildProcess child = null;
        try {
            child = Children.start(() -> {
                d.set(2.5);
                i.set(9);
            });
            Children.awaitSuccess(child, Duration.ofSeconds(30));

            assertEquals(2.5, d.get());
            assertEquals(9, i.get());
        } finally {
            Children.destroy(child);
        }
    }

    @Test
    void theLockIsOneObjectPerHandleAndLivesInTheValuesStorage() throws Exception {
        SharedLong v = newLong(0);
        SharedLong copy = cleanup.closeLater(SharedLong.attach(v.name()));

        assertSame(v.lock(), v.lock());
        v.lock().lock();
        try {
            assertTrue(copy.lock().isLocked());
            assertTrue(copy.lock().isHeldByCurrentThread(), "the same cell, held by this thread");
        } finally {
            v.lock().unlock();
        }
        assertEquals(v.name(), v.lock().name());
    }

    @Test
    void attachingAnotherKindOfObjectFails() {
        SharedLong v = newLong(0);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SharedInt.attach(v.name()));
        assertTrue(e.getMessage().contains("'VLNG'"), e.getMessage());
    }

    @Test
    void aClosedValueThrowsInsteadOfCrashing() {
        SharedLong v = newLong(3);

        v.close();
        v.close();

        assertThrows(IllegalStateException.class, v::get);
    }
}
