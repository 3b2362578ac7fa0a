package multiprocessing4j;

import java.io.EOFException;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import multiprocessing4j.internal.codec.Codec;
import multiprocessing4j.internal.codec.Codecs;
import multiprocessing4j.internal.codec.EncodeBuffer;
import multiprocessing4j.internal.ipc.MessageBuffer;
import multiprocessing4j.internal.ipc.PipeDescriptor;
import multiprocessing4j.internal.ipc.SpscRing;
import multiprocessing4j.internal.ipc.SpscRingDescriptor;
import multiprocessing4j.internal.platform.Futex;
import multiprocessing4j.internal.shm.SharedSegment;

/**
 * One end of a {@link Pipe}: Python's {@code multiprocessing.connection.Connection}. It sends
 * objects ({@link #send}, serialized in the calling thread) or raw bytes ({@link #sendBytes}) to
 * the other end, and receives what the other end sent ({@link #recv}, {@link #recvBytes},
 * {@link #recvBytesInto}), in order.
 *
 * <pre>{@code
 * Connection end = pipe.left();
 * end.send(new Request(42));
 * if (end.poll(Duration.ofSeconds(1))) {
 *     Reply r = (Reply) end.recv();
 * }
 * }</pre>
 *
 * <p><b>The other end closed or died.</b> Once the other end was {@link #close() closed}, or the
 * process holding it died (its pid and start time are checked every 100 ms while waiting), this
 * end still receives every message sent before, then {@code recv} throws {@link EOFException}
 * (at once, and at every later call); {@code send} throws {@link IOException}. Nothing hangs:
 * a process killed with SIGKILL is noticed within about 100 ms.
 *
 * <p><b>Holders.</b> A connection is a handle: serializing it (capturing it in a lambda for a child,
 * sending it through a queue or another pipe) sends its name, and the copy attaches in the
 * receiving process, which becomes the end's <em>holder</em> (whose death means EOF for the other
 * end). Unlike an OS file descriptor, an end is one object wherever it is: {@link #close()} in any
 * process closes it for all (so there is no need to close "the parent's copy" of an end given to a
 * child, as Python programs must). One process at a time should use an end; the threads of a
 * process may share it (sends are serialised among them, and receives).
 *
 * <p><b>Errors.</b> An object that cannot be serialized fails in {@link #send} with
 * {@link multiprocessing4j.internal.codec.NotSerializableValueException} naming its class; nothing
 * is sent. Calling {@code send} on the receive-only end of a one-way pipe, or {@code recv} on the
 * send-only one, throws {@link IllegalStateException}.
 *
 * <p><b>Memory consistency effects.</b> Actions before {@code send} happen-before actions after the
 * {@code recv} that returns that message, in whichever process.
 */
public final class Connection implements AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final ThreadLocal<EncodeBuffer> ENCODE = ThreadLocal.withInitial(EncodeBuffer::new);

    private final transient SharedSegment segment;
    private final transient boolean left;
    private final transient SpscRing inbound;
    private final transient SpscRing outbound;
    private final transient Codec codec = Codecs.fromSystemProperty();
    private final transient ReentrantLock sendLock = new ReentrantLock();
    private final transient ReentrantLock recvLock = new ReentrantLock();
    private final transient MessageBuffer received = new MessageBuffer();
    private transient volatile boolean closed;

    Connection(SharedSegment segment, boolean left) {
        this.segment = segment;
        this.left = left;
        MemorySegment p = segment.payload();
        boolean duplex = p.get(ValueLayout.JAVA_INT, PipeDescriptor.DUPLEX_OFFSET) != 0;
        int capacity = p.get(ValueLayout.JAVA_INT, PipeDescriptor.CAPACITY_OFFSET);
        SpscRingDescriptor.checkCapacity(capacity);
        PipeDescriptor.checkPayload(p.byteSize(), duplex, capacity);
        long ringLength = SpscRingDescriptor.regionLength(capacity);
        SpscRing rightToLeft = SpscRing.attach(p.asSlice(PipeDescriptor.RIGHT_TO_LEFT_OFFSET, ringLength));
        SpscRing leftToRight = duplex ? SpscRing.attach(p.asSlice(PipeDescriptor.leftToRightOffset(capacity), ringLength)) : null;
        this.inbound = left ? rightToLeft : leftToRight;
        this.outbound = left ? leftToRight : rightToLeft;
        if (inbound != null) {
            inbound.claimConsumer();
        }
        if (outbound != null) {
            outbound.claimProducer();
        }
    }

    /** Whether this end can receive. */
    public boolean readable() {
        return inbound != null;
    }

    /** Whether this end can send. */
    public boolean writable() {
        return outbound != null;
    }

    /**
     * Sends {@code obj} (any serializable object, or {@code null}), waiting while the pipe is full.
     *
     * @throws IOException              if the other end was closed or its process died
     * @throws IllegalArgumentException (a {@code NotSerializableValueException}) if {@code obj} cannot be serialized
     * @throws InterruptedException     if interrupted while waiting; nothing was sent
     */
    public void send(Object obj) throws IOException, InterruptedException {
        sendObject(obj, Long.MAX_VALUE);
    }

    /**
     * Sends {@code obj}, waiting up to {@code timeout} for room.
     *
     * @throws TimeoutException if the pipe stayed full; nothing was sent
     */
    public void send(Object obj, Duration timeout) throws IOException, InterruptedException, TimeoutException {
        if (!sendObject(obj, ProcessQueue.nanos(timeout))) {
            throw new TimeoutException("the pipe stayed full for " + timeout);
        }
    }

    /** Sends all of {@code bytes} as one message. */
    public void sendBytes(byte[] bytes) throws IOException, InterruptedException {
        sendBytes(bytes, 0, bytes.length);
    }

    /**
     * Sends {@code bytes[offset, offset + length)} as one message, waiting while the pipe is full.
     *
     * @throws IndexOutOfBoundsException if the range is outside the array
     * @throws IOException               if the other end was closed or its process died
     */
    public void sendBytes(byte[] bytes, int offset, int length) throws IOException, InterruptedException {
        sendRaw(bytes, offset, length, Long.MAX_VALUE);
    }

    /**
     * {@link #sendBytes(byte[], int, int)} waiting at most {@code timeout} for room.
     *
     * @throws TimeoutException if the pipe stayed full; nothing of the message is received
     */
    public void sendBytes(byte[] bytes, int offset, int length, Duration timeout)
            throws IOException, InterruptedException, TimeoutException {
        if (!sendRaw(bytes, offset, length, ProcessQueue.nanos(timeout))) {
            throw new TimeoutException("the pipe stayed full for " + timeout);
        }
    }

    /**
     * Receives the next object, waiting for it.
     *
     * @throws EOFException         once the other end is closed or dead and every message it sent was received
     * @throws InterruptedException if interrupted while waiting
     * @throws multiprocessing4j.internal.codec.CodecException if the message cannot be deserialized here (it is consumed)
     */
    public Object recv() throws IOException, InterruptedException {
        return recvObject(Long.MAX_VALUE);
    }

    /**
     * Receives the next object, waiting up to {@code timeout}.
     *
     * @throws TimeoutException if nothing arrived in time
     */
    public Object recv(Duration timeout) throws IOException, InterruptedException, TimeoutException {
        return recvObject(ProcessQueue.nanos(timeout), timeout);
    }

    /** Receives the next message's bytes, waiting for it. */
    public byte[] recvBytes() throws IOException, InterruptedException {
        byte[] b = recvRaw(Long.MAX_VALUE);
        return b;
    }

    /**
     * Receives the next message's bytes, waiting up to {@code timeout}.
     *
     * @throws TimeoutException if nothing arrived in time
     */
    public byte[] recvBytes(Duration timeout) throws IOException, InterruptedException, TimeoutException {
        byte[] b = recvRaw(ProcessQueue.nanos(timeout));
        if (b == null) {
            throw new TimeoutException("nothing arrived within " + timeout);
        }
        return b;
    }

    /** {@link #recvBytesInto(byte[], int)} at offset 0. */
    public int recvBytesInto(byte[] buffer) throws IOException, InterruptedException {
        return recvBytesInto(buffer, 0);
    }

    /**
     * Receives the next message into {@code buffer} from {@code offset}, waiting for it.
     *
     * @return the message length
     * @throws IllegalArgumentException if the message does not fit; it stays in the pipe (unlike
     *                                  Python's {@code BufferTooShort}, nothing is lost)
     */
    public int recvBytesInto(byte[] buffer, int offset) throws IOException, InterruptedException {
        Objects.checkIndex(offset, buffer.length + 1);
        SpscRing in = inbound();
        recvLock.lockInterruptibly();
        try {
            int length = in.peekLength(Long.MAX_VALUE);
            if (length > buffer.length - offset) {
                throw new IllegalArgumentException("the next message has " + length + " bytes, the buffer has room for "
                        + (buffer.length - offset) + " from offset " + offset + "; the message stays in the pipe");
            }
            int n = in.receive(received, Long.MAX_VALUE);
            System.arraycopy(received.array(), 0, buffer, offset, n);
            return n;
        } finally {
            recvLock.unlock();
        }
    }

    /** Whether a message (or EOF) can be received now without waiting. */
    public boolean poll() throws InterruptedException {
        return poll(Duration.ZERO);
    }

    /** Waits up to {@code timeout} until a message (or EOF) can be received without waiting. */
    public boolean poll(Duration timeout) throws InterruptedException {
        SpscRing in = inbound();
        recvLock.lockInterruptibly();
        try {
            return in.awaitReadable(ProcessQueue.nanos(timeout));
        } finally {
            recvLock.unlock();
        }
    }

    /**
     * Closes this end for every process: the other end receives what was sent, then EOF; its sends
     * fail. Unmaps the pipe here; once both ends are closed its shared memory is removed. Harmless when repeated.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (segment.isClosed()) {
            return;
        }
        // A thread of this process may be blocked in send or recv holding a lock: do not wait for it
        // for long. Without the send lock only the flag is set (writing the EOF record then could
        // interleave with that thread's records); the other end sees the flag once it has read all.
        boolean sending = tryLock(sendLock);
        try {
            if (outbound != null) {
                if (sending) {
                    outbound.closeProducer();
                } else {
                    outbound.markProducerClosed();
                }
            }
            if (inbound != null) {
                inbound.closeConsumer();
            }
            int bit = left ? 1 : 2;
            int before = (int) Futex.INT.getAndBitwiseOr(segment.payload(), (long) PipeDescriptor.CLOSED_ENDS_OFFSET, bit);
            if ((before | bit) == 3) {
                // Both ends closed: nobody can use the pipe any more.
                segment.unlink();
            }
            // A thread still blocked here notices within one wait slice (IllegalStateException).
            segment.close();
        } finally {
            if (sending) {
                sendLock.unlock();
            }
        }
    }

    private static boolean tryLock(ReentrantLock lock) {
        try {
            return lock.tryLock(200, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether {@link #close()} was called on this handle. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "Connection[" + segment.name() + ", " + (left ? "left" : "right")
                + (readable() && writable() ? ", duplex" : readable() ? ", receives" : ", sends") + (closed ? ", closed]" : "]");
    }

    private boolean sendObject(Object obj, long timeoutNanos) throws IOException, InterruptedException {
        SpscRing out = outbound();
        EncodeBuffer buffer = ENCODE.get();
        int n = codec.encode(obj, buffer.clear());
        return send(out, buffer.array(), 0, n, timeoutNanos);
    }

    private boolean sendRaw(byte[] bytes, int offset, int length, long timeoutNanos) throws IOException, InterruptedException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        return send(outbound(), bytes, offset, length, timeoutNanos);
    }

    private boolean send(SpscRing out, byte[] bytes, int offset, int length, long timeoutNanos) throws IOException, InterruptedException {
        sendLock.lockInterruptibly();
        try {
            checkOpen();
            return out.send(bytes, offset, length, timeoutNanos);
        } finally {
            sendLock.unlock();
        }
    }

    private Object recvObject(long timeoutNanos) throws IOException, InterruptedException {
        try {
            return recvObject(timeoutNanos, null);
        } catch (TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    private Object recvObject(long timeoutNanos, Duration timeout) throws IOException, InterruptedException, TimeoutException {
        SpscRing in = inbound();
        recvLock.lockInterruptibly();
        try {
            checkOpen();
            int n = in.receive(received, timeoutNanos);
            if (n < 0) {
                throw new TimeoutException("nothing arrived within " + timeout);
            }
            byte[] bytes = received.array();
            Object value = codec.decode(bytes, 0, n);
            received.trim(1 << 20);
            return value;
        } finally {
            recvLock.unlock();
        }
    }

    private byte[] recvRaw(long timeoutNanos) throws IOException, InterruptedException {
        SpscRing in = inbound();
        recvLock.lockInterruptibly();
        try {
            checkOpen();
            MessageBuffer exact = new MessageBuffer(0);
            int n = in.receive(exact, timeoutNanos);
            return n < 0 ? null : exact.toByteArray();
        } finally {
            recvLock.unlock();
        }
    }

    private SpscRing inbound() {
        if (inbound == null) {
            throw new IllegalStateException("this is the send-only (right) end of a one-way pipe: it cannot receive");
        }
        return inbound;
    }

    private SpscRing outbound() {
        if (outbound == null) {
            throw new IllegalStateException("this is the receive-only (left) end of a one-way pipe: it cannot send");
        }
        return outbound;
    }

    private void checkOpen() throws IOException {
        if (closed || segment.isClosed()) {
            throw new IOException("this connection is closed");
        }
    }

    @Serial
    private Object writeReplace() {
        segment.markHandedOff();
        return new Handle(segment.name(), left);
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("a Connection is serialized as its handle, never directly");
    }

    /** The serialized form: the pipe's name and which end; reading it attaches and makes this process the end's holder. */
    private record Handle(String name, boolean left) implements Serializable {
        @Serial
        private Object readResolve() {
            SharedSegment segment = SharedSegment.attach(name, PipeDescriptor.KIND);
            try {
                return new Connection(segment, left);
            } catch (RuntimeException e) {
                segment.close();
                throw e;
            }
        }
    }
}
