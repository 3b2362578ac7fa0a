package multiprocessing4j.sync;

import static multiprocessing4j.sync.ConditionDescriptor.SEQUENCE_OFFSET;
import static multiprocessing4j.sync.ConditionDescriptor.WAITERS_OFFSET;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.function.BooleanSupplier;

import multiprocessing4j.internal.platform.Futex;
import multiprocessing4j.internal.shm.SharedSegment;
import multiprocessing4j.internal.sync.RobustMutex;

/**
 * A condition variable shared by threads of any number of processes: Python's
 * {@code multiprocessing.Condition}, as a {@link Condition}. It is bound to a lock (a
 * {@link ProcessReentrantLock} of its own, or the {@link ProcessLock} or
 * {@code ProcessReentrantLock} it was created with); waiting and signalling require holding it.
 *
 * <pre>{@code
 * ProcessCondition ready = ProcessCondition.create();
 * SharedLong items = SharedLong.create();
 * // consumer, in any process
 * ready.lock().lock();
 * try {
 *     if (!ready.awaitUntil(() -> items.get() > 0, Duration.ofSeconds(5))) throw new TimeoutException();
 *     items.decrementAndGet();
 * } finally {
 *     ready.lock().unlock();
 * }
 * // producer, in any process
 * ready.lock().lock();
 * try { items.incrementAndGet(); ready.signal(); } finally { ready.lock().unlock(); }
 * }</pre>
 *
 * <p><b>Semantics.</b> {@code await} releases the lock completely (all holds of a reentrant one),
 * waits until signalled, interrupted or timed out, and re-acquires the lock (with its hold count)
 * before returning or throwing, as {@link Condition} specifies. {@link #signal()} wakes at least
 * one waiter if there is one and may wake more; {@link #signalAll()} wakes all. Spurious wake-ups
 * happen (a signal can release every waiter that has not yet blocked): wait in a loop on the
 * state you need, or use {@link #awaitUntil(BooleanSupplier, Duration)}, which is Python's
 * {@code wait_for}. Waiting spins briefly, then blocks without using CPU; interruption is noticed
 * within 50 ms.
 *
 * <p><b>When a process dies.</b> A waiter in a process that dies simply stops waiting. If the
 * lock's holder dies, the lock is taken over by the next thread that needs it (a waiter
 * re-acquiring it after a signal or timeout included) and the lock's
 * {@code previousOwnerDied()} says so. A signal the dead process would have sent never comes:
 * use timed waits where that matters.
 *
 * <p><b>Handle.</b> Serializing a {@code ProcessCondition} (or capturing it in a lambda sent to a
 * child or pool worker) sends its name and its lock's handle; the copy attaches to both.
 * {@link #close()} unmaps the condition (and its own lock) in this process, {@link #unlink()}
 * removes its name; the rules are {@link multiprocessing4j.shared.SharedMemory}'s. A lock given at
 * creation is not closed or unlinked with the condition.
 *
 * <p><b>Memory consistency effects.</b> Those of the lock: actions before releasing it (including
 * inside {@code await}) happen-before actions after acquiring it (including on return from
 * {@code await}), in any process.
 */
public final class ProcessCondition implements Condition, AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient SharedSegment segment;
    private final transient MemorySegment cell;
    private final transient Lock lock;
    private final transient boolean ownLock;
    private final transient RobustMutex mutex;

    private ProcessCondition(SharedSegment segment, Lock externalLock) {
        this.segment = segment;
        this.cell = segment.payload();
        if (externalLock == null) {
            ProcessReentrantLock own = new ProcessReentrantLock(segment, ConditionDescriptor.LOCK_OFFSET, false);
            this.lock = own;
            this.mutex = own.mutex;
            this.ownLock = true;
        } else {
            this.lock = externalLock;
            this.mutex = mutexOf(externalLock);
            this.ownLock = false;
        }
    }

    /** Creates a condition with a {@link ProcessReentrantLock} of its own (Python's default). */
    public static ProcessCondition create() {
        return new ProcessCondition(newSegment(), null);
    }

    /**
     * Creates a condition bound to {@code lock}.
     *
     * @throws IllegalArgumentException if {@code lock} is not a {@link ProcessLock} or {@link ProcessReentrantLock}
     */
    public static ProcessCondition create(Lock lock) {
        if (lock == null) {
            throw new IllegalArgumentException("lock must not be null: use create() for a condition with its own lock");
        }
        mutexOf(lock);
        return new ProcessCondition(newSegment(), lock);
    }

    private static SharedSegment newSegment() {
        return SharedSegment.create(null, ConditionDescriptor.KIND, ConditionDescriptor.LENGTH);
    }

    private static RobustMutex mutexOf(Lock lock) {
        if (lock instanceof AbstractProcessLock l) {
            return l.mutex;
        }
        throw new IllegalArgumentException("a ProcessCondition needs a ProcessLock or ProcessReentrantLock, which other "
                + "processes can share, not a " + lock.getClass().getName());
    }

    /** The lock this condition is bound to; hold it to await or signal. */
    public Lock lock() {
        return lock;
    }

    /**
     * Waits until signalled or interrupted.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     * @throws InterruptedException if interrupted (the lock is held again when it is thrown)
     */
    @Override
    public void await() throws InterruptedException {
        awaitNanos(Long.MAX_VALUE);
    }

    /**
     * Waits until signalled or {@code timeout} elapses.
     *
     * @return {@code false} if the timeout elapsed without a signal
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     * @throws InterruptedException if interrupted (the lock is held again when it is thrown)
     */
    public boolean await(Duration timeout) throws InterruptedException {
        return awaitNanos(Timeouts.nanos(timeout)) > 0;
    }

    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
        return awaitNanos(Math.max(0, unit.toNanos(time))) > 0;
    }

    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
        return awaitNanos(Math.max(0, TimeUnit.MILLISECONDS.toNanos(deadline.getTime() - System.currentTimeMillis()))) > 0;
    }

    /** Waits until signalled; an interrupt does not end the wait but is re-asserted on return. */
    @Override
    public void awaitUninterruptibly() {
        checkHeld();
        int seq = (int) Futex.INT.getVolatile(cell, (long) SEQUENCE_OFFSET);
        int holds = mutex.releaseFully();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (Futex.awaitChange(cell, SEQUENCE_OFFSET, seq, WAITERS_OFFSET, Long.MAX_VALUE)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            mutex.reacquire(holds);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits until signalled, interrupted, or {@code nanosTimeout} elapse.
     *
     * @return an estimate of the time left, 0 or less if it elapsed
     */
    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
        checkHeld();
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        long start = System.nanoTime();
        int seq = (int) Futex.INT.getVolatile(cell, (long) SEQUENCE_OFFSET);
        int holds = mutex.releaseFully();
        boolean signalled;
        try {
            signalled = Futex.awaitChange(cell, SEQUENCE_OFFSET, seq, WAITERS_OFFSET, Math.max(0, nanosTimeout));
        } finally {
            mutex.reacquire(holds);
        }
        if (!signalled) {
            return 0;
        }
        if (nanosTimeout == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        return Math.max(1, nanosTimeout - (System.nanoTime() - start));
    }

    /**
     * Waits until {@code predicate} holds, at most {@code timeout}: Python's {@code wait_for}. The
     * predicate is evaluated with the lock held, first before waiting at all, then after every
     * wake-up.
     *
     * @return the predicate's last result: {@code false} means the timeout elapsed first
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     * @throws InterruptedException if interrupted (the lock is held again when it is thrown)
     */
    public boolean awaitUntil(BooleanSupplier predicate, Duration timeout) throws InterruptedException {
        if (predicate == null) {
            throw new NullPointerException("predicate must not be null");
        }
        long nanos = Timeouts.nanos(timeout);
        long deadline = System.nanoTime() + nanos;
        checkHeld();
        while (!predicate.getAsBoolean()) {
            long remaining = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            awaitNanos(remaining);
        }
        return true;
    }

    /**
     * Wakes at least one waiting thread, of any process, if there is one.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     */
    @Override
    public void signal() {
        checkHeld();
        Futex.INT.getAndAdd(cell, (long) SEQUENCE_OFFSET, 1);
        Futex.wakeIfWaiting(cell, SEQUENCE_OFFSET, WAITERS_OFFSET, 1);
    }

    /**
     * Wakes every waiting thread, of every process.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     */
    @Override
    public void signalAll() {
        checkHeld();
        Futex.INT.getAndAdd(cell, (long) SEQUENCE_OFFSET, 1);
        Futex.wakeIfWaiting(cell, SEQUENCE_OFFSET, WAITERS_OFFSET, Integer.MAX_VALUE);
    }

    /** The name of this condition's shared storage. */
    public String name() {
        return segment.name();
    }

    /** Unmaps the condition (and its own lock) in this process; harmless when repeated. */
    @Override
    public void close() {
        segment.close();
    }

    /** Removes the condition's name (not that of a lock given at creation); harmless when repeated. */
    public void unlink() {
        segment.unlink();
    }

    @Override
    public String toString() {
        return "ProcessCondition[" + name() + ", lock " + lock + "]";
    }

    private void checkHeld() {
        if (!mutex.isHeldByCurrentThread()) {
            throw new IllegalMonitorStateException("the calling thread must hold the condition's lock to await or signal");
        }
    }

    @Serial
    private Object writeReplace() {
        segment.markHandedOff();
        return new Handle(segment.name(), ownLock ? null : lock);
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("ProcessCondition is serialized as its handle, never directly");
    }

    private record Handle(String name, Lock lock) implements Serializable {
        @Serial
        private Object readResolve() {
            return new ProcessCondition(SharedSegment.attach(name, ConditionDescriptor.KIND), lock);
        }
    }
}
