package multiprocessing4j;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.AbstractQueue;
import java.util.Collection;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import multiprocessing4j.internal.codec.Codec;
import multiprocessing4j.internal.codec.Codecs;
import multiprocessing4j.internal.codec.EncodeBuffer;
import multiprocessing4j.internal.ipc.MessageBuffer;
import multiprocessing4j.internal.ipc.MpmcRing;
import multiprocessing4j.internal.ipc.MpmcRingDescriptor;
import multiprocessing4j.internal.ipc.QueueDescriptor;
import multiprocessing4j.internal.shm.SharedSegment;

/**
 * A {@link BlockingQueue} shared by processes: Python's {@code multiprocessing.Queue} and
 * {@code SimpleQueue}. Any number of processes put and take; each message is taken exactly once,
 * and the messages of one producer thread are taken in the order it put them.
 *
 * <pre>{@code
 * try (ProcessQueue<String> lines = ProcessQueue.create(1000)) {
 *     ChildProcess worker = ChildProcess.start(() -> {       // the captured queue attaches in the child
 *         for (String line; !(line = lines.take()).equals("END"); ) handle(line);
 *     });
 *     for (String line : input) lines.put(line);           // blocks while 1000 lines wait
 *     lines.put("END");
 *     worker.join();
 * }
 * }</pre>
 *
 * <p><b>Messages.</b> A message is serialized by the library's codec in the thread that puts it,
 * so an object that cannot be serialized fails <em>there</em>, with
 * {@link multiprocessing4j.internal.codec.NotSerializableValueException} (an
 * {@link IllegalArgumentException}) naming the offending class; nothing is sent. (CPython
 * serializes in a feeder thread, where such errors are printed and the message silently lost.)
 * What is taken is a copy. {@code null} is refused, as by every {@code BlockingQueue}. Messages up
 * to the <em>inline size</em> ({@value #DEFAULT_INLINE_BYTES} bytes serialized, by default) travel
 * inside the queue's shared memory; larger ones, of any size, travel in a shared segment of their
 * own whose name is queued, so they never hold up the queue for others and never tear; the taker
 * removes that segment. A large message costs a segment creation (about 0.1 ms) more than a small one.
 *
 * <p><b>Capacity.</b> Shared memory has a fixed size, so every queue is bounded:
 * {@link #create(int)} takes the capacity (messages); {@link #create()} makes a queue of
 * {@value #DEFAULT_CAPACITY} messages, large enough that producers rarely block, which plays the
 * role of Python's unbounded queue. {@link #put} blocks while the queue is full,
 * {@link #offer(Object)} returns {@code false}. (There is no truly unbounded queue: a producer
 * that outruns its consumers by more than the capacity waits, where CPython's would buffer in its
 * own memory.)
 *
 * <p><b>Across processes.</b> The queue is a <em>handle</em>: serializing it (capturing it in a
 * lambda for a child or a pool worker, sending it through another queue) sends its name, and the
 * copy attaches to the same queue. {@link #size()}, {@link #isEmpty()} and
 * {@link #remainingCapacity()} are snapshots that other processes may change at any moment
 * (exact while nobody is in the middle of a put or take). {@link #peek()} and iteration are not
 * supported: another process may take the head at any time.
 *
 * <p><b>When a process dies.</b> A process killed in the middle of a put or take loses that one
 * message (the put or take never returned) and nothing else: its claimed slot is released by the
 * first process that waits on it for {@value MpmcRing#LIVENESS_CHECK_MILLIS} ms and finds the
 * claimer (pid and start time) gone. Other processes' messages are neither lost nor duplicated.
 *
 * <p><b>Blocking.</b> Waits spin for 5 to 50 microseconds (longer while messages tend to come
 * soon after a wait begins, shorter for an idle queue; yielding the CPU after the first few), then
 * block on a futex; every blocking
 * method has a timeout variant and throws {@link InterruptedException} when interrupted (noticed
 * within 50 ms while blocked).
 *
 * <p><b>Closing.</b> {@link #close()} unmaps the queue in this process (harmless twice); using it
 * afterwards throws {@link IllegalStateException}. The queue itself lives on for other processes;
 * its storage is removed when the creating JVM exits if the queue never left it, otherwise when the
 * whole process tree has ended (see {@link multiprocessing4j.shared.SharedMemory}).
 *
 * <p><b>Memory consistency effects.</b> Actions in a thread (of any process) before putting a
 * message happen-before actions after the take of that message, in whichever process.
 *
 * @param <E> the message type
 */
public class ProcessQueue<E> extends AbstractQueue<E> implements BlockingQueue<E>, AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Capacity of {@link #create()}. */
    public static final int DEFAULT_CAPACITY = 32_768;
    /** Serialized size up to which a message travels inside the queue. */
    public static final int DEFAULT_INLINE_BYTES = 224;
    /** Largest capacity. */
    public static final int MAX_CAPACITY = MpmcRingDescriptor.MAX_SLOT_COUNT;

    private static final ThreadLocal<EncodeBuffer> ENCODE = ThreadLocal.withInitial(EncodeBuffer::new);
    private static final ThreadLocal<MessageBuffer> DECODE = ThreadLocal.withInitial(MessageBuffer::new);

    final transient SharedSegment segment;
    final transient MemorySegment header;
    final transient MpmcRing ring;
    private final transient Codec codec;
    private final transient int capacity;

    ProcessQueue(SharedSegment segment, boolean create, int capacity, int slotLength) {
        this.segment = segment;
        this.header = segment.payload();
        this.codec = Codecs.fromSystemProperty();
        MemorySegment ringRegion = header.asSlice(QueueDescriptor.RING_OFFSET);
        if (create) {
            header.set(ValueLayout.JAVA_INT, QueueDescriptor.CAPACITY_OFFSET, capacity);
            header.set(ValueLayout.JAVA_INT, QueueDescriptor.JOINABLE_OFFSET, this instanceof JoinableProcessQueue ? 1 : 0);
            this.ring = MpmcRing.initialise(ringRegion, capacity, slotLength);
        } else {
            QueueDescriptor.checkPayload(header.byteSize());
            this.ring = MpmcRing.attach(ringRegion);
        }
        this.capacity = ring.capacity();
    }

    /** A queue of {@value #DEFAULT_CAPACITY} messages (Python's unbounded {@code Queue()}; see the class comment). */
    public static <E> ProcessQueue<E> create() {
        return create(DEFAULT_CAPACITY);
    }

    /**
     * A queue holding at most {@code capacity} messages (Python's {@code Queue(maxsize)}).
     *
     * @throws IllegalArgumentException if {@code capacity} is not in [1, {@value #MAX_CAPACITY}]
     */
    public static <E> ProcessQueue<E> create(int capacity) {
        return create(capacity, DEFAULT_INLINE_BYTES);
    }

    /**
     * A queue of {@code capacity} messages carrying messages up to {@code inlineBytes} serialized
     * bytes inside its shared memory (larger ones in side segments): raise it when most messages
     * are larger than {@value #DEFAULT_INLINE_BYTES} bytes. The queue occupies about
     * {@code capacity * (inlineBytes + 32)} bytes of /dev/shm.
     *
     * @throws IllegalArgumentException for a capacity outside [1, {@value #MAX_CAPACITY}] or an inline size outside [0, 16 MiB]
     */
    public static <E> ProcessQueue<E> create(int capacity, int inlineBytes) {
        int slotLength = checkGeometry(capacity, inlineBytes);
        SharedSegment segment = SharedSegment.create(null, QueueDescriptor.KIND, QueueDescriptor.payloadLength(capacity, slotLength));
        try {
            return new ProcessQueue<>(segment, true, capacity, slotLength);
        } catch (RuntimeException e) {
            segment.close();
            segment.unlink();
            throw e;
        }
    }

    static int checkGeometry(int capacity, int inlineBytes) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("a ProcessQueue holds 1 to " + MAX_CAPACITY + " messages, capacity was " + capacity);
        }
        return MpmcRingDescriptor.slotLengthFor(inlineBytes);
    }

    /**
     * Attaches to a queue by its {@link #name()} (handles do this by themselves when deserialized).
     *
     * @throws IllegalArgumentException if the name does not name a queue
     * @throws IllegalStateException    if no such queue exists (any more)
     */
    @SuppressWarnings("unchecked")
    public static <E> ProcessQueue<E> attach(String name) {
        SharedSegment segment = SharedSegment.attach(name, QueueDescriptor.KIND);
        try {
            if (segment.payload().get(ValueLayout.JAVA_INT, QueueDescriptor.JOINABLE_OFFSET) != 0) {
                return new JoinableProcessQueue<>(segment, false, 0, 0);
            }
            return new ProcessQueue<>(segment, false, 0, 0);
        } catch (RuntimeException e) {
            segment.close();
            throw e;
        }
    }

    /** The name of the queue's shared memory, for {@link #attach(String)}. */
    public String name() {
        return segment.name();
    }

    /** Most messages the queue holds. */
    public int capacity() {
        return capacity;
    }

    /**
     * Puts {@code e}, waiting while the queue is full.
     *
     * @throws NullPointerException     if {@code e} is null
     * @throws IllegalArgumentException (a {@code NotSerializableValueException}) if {@code e} cannot be serialized
     * @throws InterruptedException     if interrupted while waiting; the message was not put
     * @throws IllegalStateException    if the queue was closed in this process
     */
    @Override
    public void put(E e) throws InterruptedException {
        if (!send(e, Long.MAX_VALUE)) {
            throw new IllegalStateException("put did not complete");
        }
    }

    /**
     * Puts {@code e}, waiting up to {@code timeout} while the queue is full.
     *
     * @return {@code false} if the queue stayed full
     */
    @Override
    public boolean offer(E e, long timeout, TimeUnit unit) throws InterruptedException {
        return send(e, unit.toNanos(timeout));
    }

    /** {@link #offer(Object, long, TimeUnit)} with a {@link Duration}. */
    public boolean offer(E e, Duration timeout) throws InterruptedException {
        return send(e, nanos(timeout));
    }

    /** Puts {@code e} if there is room now. @return {@code false} if the queue is full */
    @Override
    public boolean offer(E e) {
        try {
            return send(e, 0);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Takes the next message, waiting while the queue is empty. */
    @Override
    public E take() throws InterruptedException {
        return receive(Long.MAX_VALUE);
    }

    /** Takes the next message, waiting up to {@code timeout}; {@code null} if the queue stayed empty. */
    @Override
    public E poll(long timeout, TimeUnit unit) throws InterruptedException {
        return receive(unit.toNanos(timeout));
    }

    /** {@link #poll(long, TimeUnit)} with a {@link Duration}. */
    public E poll(Duration timeout) throws InterruptedException {
        return receive(nanos(timeout));
    }

    /** Takes the next message if there is one now; {@code null} otherwise. */
    @Override
    public E poll() {
        try {
            return receive(0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Approximate across processes (see the class comment). */
    @Override
    public int size() {
        checkOpen();
        return ring.size();
    }

    /** Approximate across processes: {@code capacity() - size()}. */
    @Override
    public int remainingCapacity() {
        return capacity - size();
    }

    @Override
    public int drainTo(Collection<? super E> c) {
        return drainTo(c, Integer.MAX_VALUE);
    }

    /** Takes the messages there are now (up to {@code maxElements}) into {@code c}. */
    @Override
    public int drainTo(Collection<? super E> c, int maxElements) {
        Objects.requireNonNull(c, "c");
        if (c == this) {
            throw new IllegalArgumentException("cannot drain a queue into itself");
        }
        int n = 0;
        while (n < maxElements) {
            E e = poll();
            if (e == null) {
                break;
            }
            c.add(e);
            n++;
        }
        return n;
    }

    /** Not supported: another process may take the head at any moment. Use {@link #poll()}. */
    @Override
    public E peek() {
        throw new UnsupportedOperationException("a ProcessQueue cannot be peeked: another process may take the head at any moment; use poll()");
    }

    /** Not supported: the messages live in shared memory and are taken concurrently. Use {@link #drainTo}. */
    @Override
    public Iterator<E> iterator() {
        throw new UnsupportedOperationException("a ProcessQueue cannot be iterated: take messages with poll(), take() or drainTo()");
    }

    @Override
    public boolean contains(Object o) {
        throw new UnsupportedOperationException("a ProcessQueue cannot be searched: another process may take any message at any moment");
    }

    @Override
    public boolean remove(Object o) {
        throw new UnsupportedOperationException("a ProcessQueue cannot remove a given message; take messages with poll() or take()");
    }

    @Override
    public void clear() {
        while (poll() != null) {
            // Taking is the only way to remove.
        }
    }

    /** Unmaps the queue in this process; other processes are unaffected. Harmless when repeated. */
    @Override
    public void close() {
        segment.close();
    }

    /** Whether {@link #close()} was called on this handle. */
    public boolean isClosed() {
        return segment.isClosed();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + segment.name() + ", capacity " + capacity + (isClosed() ? ", closed]" : "]");
    }

    /** Called once a message was put (joinable queues count it). */
    void beforePut() {
    }

    void putFailed() {
    }

    void afterTake() {
    }

    private boolean send(E e, long timeoutNanos) throws InterruptedException {
        Objects.requireNonNull(e, "a ProcessQueue does not accept null messages");
        checkOpen();
        EncodeBuffer out = ENCODE.get();
        int n = codec.encode(e, out.clear());
        beforePut();
        boolean sent = false;
        try {
            sent = ring.offer(out.array(), 0, n, timeoutNanos);
        } finally {
            if (!sent) {
                putFailed();
            }
        }
        return sent;
    }

    @SuppressWarnings("unchecked")
    private E receive(long timeoutNanos) throws InterruptedException {
        checkOpen();
        MessageBuffer in = DECODE.get();
        int n = ring.poll(in, timeoutNanos);
        if (n < 0) {
            return null;
        }
        afterTake();
        E value = (E) codec.decode(in.array(), 0, n);
        // Do not keep a huge array alive in the thread's buffer.
        in.trim(1 << 20);
        return value;
    }

    void checkOpen() {
        if (segment.isClosed()) {
            throw new IllegalStateException(getClass().getSimpleName() + " '" + segment.name() + "' is closed in this process");
        }
    }

    static long nanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        try {
            return Math.max(0, timeout.toNanos());
        } catch (ArithmeticException e) {
            return timeout.isNegative() ? 0 : Long.MAX_VALUE;
        }
    }

    @Serial
    Object writeReplace() {
        // The handle leaves this JVM: this JVM's exit must no longer unlink the queue under the receiver.
        segment.markHandedOff();
        return new Handle(segment.name());
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("a ProcessQueue is serialized as its handle, never directly");
    }

    /** The serialized form: the name; reading it attaches. */
    private record Handle(String name) implements Serializable {
        @Serial
        private Object readResolve() {
            return ProcessQueue.attach(name);
        }
    }
}
