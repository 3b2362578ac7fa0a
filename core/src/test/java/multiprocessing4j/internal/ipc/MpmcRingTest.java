package multiprocessing4j.internal.ipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MpmcRingTest {
    private static final long SECONDS_5 = TimeUnit.SECONDS.toNanos(5);
    private final Arena arena = Arena.ofShared();

    @AfterEach
    void free() {
        arena.close();
    }

    private MpmcRing ring(int slots) {
        int slotLength = MpmcRingDescriptor.slotLengthFor(64);
        return MpmcRing.initialise(arena.allocate(MpmcRingDescriptor.regionLength(slots, slotLength), 64), slots, slotLength);
    }

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    @Test
    void aSlotClaimedByAProducerThatDiedIsSkippedAndTheRestIsDelivered() throws Exception {
        MpmcRing ring = ring(4);
        MemorySegment region = regionOf(ring);
        // Given a producer that claimed position 0 and died before committing it
        long slot0 = MpmcRingDescriptor.SLOTS_OFFSET;
        region.set(ValueLayout.JAVA_LONG, slot0, deadPid() << 32 | MpmcRingDescriptor.WRITING);
        region.set(ValueLayout.JAVA_LONG, MpmcRingDescriptor.TAIL_OFFSET, 1L);
        ring.offer(new byte[] {1}, 0, 1, SECONDS_5);
        MessageBuffer in = new MessageBuffer();

        // When a consumer waits at position 0
        int n = ring.poll(in, SECONDS_5);

        // Then it frees the dead claimer's slot and gets the next message
        assertEquals(1, n);
        assertEquals(1, in.array()[0]);
        for (int i = 0; i < 8; i++) {
            assertTrue(ring.offer(new byte[] {(byte) i}, 0, 1, SECONDS_5), "every slot is usable again");
            assertEquals(1, ring.poll(in, SECONDS_5));
        }
    }

    @Test
    void aSlotHeldByAConsumerThatDiedIsFreedForProducers() throws Exception {
        MpmcRing ring = ring(1);
        MemorySegment region = regionOf(ring);
        // Given the only slot taken by a consumer that died while reading it
        region.set(ValueLayout.JAVA_LONG, MpmcRingDescriptor.SLOTS_OFFSET, deadPid() << 32 | MpmcRingDescriptor.READING);
        region.set(ValueLayout.JAVA_LONG, MpmcRingDescriptor.TAIL_OFFSET, 1L);
        region.set(ValueLayout.JAVA_LONG, MpmcRingDescriptor.HEAD_OFFSET, 1L);

        // When a producer waits for room, then it gets the slot
        assertTrue(ring.offer(new byte[] {9}, 0, 1, SECONDS_5));
        MessageBuffer in = new MessageBuffer();
        assertEquals(1, ring.poll(in, SECONDS_5));
        assertEquals(9, in.array()[0]);
    }

    @Test
    void aShutDownRingRefusesOffersAndDrainsBeforeReportingClosed() throws Exception {
        MpmcRing ring = ring(4);
        ring.offer(new byte[] {5}, 0, 1, 0);

        ring.shutdown();

        assertThrows(RingClosedException.class, () -> ring.offer(new byte[1], 0, 1, 0));
        MessageBuffer in = new MessageBuffer();
        assertEquals(1, ring.poll(in, SECONDS_5));
        assertThrows(RingClosedException.class, () -> ring.poll(in, SECONDS_5));
    }

    @Test
    void messagesLongerThanASlotTravelWhole() throws Exception {
        MpmcRing ring = ring(2);
        byte[] big = new byte[10_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }

        assertTrue(ring.offer(big, 0, big.length, SECONDS_5));
        MessageBuffer in = new MessageBuffer();

        assertEquals(big.length, ring.poll(in, SECONDS_5));
        assertArrayEquals(big, in.toByteArray());
        assertFalse(ring.poll(in, 0) >= 0);
    }

    @Test
    void aGeometryThatDoesNotFitIsRejectedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MpmcRing.initialise(arena.allocate(1024, 64), 64, 128));
        assertTrue(e.getMessage().contains("needs"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MpmcRingDescriptor.checkGeometry(0, 128));
        assertThrows(IllegalArgumentException.class, () -> MpmcRingDescriptor.checkGeometry(4, 100));
    }

    private static MemorySegment regionOf(MpmcRing ring) throws Exception {
        var f = MpmcRing.class.getDeclaredField("region");
        f.setAccessible(true);
        return (MemorySegment) f.get(ring);
    }
}
