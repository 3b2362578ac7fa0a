package multiprocessing4j.sync;

import static multiprocessing4j.sync.BarrierDescriptor.ARRIVED_OFFSET;
import static multiprocessing4j.sync.BarrierDescriptor.BROKEN_GENERATIONS_OFFSET;
import static multiprocessing4j.sync.BarrierDescriptor.PARTIES_OFFSET;
import static multiprocessing4j.sync.BarrierDescriptor.SLOTS_OFFSET;
import static multiprocessing4j.sync.BarrierDescriptor.SLOT_COUNT_OFFSET;
import static multiprocessing4j.sync.BarrierDescriptor.SLOT_LENGTH;
import static multiprocessing4j.sync.BarrierDescriptor.STATE_OFFSET;
import static multiprocessing4j.sync.BarrierDescriptor.WAITERS_OFFSET;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeoutException;

import multiprocessing4j.SerializableRunnable;
import multiprocessing4j.internal.platform.Futex;
import multiprocessing4j.internal.platform.Pids;
import multiprocessing4j.internal.platform.ProcessTree;
import multiprocessing4j.internal.shm.SharedSegment;
import multiprocessing4j.internal.sync.RobustMutex;

/**
 * A cyclic barrier for a fixed number of parties, which may be threads of any number of processes:
 * Python's {@code multiprocessing.Barrier}, with {@link java.util.concurrent.CyclicBarrier}'s
 * method names.
 *
 * <pre>{@code
 * ProcessBarrier step = ProcessBarrier.create(3, () -> System.out.println("all three arrived"));
 * SerializableRunnable worker = () -> {
 *     for (int i = 0; i < 10; i++) {
 *         compute(i);
 *         step.await(Duration.ofSeconds(30));   // wait for the other two workers
 *     }
 * };
 * }</pre>
 *
 * <p><b>Semantics.</b> Each {@link #await()} waits until {@link #parties()} calls have arrived
 * (counting itself); then the last to arrive runs the barrier action, if any, in its own process
 * before the others are released, and the barrier is ready for the next round. {@code await}
 * returns the arrival index: {@code parties() - 1} for the first to arrive, 0 for the last.
 *
 * <p><b>Breaking.</b> The barrier breaks, and every waiting party gets
 * {@link BrokenBarrierException} (later arrivals too, until {@link #reset()}), when a waiter is
 * interrupted or times out (that waiter gets {@link InterruptedException} or
 * {@link TimeoutException}), when the action throws (the last party gets the action's exception),
 * when {@link #abort()} is called, when {@link #reset()} is called while parties wait, or when a
 * process taking part dies. {@link #reset()} also repairs a broken barrier.
 *
 * <p><b>When a process dies.</b> Every process that holds a handle to the barrier (it created it,
 * or received it, e.g. captured in a lambda sent to it) is registered in the barrier's shared cell
 * with its pid and start time, until it closes its last handle or exits normally. Waiting parties
 * check every 100 ms that the registered processes are alive; if one died (killed, crashed, halted)
 * it will never arrive, so they break the barrier instead of waiting forever, and later arrivals get
 * {@link BrokenBarrierException} until {@link #reset()}, which also forgets dead processes. A
 * process that dies inside the barrier's short critical section (or while running the action)
 * breaks it too. A process that exits normally without arriving is not detected (as in Python, a
 * timed {@code await} bounds the wait); nor is a process beyond the barrier's registry size (one
 * slot per party, at least 16, at most 1024).
 *
 * <p><b>Handle.</b> Serializing a {@code ProcessBarrier} (or capturing it in a lambda sent to a
 * child or pool worker) sends its name and the action (a {@link SerializableRunnable}); the copy
 * attaches to the same barrier. {@link #unlink()} removes the name; the rules are
 * {@link multiprocessing4j.shared.SharedMemory}'s.
 *
 * <p><b>Memory consistency effects.</b> Actions before {@code await} in every party happen-before
 * the barrier action, which happens-before actions after the corresponding successful return from
 * {@code await} in every party, in any process.
 */
public final class ProcessBarrier implements AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final long LIVENESS_CHECK_NANOS = 100_000_000L;
    private static final VarHandle INT = Futex.INT;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final long SELF_PID = ProcessTree.selfPid();
    private static final long SELF_START_TIME = Pids.selfStartTime();

    private final transient SharedSegment segment;
    private final transient MemorySegment cell;
    private final transient RobustMutex mutex;
    private final SerializableRunnable action;

    /** This JVM's party slot in each barrier it has handles to, by segment name; guarded by itself. */
    private static final Map<String, Registration> REGISTRATIONS = new HashMap<>();
    private static boolean exitHookInstalled;

    /** This JVM's slot in one barrier and the open handles that keep it registered. */
    private static final class Registration {
        final long slot;
        final Set<ProcessBarrier> handles = new HashSet<>();

        Registration(long slot) {
            this.slot = slot;
        }
    }

    private ProcessBarrier(SharedSegment segment, SerializableRunnable action) {
        this.segment = segment;
        this.cell = segment.payload();
        this.mutex = new RobustMutex(cell, BarrierDescriptor.LOCK_OFFSET, false);
        this.action = action;
    }

    /**
     * Creates a barrier for {@code parties} parties, without an action.
     *
     * @throws IllegalArgumentException if {@code parties} is not positive
     */
    public static ProcessBarrier create(int parties) {
        return create(parties, null);
    }

    /**
     * Creates a barrier for {@code parties} parties whose last arrival runs {@code action} (may be
     * {@code null}) each time the barrier trips.
     *
     * @throws IllegalArgumentException if {@code parties} is not positive
     */
    public static ProcessBarrier create(int parties, SerializableRunnable action) {
        if (parties <= 0) {
            throw new IllegalArgumentException("a barrier needs at least one party, was " + parties);
        }
        int slots = BarrierDescriptor.slots(parties);
        ProcessBarrier b = new ProcessBarrier(SharedSegment.create(null, BarrierDescriptor.KIND,
                BarrierDescriptor.length(slots)), action);
        INT.set(b.cell, (long) PARTIES_OFFSET, parties);
        INT.setRelease(b.cell, (long) SLOT_COUNT_OFFSET, slots);
        b.register();
        return b;
    }

    /**
     * Waits until every party has arrived.
     *
     * @return the arrival index: {@code parties() - 1} for the first, 0 for the last
     * @throws BrokenBarrierException if the barrier is or becomes broken while waiting (see the class comment)
     * @throws InterruptedException if interrupted while waiting (the barrier breaks)
     */
    public int await() throws InterruptedException, BrokenBarrierException {
        try {
            return awaitNanos(Long.MAX_VALUE);
        } catch (TimeoutException impossible) {
            throw new AssertionError(impossible);
        }
    }

    /**
     * Waits until every party has arrived, at most {@code timeout}.
     *
     * @return the arrival index: {@code parties() - 1} for the first, 0 for the last
     * @throws TimeoutException if the timeout elapsed first (the barrier breaks)
     * @throws BrokenBarrierException if the barrier is or becomes broken while waiting
     * @throws InterruptedException if interrupted while waiting (the barrier breaks)
     */
    public int await(Duration timeout) throws InterruptedException, BrokenBarrierException, TimeoutException {
        return awaitNanos(Timeouts.nanos(timeout));
    }

    private int awaitNanos(long nanos) throws InterruptedException, BrokenBarrierException, TimeoutException {
        long deadline = System.nanoTime() + nanos;
        int state;
        int index;
        register();
        lock();
        try {
            state = (int) INT.getVolatile(cell, (long) STATE_OFFSET);
            if ((state & 1) != 0) {
                throw new BrokenBarrierException();
            }
            if (Thread.interrupted()) {
                breakBarrier(state);
                throw new InterruptedException();
            }
            int arrived = (int) INT.get(cell, (long) ARRIVED_OFFSET) + 1;
            index = parties() - arrived;
            if (index == 0) {
                if (action != null) {
                    try {
                        action.run();
                    } catch (Throwable t) {
                        breakBarrier(state);
                        throw t;
                    }
                }
                nextGeneration(state);
                return 0;
            }
            INT.set(cell, (long) ARRIVED_OFFSET, arrived);
        } finally {
            mutex.release();
        }
        int generation = state >>> 1;
        while (true) {
            long remaining = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
            boolean changed;
            try {
                changed = remaining > 0
                        && Futex.awaitChange(cell, STATE_OFFSET, state, WAITERS_OFFSET, Math.min(remaining, LIVENESS_CHECK_NANOS));
            } catch (InterruptedException e) {
                if (breakIfStill(state)) {
                    throw e;
                }
                // The generation ended while we were being interrupted: report its outcome, keep the interrupt.
                Thread.currentThread().interrupt();
                return outcome(generation, index);
            }
            if (changed) {
                return outcome(generation, index);
            }
            if (remaining <= LIVENESS_CHECK_NANOS && nanos != Long.MAX_VALUE && deadline - System.nanoTime() <= 0) {
                if (breakIfStill(state)) {
                    throw new TimeoutException("the barrier's " + parties() + " parties did not all arrive within the timeout");
                }
                return outcome(generation, index);
            }
            if (deadPartyExists()) {
                breakIfStill(state);
            }
        }
    }

    /** Resolves a waiter's generation once the state word changed. */
    private int outcome(int generation, int index) throws BrokenBarrierException {
        int now = (int) INT.getVolatile(cell, (long) STATE_OFFSET);
        int later = ((now >>> 1) - generation) & 0x7fffffff;
        if (later == 0) {
            if ((now & 1) != 0) {
                throw new BrokenBarrierException();
            }
            throw new AssertionError("barrier state unchanged");
        }
        long broken = (long) LONG.getVolatile(cell, (long) BROKEN_GENERATIONS_OFFSET);
        if (later >= Long.SIZE || (broken & (1L << (generation & 63))) != 0) {
            throw new BrokenBarrierException();
        }
        return index;
    }

    /** Breaks the barrier if it is still in {@code state}; returns whether it was. */
    private boolean breakIfStill(int state) {
        lock();
        try {
            if ((int) INT.getVolatile(cell, (long) STATE_OFFSET) != state) {
                return false;
            }
            breakBarrier(state);
            return true;
        } finally {
            mutex.release();
        }
    }

    /** Under the lock: marks the current generation broken and wakes everyone. */
    private void breakBarrier(int state) {
        int generation = state >>> 1;
        long bits = (long) LONG.get(cell, (long) BROKEN_GENERATIONS_OFFSET);
        LONG.setRelease(cell, (long) BROKEN_GENERATIONS_OFFSET, bits | (1L << (generation & 63)));
        INT.set(cell, (long) ARRIVED_OFFSET, 0);
        INT.setRelease(cell, (long) STATE_OFFSET, state | 1);
        Futex.wakeAll(cell, STATE_OFFSET);
    }

    /** Under the lock: starts the next generation (not broken) and wakes everyone. */
    private void nextGeneration(int state) {
        int next = ((state >>> 1) + 1) & 0x7fffffff;
        long bits = (long) LONG.get(cell, (long) BROKEN_GENERATIONS_OFFSET);
        LONG.setRelease(cell, (long) BROKEN_GENERATIONS_OFFSET, bits & ~(1L << (next & 63)));
        INT.set(cell, (long) ARRIVED_OFFSET, 0);
        INT.setRelease(cell, (long) STATE_OFFSET, next << 1);
        Futex.wakeAll(cell, STATE_OFFSET);
    }

    /**
     * Acquires the barrier's own lock. If a process died holding it, the fields it guards may be
     * half updated, so the current generation is broken.
     */
    private void lock() {
        try {
            mutex.acquire(Long.MAX_VALUE, false);
        } catch (InterruptedException impossible) {
            throw new AssertionError(impossible);
        }
        if (mutex.previousOwnerDied()) {
            int state = (int) INT.getVolatile(cell, (long) STATE_OFFSET);
            if ((state & 1) == 0) {
                breakBarrier(state);
            }
        }
    }

    /**
     * Records this JVM as taking part (once per JVM and barrier, whatever the number of handles):
     * claims a free party slot under the barrier's lock. Without a free slot the JVM takes part
     * unregistered, and its death goes unnoticed.
     */
    private void register() {
        synchronized (REGISTRATIONS) {
            Registration r = REGISTRATIONS.get(segment.name());
            if (r != null) {
                r.handles.add(this);
                return;
            }
        }
        // Claimed outside the JVM-wide monitor: the barrier's lock may be held a while by another
        // process (running the action), and nothing else in this JVM should wait for that.
        long slot = claimSlot();
        if (slot < 0) {
            return;
        }
        synchronized (REGISTRATIONS) {
            Registration r = REGISTRATIONS.get(segment.name());
            if (r != null) {
                freeSlot(slot);
            } else {
                r = new Registration(slot);
                REGISTRATIONS.put(segment.name(), r);
                if (!exitHookInstalled) {
                    Runtime.getRuntime().addShutdownHook(new Thread(ProcessBarrier::deregisterAll, "mp4j-barrier-exit"));
                    exitHookInstalled = true;
                }
            }
            r.handles.add(this);
        }
    }

    private long claimSlot() {
        lock();
        try {
            int slots = (int) INT.get(cell, (long) SLOT_COUNT_OFFSET);
            for (int i = 0; i < slots; i++) {
                long at = SLOTS_OFFSET + (long) i * SLOT_LENGTH;
                if ((long) LONG.getVolatile(cell, at) == 0) {
                    // Start time first: a checker that sees the pid (acquire) sees its start time.
                    LONG.setVolatile(cell, at + Long.BYTES, SELF_START_TIME);
                    LONG.setRelease(cell, at, SELF_PID);
                    return at;
                }
            }
            return -1;
        } finally {
            mutex.release();
        }
    }

    /** Drops this handle's share of the JVM's registration; the last handle frees the slot. */
    private void deregister() {
        synchronized (REGISTRATIONS) {
            Registration r = REGISTRATIONS.get(segment.name());
            if (r == null || !r.handles.remove(this)) {
                return;
            }
            if (r.handles.isEmpty()) {
                REGISTRATIONS.remove(segment.name());
                freeSlot(r.slot);
            }
        }
    }

    /** At normal JVM exit: a process that exits normally is not a party that died. */
    private static void deregisterAll() {
        synchronized (REGISTRATIONS) {
            for (Registration r : REGISTRATIONS.values()) {
                for (ProcessBarrier b : r.handles) {
                    if (!b.segment.isClosed()) {
                        b.freeSlot(r.slot);
                        break;
                    }
                }
            }
            REGISTRATIONS.clear();
        }
    }

    /** Lock-free (so that it cannot block an exiting JVM): only this JVM writes its own pid away. */
    private void freeSlot(long slot) {
        try {
            LONG.compareAndSet(cell, slot, SELF_PID, 0L);
        } catch (IllegalStateException closedMeanwhile) {
            // Unmapped by another thread: nothing more to do here; the slot's process is alive until it exits.
        }
    }

    private boolean deadPartyExists() {
        int slots = (int) INT.getAcquire(cell, (long) SLOT_COUNT_OFFSET);
        for (int i = 0; i < slots; i++) {
            long at = SLOTS_OFFSET + (long) i * SLOT_LENGTH;
            long pid = (long) LONG.getAcquire(cell, at);
            if (pid == 0 || pid == SELF_PID) {
                continue;
            }
            long start = (long) LONG.getVolatile(cell, at + Long.BYTES);
            // The slot may have been freed and claimed again between the two reads: judge only a stable slot.
            if ((long) LONG.getVolatile(cell, at) == pid && !Pids.isAlive(pid, start)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Breaks the barrier for good: parties waiting now and every later {@code await} get
     * {@link BrokenBarrierException} until {@link #reset()} (Python's {@code abort}).
     */
    public void abort() {
        lock();
        try {
            int state = (int) INT.getVolatile(cell, (long) STATE_OFFSET);
            if ((state & 1) == 0) {
                breakBarrier(state);
            }
        } finally {
            mutex.release();
        }
    }

    /**
     * Returns the barrier to its initial state: parties waiting now get
     * {@link BrokenBarrierException}; a broken barrier is usable again. Registrations of processes
     * that have ended are dropped.
     */
    public void reset() {
        lock();
        try {
            int state = (int) INT.getVolatile(cell, (long) STATE_OFFSET);
            if ((state & 1) == 0 && (int) INT.get(cell, (long) ARRIVED_OFFSET) > 0) {
                breakBarrier(state);
            }
            int slots = (int) INT.get(cell, (long) SLOT_COUNT_OFFSET);
            for (int i = 0; i < slots; i++) {
                long at = SLOTS_OFFSET + (long) i * SLOT_LENGTH;
                long pid = (long) LONG.get(cell, at);
                if (pid != 0 && !Pids.isAlive(pid, (long) LONG.getVolatile(cell, at + Long.BYTES))) {
                    LONG.compareAndSet(cell, at, pid, 0L);
                }
            }
            nextGeneration((int) INT.getVolatile(cell, (long) STATE_OFFSET));
        } finally {
            mutex.release();
        }
    }

    /** Whether the barrier is broken (see the class comment). */
    public boolean isBroken() {
        return ((int) INT.getVolatile(cell, (long) STATE_OFFSET) & 1) != 0;
    }

    /** The number of parties needed to trip the barrier. */
    public int parties() {
        return (int) INT.get(cell, (long) PARTIES_OFFSET);
    }

    /** The number of parties waiting now, in every process. */
    public int numberWaiting() {
        return (int) INT.getVolatile(cell, (long) ARRIVED_OFFSET);
    }

    /** The name of this barrier's shared storage. */
    public String name() {
        return segment.name();
    }

    /**
     * Unmaps the barrier here; once every handle of this JVM to the barrier is closed, this process
     * no longer takes part (see the class comment). Harmless when repeated.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (segment.isClosed()) {
                return;
            }
            deregister();
            segment.close();
        }
    }

    /** Removes the name; processes that have the barrier keep using it. Harmless when repeated. */
    public void unlink() {
        segment.unlink();
    }

    @Override
    public String toString() {
        return "ProcessBarrier[" + name() + (segment.isClosed() ? ", closed"
                : ", parties " + parties() + ", waiting " + numberWaiting() + (isBroken() ? ", broken" : "")) + "]";
    }

    @Serial
    private Object writeReplace() {
        segment.markHandedOff();
        return new Handle(segment.name(), action);
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("ProcessBarrier is serialized as its handle, never directly");
    }

    private record Handle(String name, SerializableRunnable action) implements Serializable {
        @Serial
        private Object readResolve() {
            ProcessBarrier b = new ProcessBarrier(SharedSegment.attach(name, BarrierDescriptor.KIND), action);
            b.register();
            return b;
        }
    }
}
