package multiprocessing4j.shared;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.time.Duration;

import multiprocessing4j.sync.Children;
import multiprocessing4j.sync.Cleanup;
import multiprocessing4j.ChildProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SharedArraysTest {
    private final Cleanup cleanup = new Cleanup();

    @AfterEach
    void cleanUp() throws Exception {
        cleanup.close();
    }

    @Test
    void aNewArrayHasItsLengthAndZeros() {
        SharedLongArray a = SharedLongArray.create(10);
        cleanup.add(a, a::unlink);

        assertEquals(10, a.length());
        assertEquals(0, a.get(9));
        assertEquals(80, a.segment().byteSize());
    }

    @Test
    void elementsAreReadAndWritten() {
        SharedIntArray a = SharedIntArray.of(1, 2, 3);
        cleanup.add(a, a::unlink);

        a.set(1, 20);
        a.setVolatile(2, 30);

        assertArrayEquals(new int[] {1, 20, 30}, a.toArray());
        assertEquals(30, a.getVolatile(2));
    }

    @Test
    void longAndIntElementsHaveAtomicUpdates() {
        SharedLongArray l = SharedLongArray.create(2);
        cleanup.add(l, l::unlink);
        SharedIntArray i = SharedIntArray.create(2);
        cleanup.add(i, i::unlink);

        assertEquals(0, l.getAndAdd(1, 5));
        assertEquals(6, l.incrementAndGet(1));
        assertTrue(l.compareAndSet(1, 6, 7));
        assertFalse(l.compareAndSet(1, 6, 8));
        assertEquals(14, l.updateAndGet(1, x -> x * 2));
        assertEquals(14, l.getAndAccumulate(1, 1, Long::sum));
        assertEquals(15, l.getAndSet(1, 0));
        assertEquals(0, l.get(0));
        assertEquals(-1, i.decrementAndGet(0));
        assertEquals(9, i.accumulateAndGet(0, 10, Integer::sum));
        assertEquals(9, i.getAndUpdate(0, x -> 0));
        assertEquals(0, i.get(0));
    }

    @Test
    void bulkCopiesHonourTheirOffsets() {
        SharedDoubleArray a = SharedDoubleArray.create(6);
        cleanup.add(a, a::unlink);

        a.copyFrom(new double[] {9, 1, 2, 3, 9}, 1, 2, 3);
        double[] out = new double[5];
        a.copyTo(1, out, 2, 3);

        assertArrayEquals(new double[] {0, 0, 1, 2, 3, 0}, a.toArray());
        assertArrayEquals(new double[] {0, 0, 0, 1, 2}, out);
    }

    @Test
    void badIndicesAndRangesAreRejected() {
        SharedByteArray a = SharedByteArray.create(4);
        cleanup.add(a, a::unlink);

        assertThrows(IndexOutOfBoundsException.class, () -> a.get(4));
        assertThrows(IndexOutOfBoundsException.class, () -> a.set(-1, (byte) 0));
        assertThrows(IndexOutOfBoundsException.class, () -> a.copyFrom(new byte[3], 0, 2, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> a.copyTo(0, new byte[2], 0, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> a.copyFrom(new byte[5]));
        assertThrows(IllegalArgumentException.class, () -> SharedByteArray.create(-1));
    }

    @Test
    void anEmptyArrayIsAllowed() {
        SharedIntArray a = SharedIntArray.create(0);
        cleanup.add(a, a::unlink);

        assertEquals(0, a.length());
        assertEquals(0, a.toArray().length);
    }

    @Test
    void anArrayCapturedInALambdaIsFilledByAnotherProcess() throws Exception {
        SharedDoubleArray a = SharedDoubleArray.create(1000);
        cleanup.add(a, a::unlink);
        SharedByteArray bytes = SharedByteArray.create(3);
        cleanup.add(bytes, bytes::unlink);
        ChildProcess child = null;
        try {
            child = Children.start(() -> {
                double[] values = new double[1000];
                for (int i = 0; i < values.length; i++) {
                    values[i] = i * 0.5;
                }
                a.copyFrom(values);
                bytes.copyFrom(new byte[] {1, 2, 3});
            });
            Children.awaitSuccess(child, Duration.ofSeconds(30));

            assertEquals(499.5, a.get(999));
            assertEquals(499.5, a.segment().getAtIndex(ValueLayout.JAVA_DOUBLE, 999));
            assertArrayEquals(new byte[] {1, 2, 3}, bytes.toArray());
        } finally {
            Children.destroy(child);
        }
    }

    @Test
    void elementAtomicsFromTwoProcessesLoseNoUpdate() throws Exception {
        SharedIntArray a = SharedIntArray.create(4);
        cleanup.add(a, a::unlink);
        Children.Task work = () -> {
            for (int i = 0; i < 100_000; i++) {
                a.getAndAdd(i & 3, 1);
            }
        };
        ChildProcess x = null;
        ChildProcess y = null;
        try {
            x = Children.start(work);
            y = Children.start(work);
            Children.awaitSuccess(x, Duration.ofSeconds(60));
            Children.awaitSuccess(y, Duration.ofSeconds(60));

            assertArrayEquals(new int[] {50_000, 50_000, 50_000, 50_000}, a.toArray());
        } finally {
            Children.destroy(x, y);
        }
    }

    @Test
    void compoundUpdatesUnderTheArraysLockFromTwoProcessesStayConsistent() throws Exception {
        SharedLongArray a = SharedLongArray.create(2);
        cleanup.add(a, a::unlink);
        Children.Task work = () -> {
            for (int i = 0; i < 50_000; i++) {
                a.lock().lock();
                try {
                    a.set(0, a.get(0) + 1);
                    a.set(1, a.get(1) - 1);
                } finally {
                    a.lock().unlock();
                }
            }
        };
        ChildProcess x = null;
        ChildProcess y = null;
        try {
            x = Children.start(work);
            y = Children.start(work);
            Children.awaitSuccess(x, Duration.ofSeconds(60));
            Children.awaitSuccess(y, Duration.ofSeconds(60));

            assertArrayEquals(new long[] {100_000, -100_000}, a.toArray());
        } finally {
            Children.destroy(x, y);
        }
    }

    @Test
    void aClosedArrayThrowsInsteadOfCrashing() {
        SharedLongArray a = SharedLongArray.create(2);
        cleanup.add(a, a::unlink);

        a.close();
        a.close();

        assertThrows(IllegalStateException.class, () -> a.get(0));
        assertThrows(IllegalStateException.class, a::segment);
    }
}
