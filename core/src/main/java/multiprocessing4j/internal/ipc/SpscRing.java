package multiprocessing4j.internal.ipc;

import static multiprocessing4j.internal.ipc.SpscRingDescriptor.*;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

import multiprocessing4j.internal.platform.Futex;

/**
 * A ring of byte messages in shared memory from exactly one producer to exactly one consumer
 * (each may be in any process; callers serialise their own threads). Messages of any length: up to
 * a quarter of the capacity one record, longer ones as fragments the consumer reassembles, so a
 * message never tears and a producer and consumer copy in parallel. The layout is
 * {@link SpscRingDescriptor}.
 *
 * <pre>{@code
 * SpscRing ring = SpscRing.initialise(region, 1 << 20);
 * ring.claimProducer();                       // in the producing process
 * ring.send(bytes, 0, bytes.length, Long.MAX_VALUE);
 * // consumer process: SpscRing.attach(region), claimConsumer()
 * int n = ring.receive(buffer, Long.MAX_VALUE);   // EOFException once the producer closed or died and all is read
 * }</pre>
 *
 * <p><b>Ends and their death.</b> {@link #claimProducer()} and {@link #claimConsumer()} record the
 * calling process ({@link ProcessTag}: pid and start time) as the holder of that end. A waiter checks,
 * after each {@value #LIVENESS_CHECK_MILLIS} ms slice without progress, whether the other end was
 * closed or its holder died: the consumer then reads what was sent and gets {@link EOFException};
 * the producer gets {@link IOException}. A closed producer writes an EOF record, so its consumer
 * notices at once.
 *
 * <p><b>Waiting.</b> A send that finds no room, or a receive that finds no record, spins for an
 * adaptive time ({@link Spin}: long enough that a conversation does not pay a wake-up per message),
 * then blocks on the other side's counter with a futex, in slices of
 * {@value #LIVENESS_CHECK_MILLIS} ms; each side signals only when the other one counted itself as
 * blocked.
 *
 * <p><b>Timeouts.</b> A send that times out (or is interrupted) before its first record is written
 * leaves nothing behind; one that gives up in the middle of a fragmented message writes an ABORT
 * record (room for it is always reserved), and the consumer drops the fragments. A receive that
 * times out in the middle of a fragmented message keeps what it assembled and resumes next time.
 *
 * <p>Not thread-safe on either side: one thread at a time produces, one consumes.
 */
public final class SpscRing {
    /** Longest wait between checks of the other end (closed, dead). */
    public static final int LIVENESS_CHECK_MILLIS = 100;

    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(LIVENESS_CHECK_MILLIS);
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final MemorySegment region;
    private final int capacity;
    private final int mask;
    private final int maxFragment;

    private long headCache;
    private long tailCache;
    private final WaitClock sendClock = new WaitClock();
    private final WaitClock receiveClock = new WaitClock();
    private final Spin sendSpin = new Spin();
    private final Spin receiveSpin = new Spin();
    private final Spin publishSpin = new Spin();
    private byte[] assembly;
    private int assembled;

    private SpscRing(MemorySegment region, int capacity) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("shared-memory rings need a little-endian CPU (the futex word is the low half of a counter)");
        }
        checkCapacity(capacity);
        if (region.byteSize() < regionLength(capacity)) {
            throw new IllegalArgumentException("an SPSC ring of " + capacity + " bytes needs a region of " + regionLength(capacity)
                    + " bytes, this one has " + region.byteSize());
        }
        this.region = region;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.maxFragment = capacity / 4 - RECORD_HEADER_LENGTH;
    }

    /** Lays out a fresh ring in a zeroed region and returns a view. */
    public static SpscRing initialise(MemorySegment region, int capacity) {
        SpscRing ring = new SpscRing(region, capacity);
        region.set(ValueLayout.JAVA_INT, CAPACITY_OFFSET, capacity);
        VarHandle.releaseFence();
        return ring;
    }

    /** A view of a ring laid out by {@link #initialise}, maybe in another process. */
    public static SpscRing attach(MemorySegment region) {
        return new SpscRing(region, region.get(ValueLayout.JAVA_INT, CAPACITY_OFFSET));
    }

    public int capacity() {
        return capacity;
    }

    /** Records this process as the producer (see the class comment). */
    public void claimProducer() {
        LONG.setRelease(region, (long) PRODUCER_TAG_OFFSET, ProcessTag.SELF);
    }

    /** Records this process as the consumer. */
    public void claimConsumer() {
        LONG.setRelease(region, (long) CONSUMER_TAG_OFFSET, ProcessTag.SELF);
    }

    // ------------------------------------------------------------------ producer

    /**
     * Sends one message, waiting up to {@code timeoutNanos} for room.
     *
     * @return {@code true} once sent, {@code false} on timeout (nothing of the message will be received)
     * @throws IOException          if the consumer closed its end or died
     * @throws InterruptedException if interrupted while waiting (nothing of the message will be received)
     */
    public boolean send(byte[] src, int offset, int length, long timeoutNanos) throws IOException, InterruptedException {
        if (offset < 0 || length < 0 || offset > src.length - length) {
            throw new IndexOutOfBoundsException("message [" + offset + ", " + offset + "+" + length + ") outside array of " + src.length);
        }
        checkOpen();
        if (isProducerClosed()) {
            throw new IOException("this end of the ring was closed");
        }
        if (consumerGone(false)) {
            throw new IOException("the receiving end is closed");
        }
        sendClock.start(timeoutNanos);
        if (length <= maxFragment) {
            return write(WHOLE, src, offset, length, length, 0);
        }
        boolean first = true;
        int sent = 0;
        try {
            while (sent < length) {
                int n = Math.min(maxFragment, length - sent);
                int type = first ? FIRST : sent + n == length ? LAST : MORE;
                if (!write(type, src, offset + sent, n, length, RECORD_HEADER_LENGTH)) {
                    if (!first) {
                        abort();
                    }
                    return false;
                }
                first = false;
                sent += n;
            }
            return true;
        } catch (InterruptedException e) {
            if (!first) {
                abort();
            }
            throw e;
        }
    }

    /** Closes the producing end: the consumer reads what was sent, then gets EOF. Harmless when repeated. */
    public void closeProducer() {
        if (!region.scope().isAlive() || isProducerClosed()) {
            return;
        }
        long tail = (long) LONG.getAcquire(region, (long) TAIL_OFFSET);
        long head = (long) LONG.getAcquire(region, (long) HEAD_OFFSET);
        Futex.INT.setRelease(region, (long) PRODUCER_CLOSED_OFFSET, 1);
        if (capacity - (tail - head) >= RECORD_HEADER_LENGTH) {
            // Toward the end of the area there is always room for a 16-byte record: no padding needed.
            header(tail, EOF, 0, 0);
            publishTail(tail + RECORD_HEADER_LENGTH);
        }
    }

    /**
     * Marks the producing end closed without writing the EOF record (for when another thread may be
     * writing): the consumer sees EOF once it has read everything and finds the ring empty.
     */
    public void markProducerClosed() {
        if (region.scope().isAlive()) {
            Futex.INT.setRelease(region, (long) PRODUCER_CLOSED_OFFSET, 1);
        }
    }

    private boolean isProducerClosed() {
        return (int) Futex.INT.getAcquire(region, (long) PRODUCER_CLOSED_OFFSET) != 0;
    }

    private boolean write(int type, byte[] src, int offset, int length, int total, int reserve)
            throws IOException, InterruptedException {
        long tail = (long) LONG.getAcquire(region, (long) TAIL_OFFSET);
        int need = align(RECORD_HEADER_LENGTH + length);
        int toEnd = capacity - (int) (tail & mask);
        int pad = need > toEnd ? toEnd : 0;
        if (!awaitRoom(tail, pad + need + reserve)) {
            return false;
        }
        if (pad > 0) {
            header(tail, PAD, pad, 0);
            tail += pad;
        }
        long at = DATA_OFFSET + (tail & mask);
        MemorySegment.copy(src, offset, region, ValueLayout.JAVA_BYTE, at + RECORD_HEADER_LENGTH, length);
        header(tail, type, length, total);
        publishTail(tail + need);
        return true;
    }

    private void abort() {
        long tail = (long) LONG.getAcquire(region, (long) TAIL_OFFSET);
        header(tail, ABORT, 0, 0);
        publishTail(tail + RECORD_HEADER_LENGTH);
    }

    private void header(long tail, int type, int length, long total) {
        long at = DATA_OFFSET + (tail & mask);
        region.set(ValueLayout.JAVA_INT, at + RECORD_LENGTH_OFFSET, length);
        region.set(ValueLayout.JAVA_INT, at + RECORD_TYPE_OFFSET, type);
        region.set(ValueLayout.JAVA_LONG, at + RECORD_TOTAL_OFFSET, total);
    }

    private void publishTail(long tail) {
        LONG.setRelease(region, (long) TAIL_OFFSET, tail);
        Futex.wakeIfWaiting(region, TAIL_OFFSET, CONSUMER_WAITERS_OFFSET, 1);
    }

    private boolean awaitRoom(long tail, int bytes) throws IOException, InterruptedException {
        boolean spun = false;
        long waitStart = 0;
        while (capacity - (tail - headCache) < bytes) {
            long head = (long) LONG.getAcquire(region, (long) HEAD_OFFSET);
            if (head != headCache) {
                headCache = head;
                continue;
            }
            if (consumerGone(false)) {
                throw new IOException("the receiving end is closed");
            }
            long remaining = sendClock.remaining();
            if (remaining <= 0) {
                return false;
            }
            if (!spun) {
                spun = true;
                waitStart = System.nanoTime();
                if (sendSpin.untilChanged(region, HEAD_OFFSET, (int) head, remaining)) {
                    continue;
                }
            }
            if (Spin.block(region, HEAD_OFFSET, (int) head, PRODUCER_WAITERS_OFFSET, Math.min(remaining, SLICE_NANOS))) {
                sendSpin.blocked(System.nanoTime() - waitStart);
            } else if (consumerGone(true)) {
                throw new IOException("the receiving process died");
            }
        }
        return true;
    }

    private boolean consumerGone(boolean checkLiveness) {
        if ((int) Futex.INT.getAcquire(region, (long) CONSUMER_CLOSED_OFFSET) != 0) {
            return true;
        }
        return checkLiveness && ProcessTag.isDead((long) LONG.getAcquire(region, (long) CONSUMER_TAG_OFFSET));
    }

    // ------------------------------------------------------------------ consumer

    /**
     * Receives one message into {@code into}, waiting up to {@code timeoutNanos}.
     *
     * @return its length, or {@code -1} on timeout
     * @throws EOFException         once the producer closed or died and every message it sent was received
     * @throws InterruptedException if interrupted while waiting
     */
    public int receive(MessageBuffer into, long timeoutNanos) throws EOFException, InterruptedException {
        checkOpen();
        receiveClock.start(timeoutNanos);
        while (true) {
            long head = (long) LONG.getAcquire(region, (long) HEAD_OFFSET);
            if (!awaitRecord(head)) {
                return -1;
            }
            long at = DATA_OFFSET + (head & mask);
            int length = region.get(ValueLayout.JAVA_INT, at + RECORD_LENGTH_OFFSET);
            int type = region.get(ValueLayout.JAVA_INT, at + RECORD_TYPE_OFFSET);
            switch (type) {
                case WHOLE -> {
                    MemorySegment.copy(region, ValueLayout.JAVA_BYTE, at + RECORD_HEADER_LENGTH, into.prepare(length), 0, length);
                    advance(head + align(RECORD_HEADER_LENGTH + length));
                    return length;
                }
                case FIRST -> {
                    long total = region.get(ValueLayout.JAVA_LONG, at + RECORD_TOTAL_OFFSET);
                    assembly = new byte[(int) total];
                    assembled = 0;
                    fragment(at, length, head);
                }
                case MORE -> fragment(at, length, head);
                case LAST -> {
                    fragment(at, length, head);
                    byte[] message = assembly;
                    assembly = null;
                    into.adopt(message, message.length);
                    return message.length;
                }
                case PAD -> advance(head + length);
                case ABORT -> {
                    assembly = null;
                    advance(head + RECORD_HEADER_LENGTH);
                }
                case EOF -> throw new EOFException("the sending end was closed");
                default -> throw new IllegalStateException("corrupt SPSC ring: record type " + type + " at byte " + head);
            }
        }
    }

    /**
     * Length of the next message, waiting up to {@code timeoutNanos} for its first record; the
     * message stays in the ring.
     *
     * @return the length, or {@code -1} on timeout
     * @throws EOFException as {@link #receive}
     */
    public int peekLength(long timeoutNanos) throws EOFException, InterruptedException {
        checkOpen();
        if (assembly != null) {
            return assembly.length;
        }
        receiveClock.start(timeoutNanos);
        while (true) {
            long head = (long) LONG.getAcquire(region, (long) HEAD_OFFSET);
            if (!awaitRecord(head)) {
                return -1;
            }
            long at = DATA_OFFSET + (head & mask);
            int length = region.get(ValueLayout.JAVA_INT, at + RECORD_LENGTH_OFFSET);
            switch (region.get(ValueLayout.JAVA_INT, at + RECORD_TYPE_OFFSET)) {
                case WHOLE -> {
                    return length;
                }
                case FIRST -> {
                    return (int) region.get(ValueLayout.JAVA_LONG, at + RECORD_TOTAL_OFFSET);
                }
                case PAD -> advance(head + length);
                case ABORT -> advance(head + RECORD_HEADER_LENGTH);
                case EOF -> throw new EOFException("the sending end was closed");
                default -> throw new IllegalStateException("corrupt SPSC ring at byte " + head);
            }
        }
    }

    /**
     * Whether a message (or EOF) can be received without waiting, waiting up to {@code timeoutNanos} for one.
     */
    public boolean awaitReadable(long timeoutNanos) throws InterruptedException {
        checkOpen();
        if (assembly != null) {
            return true;
        }
        try {
            return peekLength(timeoutNanos) >= 0;
        } catch (EOFException e) {
            return true;
        }
    }

    /**
     * Waits up to {@code timeoutNanos} until there is something to receive (a record, or the producer's close)
     * without receiving it: for a thread that stands by while other threads of this process may receive
     * meanwhile (each {@code receive} still serialised by its callers). It touches no state of this view but
     * its own spin budget. Returns early when {@link #producerGone()} is called. A producer found dead after a
     * slice of {@value #LIVENESS_CHECK_MILLIS} ms without progress is marked closed, so that the next
     * {@code receive} reports EOF once everything it sent was read.
     *
     * @param spinFirst whether to spin before blocking (worth it only when a message is expected soon)
     * @return whether something may be there to receive (a {@code receive} with timeout 0 tells what), or
     *         {@code false} on timeout
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitPublished(long timeoutNanos, boolean spinFirst) throws InterruptedException {
        checkOpen();
        long start = 0;
        boolean spun = !spinFirst;
        while (true) {
            long tail = (long) LONG.getAcquire(region, (long) TAIL_OFFSET);
            if (tail != (long) LONG.getAcquire(region, (long) HEAD_OFFSET) || isProducerClosed()) {
                return true;
            }
            long now = System.nanoTime();
            if (start == 0) {
                start = now;
            }
            long remaining = timeoutNanos - (now - start);
            if (remaining <= 0) {
                return false;
            }
            if (!spun) {
                spun = true;
                if (publishSpin.untilChanged(region, TAIL_OFFSET, (int) tail, remaining)) {
                    continue;
                }
            }
            // Not Spin.block: that one sleeps on through a wake-up that changed no word, and producerGone()
            // changes only the closed flag.
            Futex.INT.getAndAdd(region, (long) CONSUMER_WAITERS_OFFSET, 1);
            try {
                if ((long) LONG.getAcquire(region, (long) TAIL_OFFSET) == tail && !isProducerClosed()
                        && Futex.waitNanos(region, TAIL_OFFSET, (int) tail, Math.min(remaining, SLICE_NANOS)) == Futex.TIMED_OUT
                        && (long) LONG.getAcquire(region, (long) TAIL_OFFSET) == tail
                        && ProcessTag.isDead((long) LONG.getAcquire(region, (long) PRODUCER_TAG_OFFSET))) {
                    markProducerClosed();
                }
            } finally {
                Futex.INT.getAndAdd(region, (long) CONSUMER_WAITERS_OFFSET, -1);
            }
            if (spinFirst && (long) LONG.getAcquire(region, (long) TAIL_OFFSET) != tail) {
                publishSpin.blocked(System.nanoTime() - start);
            }
        }
    }

    /**
     * Marks the producing end closed on behalf of a producer known to be gone (say its process was seen to
     * end), and wakes a consumer blocked in {@link #awaitPublished}: it then receives what was sent, then EOF.
     * A consumer blocked in {@code receive} notices within a liveness slice. Harmless when repeated.
     */
    public void producerGone() {
        if (region.scope().isAlive()) {
            markProducerClosed();
            Futex.wakeAll(region, TAIL_OFFSET);
        }
    }

    /** Closes the consuming end: the producer's sends fail with {@link IOException}. Harmless when repeated. */
    public void closeConsumer() {
        if (!region.scope().isAlive()) {
            return;
        }
        Futex.INT.setRelease(region, (long) CONSUMER_CLOSED_OFFSET, 1);
        // Moving the head wakes a producer waiting for room, which then sees the flag.
        long tail = (long) LONG.getAcquire(region, (long) TAIL_OFFSET);
        LONG.setRelease(region, (long) HEAD_OFFSET, tail);
        Futex.wakeAll(region, HEAD_OFFSET);
    }

    private void fragment(long at, int length, long head) {
        MemorySegment.copy(region, ValueLayout.JAVA_BYTE, at + RECORD_HEADER_LENGTH, assembly, assembled, length);
        assembled += length;
        advance(head + align(RECORD_HEADER_LENGTH + length));
    }

    private void advance(long head) {
        LONG.setRelease(region, (long) HEAD_OFFSET, head);
        Futex.wakeIfWaiting(region, HEAD_OFFSET, PRODUCER_WAITERS_OFFSET, 1);
    }

    /** Waits until a record is at {@code head}: {@code false} on timeout. */
    private boolean awaitRecord(long head) throws EOFException, InterruptedException {
        boolean spun = false;
        long waitStart = 0;
        while (head == tailCache) {
            long tail = (long) LONG.getAcquire(region, (long) TAIL_OFFSET);
            if (tail != tailCache) {
                tailCache = tail;
                continue;
            }
            if (isProducerClosed() && (long) LONG.getAcquire(region, (long) TAIL_OFFSET) == tail) {
                assembly = null;
                throw new EOFException("the sending end was closed");
            }
            long remaining = receiveClock.remaining();
            if (remaining <= 0) {
                return false;
            }
            if (!spun) {
                spun = true;
                waitStart = System.nanoTime();
                if (receiveSpin.untilChanged(region, TAIL_OFFSET, (int) tail, remaining)) {
                    continue;
                }
            }
            if (Spin.block(region, TAIL_OFFSET, (int) tail, CONSUMER_WAITERS_OFFSET, Math.min(remaining, SLICE_NANOS))) {
                receiveSpin.blocked(System.nanoTime() - waitStart);
            } else if (ProcessTag.isDead((long) LONG.getAcquire(region, (long) PRODUCER_TAG_OFFSET))
                    && (long) LONG.getAcquire(region, (long) TAIL_OFFSET) == tail) {
                assembly = null;
                throw new EOFException("the sending process died");
            }
        }
        return true;
    }

    /**
     * The timeout of one call, whose clock starts only once the call has to wait: a send that finds room,
     * or a receive that finds a record, reads no clock. One per end (each end's calls are serialised by
     * its caller).
     */
    private static final class WaitClock {
        private long timeout;
        private long deadline;
        private boolean started;

        void start(long timeoutNanos) {
            timeout = timeoutNanos;
            started = false;
        }

        /** Time left (the clock starts at the first call after {@link #start}). */
        long remaining() {
            long now = System.nanoTime();
            if (!started) {
                started = true;
                deadline = now + timeout; // wraps for huge timeouts; the difference below wraps back
            }
            return deadline - now;
        }
    }

    private void checkOpen() {
        if (!region.scope().isAlive()) {
            throw new IllegalStateException("the ring's shared memory is closed in this process");
        }
    }

    private static int align(int n) {
        return (n + RECORD_ALIGNMENT - 1) & -RECORD_ALIGNMENT;
    }
}
