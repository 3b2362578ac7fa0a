package multiprocessing4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import multiprocessing4j.internal.codec.Codecs;
import multiprocessing4j.internal.codec.NotSerializableValueException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcessQueueTest {
    private final List<ProcessQueue<?>> queues = new ArrayList<>();

    private <E> ProcessQueue<E> track(ProcessQueue<E> q) {
        queues.add(q);
        return q;
    }

    @AfterEach
    void closeQueues() {
        queues.forEach(ProcessQueue::close);
    }

    @Test
    void messagesComeOutInTheOrderTheyWentIn() throws Exception {
        ProcessQueue<Integer> q = track(ProcessQueue.create(10));

        for (int i = 0; i < 25; i++) {
            q.put(i);
            assertEquals(i, q.take());
        }
        for (int i = 0; i < 10; i++) {
            q.put(i);
        }

        for (int i = 0; i < 10; i++) {
            assertEquals(i, q.take());
        }
    }

    @Test
    void offerOnAFullQueueReturnsFalse() {
        ProcessQueue<String> q = track(ProcessQueue.create(2));
        assertTrue(q.offer("a"));
        assertTrue(q.offer("b"));

        assertFalse(q.offer("c"));
        assertEquals(0, q.remainingCapacity());
    }

    @Test
    void timedOfferOnAFullQueueTimesOut() throws Exception {
        ProcessQueue<String> q = track(ProcessQueue.create(1));
        q.put("a");
        long start = System.nanoTime();

        assertFalse(q.offer("b", Duration.ofMillis(150)));

        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(150));
        assertFalse(q.offer("b", 0, TimeUnit.SECONDS));
    }

    @Test
    void timedPollOnAnEmptyQueueTimesOutWithNull() throws Exception {
        ProcessQueue<String> q = track(ProcessQueue.create(4));
        long start = System.nanoTime();

        assertNull(q.poll(Duration.ofMillis(150)));

        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(150));
        assertNull(q.poll());
        assertNull(q.poll(10, TimeUnit.MILLISECONDS));
    }

    @Test
    void putBlocksWhileFullAndResumesWhenSomethingIsTaken() throws Exception {
        ProcessQueue<Integer> q = track(ProcessQueue.create(2));
        q.put(1);
        q.put(2);
        CompletableFuture<Void> putter = CompletableFuture.runAsync(() -> {
            try {
                q.put(3);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThrows(java.util.concurrent.TimeoutException.class, () -> putter.get(200, TimeUnit.MILLISECONDS));

        assertEquals(1, q.take());

        putter.get(10, TimeUnit.SECONDS);
        assertEquals(2, q.take());
        assertEquals(3, q.take());
    }

    @Test
    void aProducerBlockedOnALargeFullQueueResumesWhenASingleSlotIsFreed() throws Exception {
        ProcessQueue<Integer> q = track(ProcessQueue.create(64));
        for (int i = 0; i < 64; i++) {
            q.put(i);
        }
        CompletableFuture<Void> putter = CompletableFuture.runAsync(() -> {
            try {
                q.put(64);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThrows(java.util.concurrent.TimeoutException.class, () -> putter.get(200, TimeUnit.MILLISECONDS));

        assertEquals(0, q.take());

        putter.get(10, TimeUnit.SECONDS);
        for (int i = 1; i <= 64; i++) {
            assertEquals(i, q.take());
        }
    }

    @Test
    void takeBlocksUntilAMessageArrives() throws Exception {
        ProcessQueue<String> q = track(ProcessQueue.create(2));
        CompletableFuture<String> taker = CompletableFuture.supplyAsync(() -> {
            try {
                return q.take();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThrows(java.util.concurrent.TimeoutException.class, () -> taker.get(200, TimeUnit.MILLISECONDS));

        q.put("hello");

        assertEquals("hello", taker.get(10, TimeUnit.SECONDS));
    }

    @Test
    void interruptingABlockedTakeThrowsInterruptedException() throws Exception {
        ProcessQueue<String> q = track(ProcessQueue.create(2));
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread taker = Thread.ofPlatform().start(() -> {
            try {
                q.take();
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        awaitState(taker);

        taker.interrupt();

        assertTrue(outcome.get(10, TimeUnit.SECONDS) instanceof InterruptedException);
        q.put("still works");
        assertEquals("still works", q.take());
    }

    @Test
    void interruptingABlockedPutThrowsAndPutsNothing() throws Exception {
        ProcessQueue<String> q = track(ProcessQueue.create(1));
        q.put("first");
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread putter = Thread.ofPlatform().start(() -> {
            try {
                q.put("second");
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        awaitState(putter);

        putter.interrupt();

        assertTrue(outcome.get(10, TimeUnit.SECONDS) instanceof InterruptedException);
        assertEquals("first", q.take());
        assertNull(q.poll());
    }

    @Test
    void aMessageThatCannotBeSerializedFailsAtPutNamingItsClass() {
        ProcessQueue<Object> q = track(ProcessQueue.create(4));

        NotSerializableValueException e = assertThrows(NotSerializableValueException.class, () -> q.put(new Thread()));

        assertTrue(e.getMessage().contains("java.lang.Thread"), e.getMessage());
        assertThrows(NotSerializableValueException.class, () -> q.offer(new Object()));
        assertEquals(0, q.size());
    }

    @Test
    void messagesOfEveryKindComeBackExactlyWithTheirClasses() throws Exception {
        ProcessQueue<Object> q = track(ProcessQueue.create(64));
        List<Object> sent = MessageKinds.all();
        for (Object m : sent) {
            q.put(m);
        }

        for (int i = 0; i < sent.size(); i++) {
            MessageKinds.assertSame(sent.get(i), q.take(), MessageKinds.describe(sent.get(i), i));
        }
        assertEquals(0, sideSegments());
    }

    @Test
    void nullIsRefused() {
        ProcessQueue<Object> q = track(ProcessQueue.create(4));

        assertThrows(NullPointerException.class, () -> q.put(null));
        assertThrows(NullPointerException.class, () -> q.offer(null));
    }

    @Test
    void largeMessagesMixWithSmallOnesInOrderAndLeaveNoSideSegment() throws Exception {
        ProcessQueue<byte[]> q = track(ProcessQueue.create(8));
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            byte[] m = new byte[i % 2 == 0 ? 10 : 300_000 + i];
            java.util.Arrays.fill(m, (byte) i);
            sent.add(m);
            q.put(m);
        }
        long before = sideSegments();

        for (byte[] expected : sent) {
            assertArrayEquals(expected, q.take());
        }

        assertTrue(before >= 4, "large messages travel in side segments");
        assertEquals(0, sideSegments(), "takers unlink the side segments");
    }

    @Test
    void sizeAndRemainingCapacityFollowPutsAndTakes() throws Exception {
        ProcessQueue<Integer> q = track(ProcessQueue.create(5));
        assertTrue(q.isEmpty());

        q.put(1);
        q.put(2);

        assertEquals(2, q.size());
        assertEquals(3, q.remainingCapacity());
        assertEquals(5, q.capacity());
        q.take();
        assertEquals(1, q.size());
    }

    @Test
    void drainToTakesWhatIsThereUpToTheLimit() throws Exception {
        ProcessQueue<Integer> q = track(ProcessQueue.create(10));
        for (int i = 0; i < 6; i++) {
            q.put(i);
        }
        List<Integer> out = new ArrayList<>();

        assertEquals(4, q.drainTo(out, 4));
        assertEquals(2, q.drainTo(out));

        assertEquals(List.of(0, 1, 2, 3, 4, 5), out);
        assertThrows(IllegalArgumentException.class, () -> q.drainTo(q));
    }

    @Test
    void peekAndIterationAreRefusedWithAReason() {
        ProcessQueue<Integer> q = track(ProcessQueue.create(2));

        assertThrows(UnsupportedOperationException.class, q::peek);
        assertThrows(UnsupportedOperationException.class, q::iterator);
    }

    @Test
    void aClosedQueueRefusesUseAndClosingTwiceIsHarmless() {
        ProcessQueue<Integer> q = ProcessQueue.create(2);
        q.close();
        q.close();

        assertThrows(IllegalStateException.class, () -> q.offer(1));
        assertThrows(IllegalStateException.class, q::poll);
    }

    @Test
    void badCapacityIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> ProcessQueue.create(0));
        assertThrows(IllegalArgumentException.class, () -> ProcessQueue.create(ProcessQueue.MAX_CAPACITY + 1));
    }

    @Test
    void aHandleSerializedWithJdkSerializationAttachesToTheSameQueue() throws Exception {
        ProcessQueue<String> q = track(ProcessQueue.create(4));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(q);
        }
        @SuppressWarnings("unchecked")
        ProcessQueue<String> copy = (ProcessQueue<String>) new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())).readObject();
        track(copy);

        copy.put("via the copy");

        assertEquals("via the copy", q.take());
        assertEquals(q.name(), copy.name());
    }

    @Test
    void aHandleCapturedInALambdaAttachesThroughTheDefaultCodec() throws Exception {
        ProcessQueue<String> q = track(ProcessQueue.create(4));
        SerializableRunnable task = () -> {
            try {
                q.put("from the lambda");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        };

        SerializableRunnable copy = (SerializableRunnable) Codecs.defaultCodec().decode(Codecs.defaultCodec().encode(task));
        copy.run();

        assertEquals("from the lambda", q.take());
    }

    static long sideSegments() throws IOException {
        long count = 0;
        try (Stream<Path> files = Files.list(Path.of("/dev/shm"))) {
            for (Path p : (Iterable<Path>) files::iterator) {
                try (var ch = java.nio.channels.FileChannel.open(p)) {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(32).order(java.nio.ByteOrder.nativeOrder());
                    ch.read(b);
                    // Only this test tree's side segments (header: kind at 12, root pid at 24).
                    if (b.position() == 32 && b.getInt(12) == multiprocessing4j.internal.ipc.MpmcRingDescriptor.LARGE_MESSAGE_KIND
                            && b.getLong(24) == multiprocessing4j.internal.platform.ProcessTree.rootPid()) {
                        count++;
                    }
                } catch (IOException ignored) {
                    // Not ours or gone.
                }
            }
        }
        return count;
    }

    static void awaitState(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // Blocked in a futex system call, a thread shows RUNNABLE; an interrupt before it blocks is honoured too.
        while (t.getState() == Thread.State.NEW && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }
}
