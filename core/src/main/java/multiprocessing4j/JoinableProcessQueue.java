package multiprocessing4j;

import java.time.Duration;
import java.lang.foreign.MemorySegment;

import multiprocessing4j.internal.ipc.QueueDescriptor;
import multiprocessing4j.internal.platform.Futex;
import multiprocessing4j.internal.shm.SharedSegment;

/**
 * A {@link ProcessQueue} that counts unfinished tasks: Python's {@code JoinableQueue}. Every
 * {@code put} adds one; a consumer calls {@link #taskDone()} when it has finished with a message it
 * took; {@link #join()} waits until every message put has been marked done.
 *
 * <pre>{@code
 * JoinableProcessQueue<Job> jobs = JoinableProcessQueue.create(100);
 * for (int i = 0; i < 4; i++) ChildProcess.start(() -> {
 *     while (true) { Job j = jobs.take(); j.run(); jobs.taskDone(); }
 * });
 * for (Job j : work) jobs.put(j);
 * jobs.join();            // every job ran
 * }</pre>
 *
 * <p>The counts live in the queue's shared memory, so they are common to every process.
 * {@link #taskDone()} called more often than messages were taken (by anyone) throws
 * {@link IllegalStateException}, as Python's raises {@code ValueError}. A consumer that dies
 * before calling {@code taskDone} leaves its task unfinished, so {@code join()} waits for it, as in
 * Python: use {@link #join(Duration)}. A producer killed in the middle of a put may leave the
 * count one too high in the same way.
 *
 * <p><b>Memory consistency effects.</b> Actions before {@code taskDone()} in any process
 * happen-before {@code join()} returns.
 *
 * @param <E> the message type
 */
public final class JoinableProcessQueue<E> extends ProcessQueue<E> {
    private static final long serialVersionUID = 1L;

    JoinableProcessQueue(SharedSegment segment, boolean create, int capacity, int slotLength) {
        super(segment, create, capacity, slotLength);
    }

    /** A joinable queue of {@value ProcessQueue#DEFAULT_CAPACITY} messages. */
    public static <E> JoinableProcessQueue<E> create() {
        return create(DEFAULT_CAPACITY);
    }

    /** A joinable queue holding at most {@code capacity} messages. */
    public static <E> JoinableProcessQueue<E> create(int capacity) {
        return create(capacity, DEFAULT_INLINE_BYTES);
    }

    /** A joinable queue; see {@link ProcessQueue#create(int, int)}. */
    public static <E> JoinableProcessQueue<E> create(int capacity, int inlineBytes) {
        int slotLength = checkGeometry(capacity, inlineBytes);
        SharedSegment segment = SharedSegment.create(null, QueueDescriptor.KIND, QueueDescriptor.payloadLength(capacity, slotLength));
        try {
            return new JoinableProcessQueue<>(segment, true, capacity, slotLength);
        } catch (RuntimeException e) {
            segment.close();
            segment.unlink();
            throw e;
        }
    }

    /**
     * Marks one taken message as done.
     *
     * @throws IllegalStateException if every taken message was marked done already
     */
    public void taskDone() {
        checkOpen();
        MemorySegment h = header;
        while (true) {
            int taken = (int) Futex.INT.getVolatile(h, (long) QueueDescriptor.TAKEN_NOT_DONE_OFFSET);
            if (taken <= 0) {
                throw new IllegalStateException("taskDone() called more times than messages were taken from " + name());
            }
            if (Futex.INT.compareAndSet(h, (long) QueueDescriptor.TAKEN_NOT_DONE_OFFSET, taken, taken - 1)) {
                break;
            }
        }
        finish();
    }

    /** Waits until every message put has been marked done. */
    public void join() throws InterruptedException {
        join(Long.MAX_VALUE);
    }

    /**
     * Waits up to {@code timeout} until every message put has been marked done.
     *
     * @return {@code false} if tasks were still unfinished when the time was up
     */
    public boolean join(Duration timeout) throws InterruptedException {
        return join(nanos(timeout));
    }

    /** Messages put and not yet marked done (a snapshot). */
    public int unfinishedTasks() {
        checkOpen();
        return (int) Futex.INT.getVolatile(header, (long) QueueDescriptor.UNFINISHED_OFFSET);
    }

    private boolean join(long timeoutNanos) throws InterruptedException {
        checkOpen();
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            int unfinished = (int) Futex.INT.getAcquire(header, (long) QueueDescriptor.UNFINISHED_OFFSET);
            if (unfinished <= 0) {
                return true;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            Futex.awaitChange(header, QueueDescriptor.UNFINISHED_OFFSET, unfinished, QueueDescriptor.UNFINISHED_WAITERS_OFFSET, remaining);
        }
    }

    @Override
    void beforePut() {
        Futex.INT.getAndAdd(header, (long) QueueDescriptor.UNFINISHED_OFFSET, 1);
    }

    @Override
    void putFailed() {
        finish();
    }

    @Override
    void afterTake() {
        Futex.INT.getAndAdd(header, (long) QueueDescriptor.TAKEN_NOT_DONE_OFFSET, 1);
    }

    private void finish() {
        if ((int) Futex.INT.getAndAdd(header, (long) QueueDescriptor.UNFINISHED_OFFSET, -1) == 1) {
            Futex.wakeIfWaiting(header, QueueDescriptor.UNFINISHED_OFFSET, QueueDescriptor.UNFINISHED_WAITERS_OFFSET, Integer.MAX_VALUE);
        }
    }
}
