package multiprocessing4j.sync;

import static multiprocessing4j.sync.EventDescriptor.STATE_OFFSET;
import static multiprocessing4j.sync.EventDescriptor.WAITERS_OFFSET;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

import multiprocessing4j.internal.platform.Futex;
import multiprocessing4j.internal.shm.SharedSegment;

/**
 * A flag that threads of any number of processes can wait for: Python's
 * {@code multiprocessing.Event}.
 *
 * <pre>{@code
 * ProcessEvent started = ProcessEvent.create();
 * ChildProcess.start(() -> { initialise(); started.set(); serve(); });
 * if (!started.await(Duration.ofSeconds(10))) throw new IllegalStateException("the child did not start");
 * }</pre>
 *
 * <p><b>Semantics.</b> The event starts clear. {@link #set()} sets it and wakes every waiter;
 * {@link #clear()} clears it; {@link #await()} returns at once while it is set, else waits until
 * it is set. A waiter that was waiting when the event was set returns even if the event is cleared
 * again before the waiter runs (as Python specifies). Waiting spins briefly, then blocks without
 * using CPU; interruption is noticed within 50 ms. A process that dies simply never sets the event:
 * use the timed {@link #await(Duration)} where that matters.
 *
 * <p><b>Handle.</b> Serializing a {@code ProcessEvent} (or capturing it in a lambda sent to a child
 * or pool worker) sends its name; the copy attaches to the same event. {@link #close()} unmaps it
 * here; {@link #unlink()} removes the name; the rules are
 * {@link multiprocessing4j.shared.SharedMemory}'s.
 *
 * <p><b>Memory consistency effects.</b> Actions before {@code set()} happen-before actions after an
 * {@code await} (or {@code isSet}) that observes it set, in any process.
 */
public final class ProcessEvent implements AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient SharedSegment segment;
    private final transient MemorySegment cell;

    private ProcessEvent(SharedSegment segment) {
        this.segment = segment;
        this.cell = segment.payload();
    }

    /** Creates a new, clear event. */
    public static ProcessEvent create() {
        return new ProcessEvent(SharedSegment.create(null, EventDescriptor.KIND, EventDescriptor.LENGTH));
    }

    /** Sets the event and wakes every waiter, of every process. Harmless if set already. */
    public void set() {
        while (true) {
            int w = (int) Futex.INT.getVolatile(cell, (long) STATE_OFFSET);
            if ((w & 1) != 0) {
                return;
            }
            if (Futex.INT.compareAndSet(cell, (long) STATE_OFFSET, w, (w + 2) | 1)) {
                Futex.wakeIfWaiting(cell, STATE_OFFSET, WAITERS_OFFSET, Integer.MAX_VALUE);
                return;
            }
        }
    }

    /** Clears the event. Harmless if clear already. */
    public void clear() {
        while (true) {
            int w = (int) Futex.INT.getVolatile(cell, (long) STATE_OFFSET);
            if ((w & 1) == 0 || Futex.INT.compareAndSet(cell, (long) STATE_OFFSET, w, w & ~1)) {
                return;
            }
        }
    }

    /** Whether the event is set. */
    public boolean isSet() {
        return ((int) Futex.INT.getAcquire(cell, (long) STATE_OFFSET) & 1) != 0;
    }

    /**
     * Waits until the event is set.
     *
     * @throws InterruptedException if interrupted before or while waiting
     */
    public void await() throws InterruptedException {
        awaitNanos(Long.MAX_VALUE);
    }

    /**
     * Waits until the event is set, at most {@code timeout}.
     *
     * @return {@code true} if it was set, {@code false} if the timeout elapsed first (Python's {@code wait} result)
     * @throws InterruptedException if interrupted before or while waiting
     */
    public boolean await(Duration timeout) throws InterruptedException {
        return awaitNanos(Timeouts.nanos(timeout));
    }

    private boolean awaitNanos(long nanos) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        int w = (int) Futex.INT.getAcquire(cell, (long) STATE_OFFSET);
        if ((w & 1) != 0) {
            return true;
        }
        // Only set() changes a clear state word, so any change means the event was set meanwhile.
        return Futex.awaitChange(cell, STATE_OFFSET, w, WAITERS_OFFSET, nanos);
    }

    /** The name of this event's shared storage. */
    public String name() {
        return segment.name();
    }

    /** Unmaps the event in this process; harmless when repeated. */
    @Override
    public void close() {
        segment.close();
    }

    /** Removes the name; processes that have the event keep using it. Harmless when repeated. */
    public void unlink() {
        segment.unlink();
    }

    @Override
    public String toString() {
        return "ProcessEvent[" + name() + (segment.isClosed() ? ", closed" : isSet() ? ", set" : ", clear") + "]";
    }

    @Serial
    private Object writeReplace() {
        segment.markHandedOff();
        return new Handle(segment.name());
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("ProcessEvent is serialized as its handle, never directly");
    }

    private record Handle(String name) implements Serializable {
        @Serial
        private Object readResolve() {
            return new ProcessEvent(SharedSegment.attach(name, EventDescriptor.KIND));
        }
    }
}
