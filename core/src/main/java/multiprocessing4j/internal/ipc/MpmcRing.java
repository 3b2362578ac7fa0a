package multiprocessing4j.internal.ipc;

import static multiprocessing4j.internal.ipc.MpmcRingDescriptor.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import multiprocessing4j.internal.platform.Futex;
import multiprocessing4j.internal.platform.Pids;
import multiprocessing4j.internal.platform.ProcessTree;
import multiprocessing4j.internal.shm.SharedSegment;

/**
 * A bounded ring of byte messages in shared memory for many producers and many consumers in many
 * processes: each message is taken exactly once, in FIFO order per producer (and globally in the
 * order positions were claimed). The layout is {@link MpmcRingDescriptor}.
 *
 * <pre>{@code
 * MpmcRing ring = MpmcRing.initialise(region, 1024, MpmcRingDescriptor.slotLengthFor(200));
 * ring.offer(bytes, 0, bytes.length, TimeUnit.SECONDS.toNanos(1));   // false on timeout (full)
 * MessageBuffer in = new MessageBuffer();
 * int n = ring.poll(in, Long.MAX_VALUE);                              // -1 on timeout (empty)
 * }</pre>
 *
 * <p><b>Protocol.</b> Every slot has a state word: its lap (the position modulo 2^30 it is ready
 * for) and a kind. A producer at position {@code p} claims slot {@code p mod n} by a CAS from
 * {@code (p, EMPTY)} to {@code (p, WRITING, pid)}, writes, then publishes {@code (p, FULL)}; a
 * consumer claims {@code (p, FULL)} to {@code (p, READING, pid)}, copies the message out and
 * releases the slot as {@code (p + n, EMPTY)}. The head and tail counters only say where to look;
 * whoever finds them behind the slot states moves them on. Per-slot state (rather than a
 * reservation on the shared counters) is what makes a dead process harmless: a slot claimed by a
 * process that died (its pid and start time are checked when a waiter has waited one
 * {@value #LIVENESS_CHECK_MILLIS} ms slice on it) is released to the next lap by whoever finds it,
 * which loses only the message that died with it (a put or take that never returned).
 *
 * <p><b>Large messages.</b> A message longer than the inline payload goes into a side segment of
 * its own, created by the producer <em>before</em> it claims a slot; the slot carries only the
 * segment's name. The consumer releases the slot before copying the message, so a large message
 * never holds up the ring, and unlinks the segment. A side segment whose consumer died is swept by
 * the segment tracker when the process tree ends.
 *
 * <p><b>Blocking.</b> Waits spin briefly (a consumer for an adaptive time, see {@link Spin}), then
 * block on the slot's state word with a futex, in slices of at most
 * {@value #LIVENESS_CHECK_MILLIS} ms; interruption throws {@link InterruptedException}. A producer
 * facing a full ring that does not get the next slot within 50 µs waits until an eighth of the ring
 * (at most 256 slots) is free, or 1 ms, so that a slow consumer does not pay a wake-up per message;
 * a single freed slot is therefore seen by a blocked producer within a millisecond.
 *
 * <p><b>Shutdown.</b> {@link #shutdown()} makes every later offer throw {@link RingClosedException};
 * polls drain what is there, then throw it. Waiters notice within one slice. An offer racing with
 * shutdown may or may not be delivered.
 *
 * <p>Instances are thread-safe; any number of threads of any number of processes may use views
 * of the same region.
 */
public final class MpmcRing {
    /** How long a waiter waits on a slot before it checks the claimer's liveness and the shutdown flag. */
    public static final int LIVENESS_CHECK_MILLIS = 100;

    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(LIVENESS_CHECK_MILLIS);
    /** How long a producer facing a full ring waits for the very next slot before it waits for a batch. */
    private static final long FULL_SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    /** Longest wait for a batch of free slots before the producer looks at its own slot again. */
    private static final long BATCH_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final int LAP_MASK = (1 << 30) - 1;
    private static final long LOW_MASK = 0xffff_ffffL;
    private static final int SELF_PID = (int) ProcessTree.selfPid();

    private final MemorySegment region;
    private final int slotCount;
    private final int slotLength;
    private final int inlineCapacity;
    private final int refillBatch;
    /** How long a consumer of this view spins on an empty slot before it blocks. */
    private final Spin pollSpin = new Spin();

    private MpmcRing(MemorySegment region, int slotCount, int slotLength) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("shared-memory rings need a little-endian CPU (the futex word is the low half of the slot state)");
        }
        MpmcRingDescriptor.checkRegion(region.byteSize(), slotCount, slotLength);
        this.region = region;
        this.slotCount = slotCount;
        this.slotLength = slotLength;
        this.inlineCapacity = slotLength - SLOT_HEADER_LENGTH;
        this.refillBatch = Math.max(1, Math.min(slotCount / 8, 256));
    }

    /** Lays out a fresh ring in a zeroed region (before any other process can see it) and returns a view of it. */
    public static MpmcRing initialise(MemorySegment region, int slotCount, int slotLength) {
        MpmcRing ring = new MpmcRing(region, slotCount, slotLength);
        region.set(ValueLayout.JAVA_INT, SLOT_COUNT_OFFSET, slotCount);
        region.set(ValueLayout.JAVA_INT, SLOT_LENGTH_OFFSET, slotLength);
        for (int i = 0; i < slotCount; i++) {
            region.set(ValueLayout.JAVA_LONG, ring.slot(i) + SLOT_STATE_OFFSET, state(i, EMPTY) & LOW_MASK);
        }
        VarHandle.releaseFence();
        return ring;
    }

    /** A view of a ring another process laid out. */
    public static MpmcRing attach(MemorySegment region) {
        if (region.byteSize() < SLOTS_OFFSET) {
            throw new IllegalArgumentException("region of " + region.byteSize() + " bytes is too small for an MPMC ring");
        }
        return new MpmcRing(region, region.get(ValueLayout.JAVA_INT, SLOT_COUNT_OFFSET),
                region.get(ValueLayout.JAVA_INT, SLOT_LENGTH_OFFSET));
    }

    /** Number of slots: how many messages the ring holds. */
    public int capacity() {
        return slotCount;
    }

    /** Longest message carried inside a slot; longer ones travel in side segments. */
    public int inlineCapacity() {
        return inlineCapacity;
    }

    /** Messages in the ring now: exact when nobody is between claim and commit, approximate otherwise. */
    public int size() {
        long head = (long) LONG.getVolatile(region, (long) HEAD_OFFSET);
        long tail = (long) LONG.getVolatile(region, (long) TAIL_OFFSET);
        return (int) Math.max(0, Math.min(slotCount, tail - head));
    }

    /** Refuses further offers; consumers drain the ring, then get {@link RingClosedException}. */
    public void shutdown() {
        Futex.INT.setRelease(region, (long) SHUTDOWN_OFFSET, 1);
    }

    public boolean isShutdown() {
        return (int) Futex.INT.getAcquire(region, (long) SHUTDOWN_OFFSET) != 0;
    }

    /**
     * Puts a message, waiting up to {@code timeoutNanos} for a free slot.
     *
     * @return {@code true} once the message is in the ring, {@code false} if the ring stayed full
     * @throws InterruptedException  if interrupted while waiting (the message is not in the ring)
     * @throws RingClosedException   after {@link #shutdown()}
     * @throws IllegalStateException if the ring's memory was unmapped in this process
     */
    public boolean offer(byte[] src, int offset, int length, long timeoutNanos) throws InterruptedException {
        if (offset < 0 || length < 0 || offset > src.length - length) {
            throw new IndexOutOfBoundsException("message [" + offset + ", " + offset + "+" + length + ") outside array of " + src.length);
        }
        checkOpen();
        if (isShutdown()) {
            throw closed();
        }
        SharedSegment side = null;
        if (length > inlineCapacity) {
            side = SharedSegment.create(null, LARGE_MESSAGE_KIND, Math.max(1, length));
            MemorySegment.copy(src, offset, side.payload(), ValueLayout.JAVA_BYTE, 0, length);
            // The consumer unlinks it; this JVM's exit must not.
            side.markHandedOff();
            side.close();
        }
        boolean done = false;
        try {
            done = put(side == null ? src : null, offset, length, side == null ? null : side.name(), timeoutNanos);
            return done;
        } finally {
            if (!done && side != null) {
                side.unlink();
            }
        }
    }

    private boolean put(byte[] src, int offset, int length, String sideName, long timeoutNanos) throws InterruptedException {
        // The clock is read only once there is reason to wait: the common case never waits.
        long deadline = 0;
        boolean waited = false;
        boolean spun = false;
        while (true) {
            long pos = (long) LONG.getAcquire(region, (long) TAIL_OFFSET);
            long slot = slot((int) (pos % slotCount));
            long whole = (long) LONG.getAcquire(region, slot + SLOT_STATE_OFFSET);
            int low = (int) whole;
            int lap = low >>> 2;
            int kind = low & 3;
            int diff = (lap - (int) pos) & LAP_MASK;
            if (diff == 0) {
                if (kind == EMPTY) {
                    long claimed = (long) SELF_PID << 32 | (state(pos, WRITING) & LOW_MASK);
                    if (LONG.compareAndSet(region, slot + SLOT_STATE_OFFSET, whole, claimed)) {
                        LONG.compareAndSet(region, (long) TAIL_OFFSET, pos, pos + 1);
                        region.set(ValueLayout.JAVA_LONG, slot + SLOT_OWNER_TAG_OFFSET, ProcessTag.SELF);
                        write(slot, src, offset, length, sideName);
                        LONG.setRelease(region, slot + SLOT_STATE_OFFSET, (long) state(pos, FULL) & LOW_MASK);
                        Futex.wakeIfWaiting(region, slot + SLOT_STATE_OFFSET, slot + SLOT_WAITERS_OFFSET, Integer.MAX_VALUE);
                        return true;
                    }
                } else {
                    // Someone claimed this position and has not moved the tail yet: help.
                    LONG.compareAndSet(region, (long) TAIL_OFFSET, pos, pos + 1);
                }
            } else if (diff == ((-slotCount) & LAP_MASK)) {
                // The slot still holds the previous lap: the ring is full (or a claimer died there).
                if (isShutdown()) {
                    throw closed();
                }
                if (!waited) {
                    deadline = System.nanoTime() + timeoutNanos;
                    waited = true;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                if ((long) LONG.getAcquire(region, (long) TAIL_OFFSET) == pos) {
                    if (!spun) {
                        // Briefly for this slot: a consumer that keeps up frees it within microseconds.
                        spun = true;
                        await(slot, whole, lap, kind, Math.min(remaining, FULL_SPIN_NANOS), false);
                    } else {
                        awaitRoom(pos, remaining);
                    }
                }
            } else if (diff < (1 << 29)) {
                LONG.compareAndSet(region, (long) TAIL_OFFSET, pos, pos + 1);
            }
        }
    }

    /**
     * Takes a message into {@code into}, waiting up to {@code timeoutNanos} for one.
     *
     * @return the message length, or {@code -1} if the ring stayed empty
     * @throws InterruptedException if interrupted while waiting (no message was taken)
     * @throws RingClosedException  once the ring is shut down and empty
     * @throws IllegalStateException if a large message's side segment is gone (the tree's tracker swept it), or the ring was unmapped
     */
    public int poll(MessageBuffer into, long timeoutNanos) throws InterruptedException {
        checkOpen();
        long deadline = 0;
        boolean waited = false;
        boolean spun = false;
        long waitStart = 0;
        while (true) {
            long pos = (long) LONG.getAcquire(region, (long) HEAD_OFFSET);
            long slot = slot((int) (pos % slotCount));
            long whole = (long) LONG.getAcquire(region, slot + SLOT_STATE_OFFSET);
            int low = (int) whole;
            int lap = low >>> 2;
            int kind = low & 3;
            int diff = (lap - (int) pos) & LAP_MASK;
            if (diff == 0 && kind == FULL) {
                long claimed = (long) SELF_PID << 32 | (state(pos, READING) & LOW_MASK);
                if (LONG.compareAndSet(region, slot + SLOT_STATE_OFFSET, whole, claimed)) {
                    LONG.compareAndSet(region, (long) HEAD_OFFSET, pos, pos + 1);
                    region.set(ValueLayout.JAVA_LONG, slot + SLOT_OWNER_TAG_OFFSET, ProcessTag.SELF);
                    return read(slot, pos, into);
                }
            } else if (diff == 0 && kind == READING) {
                LONG.compareAndSet(region, (long) HEAD_OFFSET, pos, pos + 1);
            } else if (diff != 0 && diff < (1 << 29)) {
                // Consumed (or skipped) already: the head is behind.
                LONG.compareAndSet(region, (long) HEAD_OFFSET, pos, pos + 1);
            } else if (diff == 0 || diff == ((-slotCount) & LAP_MASK)) {
                // Nothing at this position yet (EMPTY or WRITING now, or the previous lap still being read).
                if ((long) LONG.getAcquire(region, (long) HEAD_OFFSET) != pos) {
                    continue;
                }
                if (diff == 0 && kind == EMPTY && isShutdown()) {
                    throw closed();
                }
                if (!waited) {
                    deadline = System.nanoTime() + timeoutNanos;
                    waited = true;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return -1;
                }
                if (!spun) {
                    spun = true;
                    waitStart = System.nanoTime();
                    if (pollSpin.untilChanged(region, slot + SLOT_STATE_OFFSET, low, remaining)) {
                        continue;
                    }
                }
                if (await(slot, whole, lap, kind, remaining, true)) {
                    pollSpin.blocked(System.nanoTime() - waitStart);
                }
            }
        }
    }

    /** Takes a message if one is there now; {@code -1} if none. */
    public int poll(MessageBuffer into) {
        try {
            return poll(into, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private void write(long slot, byte[] src, int offset, int length, String sideName) {
        region.set(ValueLayout.JAVA_INT, slot + SLOT_LENGTH_FIELD_OFFSET, length);
        if (sideName == null) {
            region.set(ValueLayout.JAVA_INT, slot + SLOT_FLAGS_OFFSET, 0);
            MemorySegment.copy(src, offset, region, ValueLayout.JAVA_BYTE, slot + SLOT_HEADER_LENGTH, length);
        } else {
            byte[] name = sideName.getBytes(StandardCharsets.US_ASCII);
            region.set(ValueLayout.JAVA_INT, slot + SLOT_FLAGS_OFFSET, FLAG_LARGE);
            region.set(ValueLayout.JAVA_INT, slot + SLOT_NAME_LENGTH_OFFSET, name.length);
            MemorySegment.copy(name, 0, region, ValueLayout.JAVA_BYTE, slot + SLOT_HEADER_LENGTH, name.length);
        }
    }

    private int read(long slot, long pos, MessageBuffer into) {
        int length = region.get(ValueLayout.JAVA_INT, slot + SLOT_LENGTH_FIELD_OFFSET);
        if ((region.get(ValueLayout.JAVA_INT, slot + SLOT_FLAGS_OFFSET) & FLAG_LARGE) == 0) {
            MemorySegment.copy(region, ValueLayout.JAVA_BYTE, slot + SLOT_HEADER_LENGTH, into.prepare(length), 0, length);
            release(slot, pos);
            return length;
        }
        String name = sideName(slot);
        // Free the slot first: copying a large message must not hold up the ring.
        release(slot, pos);
        try (SharedSegment side = SharedSegment.attach(name, LARGE_MESSAGE_KIND)) {
            MemorySegment.copy(side.payload(), ValueLayout.JAVA_BYTE, 0, into.prepare(length), 0, length);
            side.unlink();
        }
        return length;
    }

    private String sideName(long slot) {
        int n = region.get(ValueLayout.JAVA_INT, slot + SLOT_NAME_LENGTH_OFFSET);
        byte[] name = new byte[Math.max(0, Math.min(n, inlineCapacity))];
        MemorySegment.copy(region, ValueLayout.JAVA_BYTE, slot + SLOT_HEADER_LENGTH, name, 0, name.length);
        return new String(name, StandardCharsets.US_ASCII);
    }

    private void release(long slot, long pos) {
        LONG.setRelease(region, slot + SLOT_STATE_OFFSET, (long) state(pos + slotCount, EMPTY) & LOW_MASK);
        Futex.wakeIfWaiting(region, slot + SLOT_STATE_OFFSET, slot + SLOT_WAITERS_OFFSET, Integer.MAX_VALUE);
    }

    /**
     * A producer that found the ring full and did not get the slot by spinning waits until a batch
     * of slots is free (the slot {@code batch - 1} positions further has been released), so that a
     * slow consumer wakes it once per batch rather than once per message.
     */
    private void awaitRoom(long pos, long remaining) throws InterruptedException {
        long ahead = pos + refillBatch - 1;
        long slot = slot((int) (ahead % slotCount));
        long whole = (long) LONG.getAcquire(region, slot + SLOT_STATE_OFFSET);
        int low = (int) whole;
        int lap = low >>> 2;
        if (((lap - (int) ahead) & LAP_MASK) == ((-slotCount) & LAP_MASK)) {
            // Bounded, so that a put sees a single freed slot within a millisecond even when no batch frees up.
            await(slot, whole, lap, low & 3, Math.min(remaining, BATCH_WAIT_NANOS), false);
        }
    }

    /**
     * Waits (one slice at most) for the slot state to change; then frees it if its claimer died.
     * {@code spun}: the caller has just spun with {@link Spin}, so block at once.
     *
     * @return whether the state changed while waiting
     */
    private boolean await(long slot, long whole, int lap, int kind, long remaining, boolean spun) throws InterruptedException {
        long slice = Math.min(remaining, SLICE_NANOS);
        if (spun ? Spin.block(region, slot + SLOT_STATE_OFFSET, (int) whole, slot + SLOT_WAITERS_OFFSET, slice)
                : Futex.awaitChange(region, slot + SLOT_STATE_OFFSET, (int) whole, slot + SLOT_WAITERS_OFFSET, slice)) {
            return true;
        }
        if ((kind == WRITING || kind == READING) && claimerDied(slot, whole)) {
            String orphan = kind == READING && (region.get(ValueLayout.JAVA_INT, slot + SLOT_FLAGS_OFFSET) & FLAG_LARGE) != 0
                    ? sideName(slot) : null;
            long next = (long) state(lap + slotCount, EMPTY) & LOW_MASK;
            if (LONG.compareAndSet(region, slot + SLOT_STATE_OFFSET, whole, next)) {
                Futex.wakeIfWaiting(region, slot + SLOT_STATE_OFFSET, slot + SLOT_WAITERS_OFFSET, Integer.MAX_VALUE);
                if (orphan != null) {
                    try {
                        Files.deleteIfExists(SharedSegment.SHM_DIR.resolve(orphan));
                    } catch (java.io.IOException | RuntimeException ignored) {
                        // The tracker sweeps it when the tree ends.
                    }
                }
            }
        }
        return false;
    }

    private boolean claimerDied(long slot, long whole) {
        long pid = whole >>> 32;
        long tag = region.get(ValueLayout.JAVA_LONG, slot + SLOT_OWNER_TAG_OFFSET);
        if (tag != 0 && ProcessTag.pid(tag) == pid) {
            return ProcessTag.isDead(tag);
        }
        return !Pids.isAlive(pid);
    }

    private void checkOpen() {
        if (!region.scope().isAlive()) {
            throw new IllegalStateException("the ring's shared memory is closed in this process");
        }
    }

    private RingClosedException closed() {
        return new RingClosedException("the ring was shut down");
    }

    private long slot(int index) {
        return SLOTS_OFFSET + (long) index * slotLength;
    }

    private static int state(long pos, int kind) {
        return (int) ((pos & LAP_MASK) << 2) | kind;
    }
}
