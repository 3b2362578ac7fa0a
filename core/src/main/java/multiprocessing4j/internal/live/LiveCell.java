package multiprocessing4j.internal.live;

import static multiprocessing4j.internal.live.LiveValueDescriptor.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

import multiprocessing4j.internal.platform.Futex;
import multiprocessing4j.internal.platform.Pids;
import multiprocessing4j.internal.platform.ProcessTree;
import multiprocessing4j.internal.shm.SharedSegment;

/**
 * The mechanics of a live value on raw bytes: publishing an encoded value into the data segment's
 * slots without waiting for anyone, copying the newest complete one out without ever seeing a torn
 * one, following the data segment when it is replaced by a larger one, waiting for a newer version
 * on a futex, and the one-publishing-process claim. The layouts are in {@link LiveValueDescriptor}.
 *
 * <p><b>Publishing</b> (one process at a time, serialised per value inside a process):
 * claim the value for this process; if the bytes do not fit a slot, create a larger data segment,
 * copy the current version into it, name it in the control segment and unlink the old one; then
 * write slot {@code v % slots} as a seqlock (STATE = writing, bytes, STATE = v with release) and
 * publish VERSION = v and NOTIFY with release, waking blocked readers only if the waiter count
 * says there are some. Nothing in this sequence waits for a reader.
 *
 * <p><b>Reading</b>: VERSION (acquire), the data segment it lives in, slot {@code v % slots}: STATE,
 * copy, STATE again; the copy counts only if both STATE reads saw {@code v}, otherwise the reader
 * starts over (which happens only while the publisher publishes a whole round of slots during one copy).
 *
 * <p><b>When the publisher dies</b> at any step, the last complete version stays readable: the
 * slot being rewritten is never the one VERSION points to, a new data segment is named only once it
 * holds the current version, and a half-written name slot is never the current one.
 */
public final class LiveCell implements AutoCloseable {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = Futex.INT;
    private static final int SPINS_BEFORE_YIELD = 64;

    /** One monitor per live value and JVM, so that handles of the same value in one JVM publish one at a time. */
    private static final ConcurrentHashMap<String, Object> PUBLISH_LOCKS = new ConcurrentHashMap<>();

    private static volatile long self;

    private final SharedSegment control;
    private final MemorySegment c;
    private final Object publishLock;
    private final DataView writer = new DataView();
    private final DataView reader = new DataView();
    private volatile boolean handedOff;

    private LiveCell(SharedSegment control) {
        this.control = control;
        this.c = control.payload();
        this.publishLock = PUBLISH_LOCKS.computeIfAbsent(control.name(), k -> new Object());
    }

    /**
     * Creates a live value whose slots first hold {@code slotCapacity} bytes (rounded up to 64).
     *
     * @throws IllegalArgumentException if the capacity is not positive or too large
     */
    public static LiveCell create(long slotCapacity) {
        if (slotCapacity <= 0 || slotCapacity > MAX_SLOT_CAPACITY) {
            throw new IllegalArgumentException("a live value's capacity hint is 1 to " + MAX_SLOT_CAPACITY
                    + " bytes, was " + slotCapacity);
        }
        long capacity = roundCapacity(slotCapacity);
        SharedSegment control = SharedSegment.create(null, CONTROL_KIND, CONTROL_LENGTH);
        SharedSegment data = null;
        try {
            data = newData(capacity);
            writeName(control.payload(), 0, data.name());
            LONG.setRelease(control.payload(), (long) DATA_GENERATION_OFFSET, 0L);
            LiveCell cell = new LiveCell(control);
            cell.writer.adopt(data, 0, capacity, slotsFor(capacity));
            return cell;
        } catch (RuntimeException e) {
            if (data != null) {
                data.unlink();
                data.close();
            }
            control.unlink();
            control.close();
            throw e;
        }
    }

    /**
     * Attaches to the live value whose control segment is {@code name}.
     *
     * @throws IllegalArgumentException if that segment is not a live value
     * @throws IllegalStateException if it does not exist (any more)
     */
    public static LiveCell attach(String name) {
        SharedSegment control = SharedSegment.attach(name, CONTROL_KIND);
        try {
            checkControl(name, control.payload().byteSize());
        } catch (RuntimeException e) {
            control.close();
            throw e;
        }
        return new LiveCell(control);
    }

    /** The name of the control segment: the live value's identity. */
    public String name() {
        return control.name();
    }

    /** Whether this handle created the value (rather than attached to it). */
    public boolean isCreator() {
        return control.isCreator();
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return control.isClosed();
    }

    /** The latest complete version, 0 before the first publication. */
    public long version() {
        checkOpen();
        return (long) LONG.getAcquire(c, (long) VERSION_OFFSET);
    }

    /** The packed publisher word (see {@link LiveValueDescriptor#packPublisher}), 0 if nobody published yet. */
    public long publisher() {
        checkOpen();
        return (long) LONG.getVolatile(c, (long) PUBLISHER_OFFSET);
    }

    /** Whether the process that published last still runs. */
    public boolean publisherAlive() {
        long p = publisher();
        return p != 0 && Pids.isAlive(publisherPid(p), publisherStartTime(p));
    }

    /** The name of the data segment the value currently lives in. */
    public String dataName() {
        synchronized (reader) {
            return reader.follow().name();
        }
    }

    /**
     * Publishes {@code length} bytes of {@code bytes} as the next version.
     *
     * @return the version published
     * @throws IllegalStateException if another live process publishes this value, or this handle is closed
     * @throws IllegalArgumentException if the value is larger than a slot can ever be
     */
    public long publish(byte[] bytes, int length) {
        if (length < 0 || length > bytes.length) {
            throw new IllegalArgumentException("length " + length + " outside a " + bytes.length + "-byte array");
        }
        if (length > MAX_SLOT_CAPACITY) {
            throw new IllegalArgumentException("a live value holds at most " + MAX_SLOT_CAPACITY
                    + " encoded bytes, this value has " + length);
        }
        synchronized (publishLock) {
            checkOpen();
            claim();
            writer.follow();
            long previous = (long) LONG.getAcquire(c, (long) VERSION_OFFSET);
            long version = previous + 1;
            if (length > writer.capacity) {
                grow(length, previous);
            }
            MemorySegment d = writer.current.payload();
            long slot = slotOffset(writer.capacity, writer.index(version));
            LONG.setOpaque(d, slot + SLOT_STATE_OFFSET, STATE_WRITING);
            // Seqlock writer: the WRITING mark must be visible before any byte of the new value.
            VarHandle.storeStoreFence();
            MemorySegment.copy(bytes, 0, d, ValueLayout.JAVA_BYTE, slot + SLOT_HEADER_LENGTH, length);
            d.set(ValueLayout.JAVA_LONG, slot + SLOT_PUBLISHED_AT_OFFSET, nowEpochNanos());
            d.set(ValueLayout.JAVA_INT, slot + SLOT_LENGTH_OFFSET, length);
            LONG.setRelease(d, slot + SLOT_STATE_OFFSET, version);
            LONG.setRelease(c, (long) VERSION_OFFSET, version);
            INT.setRelease(c, (long) NOTIFY_OFFSET, (int) version);
            Futex.wakeIfWaiting(c, NOTIFY_OFFSET, WAITERS_OFFSET, Integer.MAX_VALUE);
            return version;
        }
    }

    /**
     * Copies the newest complete version into {@code into}, unless it is {@code knownVersion}
     * (the caller has it already) or nothing was published yet.
     *
     * @return whether {@code into} now holds a version other than {@code knownVersion}
     * @throws IllegalStateException if this handle is closed, or the value was unlinked and its data is gone
     */
    public boolean read(long knownVersion, ReadBuffer into) {
        synchronized (reader) {
            for (int attempt = 0; ; attempt++) {
                checkOpen();
                long version = (long) LONG.getAcquire(c, (long) VERSION_OFFSET);
                if (version == 0 || version == knownVersion) {
                    return false;
                }
                SharedSegment data = reader.follow();
                MemorySegment d = data.payload();
                long slot = slotOffset(reader.capacity, reader.index(version));
                long before = (long) LONG.getAcquire(d, slot + SLOT_STATE_OFFSET);
                if (before == version) {
                    int length = d.get(ValueLayout.JAVA_INT, slot + SLOT_LENGTH_OFFSET);
                    long publishedAt = d.get(ValueLayout.JAVA_LONG, slot + SLOT_PUBLISHED_AT_OFFSET);
                    if (length >= 0 && length <= reader.capacity) {
                        byte[] target = into.ensure(length);
                        MemorySegment.copy(d, ValueLayout.JAVA_BYTE, slot + SLOT_HEADER_LENGTH, target, 0, length);
                        // Seqlock reader: the copy must be complete before STATE is read again.
                        VarHandle.loadLoadFence();
                        long after = (long) LONG.getOpaque(d, slot + SLOT_STATE_OFFSET);
                        if (after == version) {
                            into.set(version, publishedAt, length);
                            return true;
                        }
                    }
                }
                // The slot was rewritten under us or the data segment moved: the publisher has
                // published since, so the next round finds a newer version.
                if (attempt < SPINS_BEFORE_YIELD) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }
    }

    /**
     * Waits until the version exceeds {@code version}, at most {@code timeoutNanos}
     * ({@link Long#MAX_VALUE} for no limit).
     *
     * @return whether it does
     * @throws InterruptedException if interrupted while waiting (noticed within a futex slice)
     */
    public boolean awaitVersionAbove(long version, long timeoutNanos) throws InterruptedException {
        long start = System.nanoTime();
        while (true) {
            checkOpen();
            int notify = (int) INT.getAcquire(c, (long) NOTIFY_OFFSET);
            if ((long) LONG.getAcquire(c, (long) VERSION_OFFSET) > version) {
                return true;
            }
            long remaining = timeoutNanos == Long.MAX_VALUE ? Long.MAX_VALUE : timeoutNanos - (System.nanoTime() - start);
            if (remaining <= 0) {
                return false;
            }
            Futex.awaitChange(c, NOTIFY_OFFSET, notify, WAITERS_OFFSET, remaining);
        }
    }

    /**
     * Records that a handle to this value left the JVM: none of its segments is unlinked at this
     * JVM's exit any more (see {@code SharedSegment}).
     */
    public void markHandedOff() {
        handedOff = true;
        control.markHandedOff();
        synchronized (publishLock) {
            writer.markHandedOff();
        }
        synchronized (reader) {
            reader.markHandedOff();
        }
    }

    /**
     * Removes the names of the control segment and of the current data segment. Mappings stay
     * valid. Harmless when repeated.
     */
    public void unlink() {
        if (!control.isClosed()) {
            synchronized (reader) {
                try {
                    reader.follow().unlink();
                } catch (IllegalStateException gone) {
                    // Unlinked already, by this or another handle.
                }
            }
        }
        control.unlink();
    }

    /** Unmaps everything in this process. Harmless when repeated. */
    @Override
    public void close() {
        synchronized (publishLock) {
            writer.close();
        }
        synchronized (reader) {
            reader.close();
        }
        control.close();
    }

    @Override
    public String toString() {
        return "LiveCell[" + control.name() + (control.isClosed() ? ", closed" : "") + "]";
    }

    private void claim() {
        long me = self();
        while (true) {
            long current = (long) LONG.getVolatile(c, (long) PUBLISHER_OFFSET);
            if (current == me) {
                return;
            }
            if (current != 0 && Pids.isAlive(publisherPid(current), publisherStartTime(current))) {
                throw new IllegalStateException("live value " + control.name() + " is published by process "
                        + publisherPid(current) + ", which is alive: one process publishes a live value at a time. "
                        + "Publish from that process, or from this one once it has ended");
            }
            if (LONG.compareAndSet(c, (long) PUBLISHER_OFFSET, current, me)) {
                return;
            }
        }
    }

    private static long self() {
        long s = self;
        if (s == 0) {
            s = packPublisher(ProcessTree.selfPid(), Pids.selfStartTime());
            self = s;
        }
        return s;
    }

    /** Moves the value to a data segment whose slots hold at least {@code length} bytes. */
    private void grow(int length, long currentVersion) {
        long capacity = roundCapacity(Math.max(length, Math.min(MAX_SLOT_CAPACITY, writer.capacity * 2)));
        SharedSegment old = writer.current;
        long oldCapacity = writer.capacity;
        int oldSlots = writer.slots;
        int slots = slotsFor(capacity);
        long generation = writer.generation + 1;
        SharedSegment data = newData(capacity);
        try {
            if (currentVersion > 0) {
                // Readers that see the new name before the next VERSION must still find the current version.
                MemorySegment from = old.payload();
                MemorySegment to = data.payload();
                long src = slotOffset(oldCapacity, (int) (currentVersion % oldSlots));
                long dst = slotOffset(capacity, (int) (currentVersion % slots));
                int n = from.get(ValueLayout.JAVA_INT, src + SLOT_LENGTH_OFFSET);
                MemorySegment.copy(from, src + SLOT_HEADER_LENGTH, to, dst + SLOT_HEADER_LENGTH, n);
                to.set(ValueLayout.JAVA_INT, dst + SLOT_LENGTH_OFFSET, n);
                to.set(ValueLayout.JAVA_LONG, dst + SLOT_PUBLISHED_AT_OFFSET,
                        from.get(ValueLayout.JAVA_LONG, src + SLOT_PUBLISHED_AT_OFFSET));
                LONG.setRelease(to, dst + SLOT_STATE_OFFSET, currentVersion);
            }
            if (handedOff || !control.isCreator()) {
                // Other processes will find it through the control segment: this JVM's exit must not unlink it.
                data.markHandedOff();
            }
            writeName(c, generation, data.name());
            LONG.setRelease(c, (long) DATA_GENERATION_OFFSET, generation);
        } catch (RuntimeException e) {
            data.unlink();
            data.close();
            throw e;
        }
        writer.adopt(data, generation, capacity, slots);
        // Readers that mapped the old segment keep their mapping; new readers follow the new name.
        old.unlink();
        old.close();
    }

    private static SharedSegment newData(long capacity) {
        int slots = slotsFor(capacity);
        SharedSegment data = SharedSegment.create(null, DATA_KIND, dataLength(capacity, slots));
        data.payload().set(ValueLayout.JAVA_LONG, SLOT_CAPACITY_OFFSET, capacity);
        data.payload().set(ValueLayout.JAVA_LONG, SLOT_COUNT_OFFSET, slots);
        return data;
    }

    private static void writeName(MemorySegment control, long generation, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length > MAX_NAME_LENGTH) {
            throw new IllegalStateException("data segment name '" + name + "' is longer than the " + MAX_NAME_LENGTH
                    + " bytes a live value's name slot holds");
        }
        long slot = nameSlotOffset(generation);
        MemorySegment.copy(bytes, 0, control, ValueLayout.JAVA_BYTE, slot + Integer.BYTES, bytes.length);
        control.set(ValueLayout.JAVA_INT, slot, bytes.length);
    }

    private void checkOpen() {
        if (control.isClosed()) {
            throw new IllegalStateException("live value " + control.name() + " is closed in this process");
        }
    }

    private static long nowEpochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** One handle's view of the current data segment; guarded by the monitor of its user. */
    private final class DataView {
        SharedSegment current;
        long generation = -1;
        long capacity;
        int slots;

        void adopt(SharedSegment data, long generation, long capacity, int slots) {
            this.current = data;
            this.generation = generation;
            this.capacity = capacity;
            this.slots = slots;
        }

        /** The slot version {@code v} lives in. */
        int index(long version) {
            return (int) (version % slots);
        }

        /** Maps the data segment the control segment names now, if that is not the one mapped. */
        SharedSegment follow() {
            for (int attempt = 0; ; attempt++) {
                long generation = (long) LONG.getAcquire(c, (long) DATA_GENERATION_OFFSET);
                if (current != null && generation == this.generation) {
                    return current;
                }
                long slot = nameSlotOffset(generation);
                int length = c.get(ValueLayout.JAVA_INT, slot);
                byte[] bytes = new byte[Math.max(0, Math.min(length, MAX_NAME_LENGTH))];
                MemorySegment.copy(c, ValueLayout.JAVA_BYTE, slot + Integer.BYTES, bytes, 0, bytes.length);
                VarHandle.loadLoadFence();
                if ((long) LONG.getAcquire(c, (long) DATA_GENERATION_OFFSET) != generation
                        || length <= 0 || length > MAX_NAME_LENGTH) {
                    Thread.onSpinWait();
                    continue;
                }
                String name = new String(bytes, StandardCharsets.US_ASCII);
                if (current != null && name.equals(current.name())) {
                    this.generation = generation;
                    return current;
                }
                SharedSegment data;
                try {
                    data = SharedSegment.attach(name, DATA_KIND);
                } catch (IllegalStateException e) {
                    if ((long) LONG.getAcquire(c, (long) DATA_GENERATION_OFFSET) != generation) {
                        continue;   // replaced and unlinked between reading its name and attaching
                    }
                    throw new IllegalStateException("the data of live value " + control.name()
                            + " is gone: the value was unlinked (or its process tree ended)", e);
                }
                long cap = data.payload().get(ValueLayout.JAVA_LONG, SLOT_CAPACITY_OFFSET);
                long slotCount = data.payload().get(ValueLayout.JAVA_LONG, SLOT_COUNT_OFFSET);
                try {
                    checkData(name, data.payload().byteSize(), cap, slotCount);
                } catch (RuntimeException e) {
                    data.close();
                    throw e;
                }
                if (handedOff) {
                    data.markHandedOff();
                }
                if (current != null) {
                    current.close();
                }
                adopt(data, generation, cap, (int) slotCount);
                return data;
            }
        }

        void markHandedOff() {
            if (current != null) {
                current.markHandedOff();
            }
        }

        void close() {
            if (current != null) {
                current.close();
            }
        }
    }

    /** A reader's reusable copy buffer and what it holds. Not thread-safe: one per reader. */
    public static final class ReadBuffer {
        private byte[] bytes = new byte[256];
        private long version;
        private long publishedAtEpochNanos;
        private int length;

        byte[] ensure(int n) {
            if (bytes.length < n) {
                bytes = new byte[Math.max(n, bytes.length * 2)];
            }
            return bytes;
        }

        void set(long version, long publishedAtEpochNanos, int length) {
            this.version = version;
            this.publishedAtEpochNanos = publishedAtEpochNanos;
            this.length = length;
        }

        /** The copied bytes (valid up to {@link #length()}); replaced when a larger value arrives. */
        public byte[] bytes() {
            return bytes;
        }

        /** Length of the copied value. */
        public int length() {
            return length;
        }

        /** Its version. */
        public long version() {
            return version;
        }

        /** When it was published. */
        public Instant publishedAt() {
            return Instant.ofEpochSecond(0, publishedAtEpochNanos);
        }
    }
}
