package multiprocessing4j.internal.ipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SpscRingTest {
    private static final long SECONDS_5 = TimeUnit.SECONDS.toNanos(5);
    private final Arena arena = Arena.ofShared();
    private final SpscRing ring = SpscRing.initialise(arena.allocate(SpscRingDescriptor.regionLength(4096), 64), 4096);

    @AfterEach
    void free() {
        arena.close();
    }

    @Test
    void recordsWrapAroundTheEndOfTheDataArea() throws Exception {
        MessageBuffer in = new MessageBuffer();
        for (int i = 0; i < 1000; i++) {
            byte[] m = new byte[i % 700];
            if (m.length > 0) {
                m[m.length - 1] = (byte) i;
            }
            assertTrue(ring.send(m, 0, m.length, SECONDS_5));

            assertEquals(m.length, ring.receive(in, SECONDS_5));
            assertArrayEquals(m, in.toByteArray());
        }
    }

    @Test
    void aMessageLargerThanTheRingIsSentInFragmentsAndReassembled() throws Exception {
        byte[] big = new byte[100_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        Thread sender = Thread.ofPlatform().start(() -> {
            try {
                ring.send(big, 0, big.length, SECONDS_5);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        MessageBuffer in = new MessageBuffer();

        assertEquals(big.length, ring.receive(in, SECONDS_5));

        assertArrayEquals(big, in.toByteArray());
        sender.join(5_000);
    }

    @Test
    void peekLengthLeavesTheMessageInTheRing() throws Exception {
        ring.send(new byte[] {1, 2, 3}, 0, 3, 0);

        assertEquals(3, ring.peekLength(0));
        MessageBuffer in = new MessageBuffer();
        assertEquals(3, ring.receive(in, 0));
        assertEquals(-1, ring.peekLength(0));
    }

    @Test
    void awaitPublishedSeesARecordWithoutReceivingIt() throws Exception {
        assertFalse(ring.awaitPublished(1_000_000, true), "nothing yet: it times out");
        ring.send(new byte[] {4, 5}, 0, 2, 0);

        assertTrue(ring.awaitPublished(SECONDS_5, true));
        assertTrue(ring.awaitPublished(0, false), "still there");
        MessageBuffer in = new MessageBuffer();
        assertEquals(2, ring.receive(in, 0));
        assertFalse(ring.awaitPublished(0, false));
    }

    @Test
    void producerGoneWakesAWaiterInAwaitPublishedWhichThenReadsWhatWasSentAndEof() throws Exception {
        // given: one message sent and received, one more sent; a consumer thread waiting for something
        java.lang.foreign.MemorySegment region = arena.allocate(SpscRingDescriptor.regionLength(4096), 64);
        SpscRing ring = SpscRing.initialise(region, 4096);
        ring.send(new byte[] {1}, 0, 1, 0);
        MessageBuffer in = new MessageBuffer();
        ring.receive(in, 0);
        java.util.concurrent.CompletableFuture<Boolean> woke = new java.util.concurrent.CompletableFuture<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                woke.complete(ring.awaitPublished(Long.MAX_VALUE, false));
            } catch (InterruptedException e) {
                woke.completeExceptionally(e);
            }
        });
        long deadline = System.nanoTime() + SECONDS_5;
        while (region.get(java.lang.foreign.ValueLayout.JAVA_INT, SpscRingDescriptor.CONSUMER_WAITERS_OFFSET) == 0) {
            assertTrue(System.nanoTime() < deadline, "the waiter blocks");
            Thread.onSpinWait();
        }
        // when: the producer is declared gone (its process was seen to end)
        ring.producerGone();

        // then: the waiter returns at once (well before a liveness slice), and the consumer meets EOF
        assertTrue(woke.get(5, TimeUnit.SECONDS));
        waiter.join(5_000);
        assertThrows(EOFException.class, () -> ring.receive(in, 0));
    }

    @Test
    void theConsumerGetsEofAfterTheMessagesOfAClosedProducer() throws Exception {
        ring.send(new byte[] {9}, 0, 1, 0);

        ring.closeProducer();
        ring.closeProducer();

        MessageBuffer in = new MessageBuffer();
        assertEquals(1, ring.receive(in, 0));
        assertThrows(EOFException.class, () -> ring.receive(in, SECONDS_5));
        assertTrue(ring.awaitReadable(0));
    }

    @Test
    void theProducerGetsIOExceptionOnceTheConsumerClosed() {
        ring.closeConsumer();

        assertThrows(IOException.class, () -> ring.send(new byte[1], 0, 1, 0));
    }

    @Test
    void aTimedOutSendOfAFullRingReturnsFalseAndSendsNothing() throws Exception {
        byte[] chunk = new byte[1000];
        while (ring.send(chunk, 0, chunk.length, 0)) {
            // Fill it.
        }
        MessageBuffer in = new MessageBuffer();
        int received = 0;
        while (ring.receive(in, 0) >= 0) {
            received++;
        }

        assertTrue(received > 0);
        assertFalse(ring.awaitReadable(0));
    }

    @Test
    void aCapacityThatIsNotAPowerOfTwoIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpscRingDescriptor.checkCapacity(5000));
        assertTrue(e.getMessage().contains("power of two"), e.getMessage());
    }
}
