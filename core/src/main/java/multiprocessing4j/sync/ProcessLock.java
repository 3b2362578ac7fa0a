package multiprocessing4j.sync;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

import multiprocessing4j.internal.shm.SharedSegment;
import multiprocessing4j.internal.sync.LockDescriptor;

/**
 * A mutual-exclusion lock shared by threads of any number of processes: Python's
 * {@code multiprocessing.Lock}, as a {@link Lock}. Not reentrant: where Python's {@code Lock} would
 * wait for itself forever when its holder acquires it again, {@code lock()}, {@code lockInterruptibly()}
 * and {@code tryLock(timeout)} throw {@link IllegalMonitorStateException} and {@code tryLock()}
 * returns {@code false} (use {@link ProcessReentrantLock} for a lock its holder may take again).
 *
 * <pre>{@code
 * try (ProcessLock lock = ProcessLock.create(); SharedLong total = SharedLong.create()) {
 *     SerializableRunnable work = () -> {
 *         lock.lock();                      // the captured handle attaches in the child
 *         try {
 *             total.set(total.get() + 1);
 *         } finally {
 *             lock.unlock();
 *         }
 *     };
 *     ChildProcess a = ChildProcess.start(work), b = ChildProcess.start(work);
 *     a.join(); b.join();
 *     lock.unlink(); total.unlink();
 * }
 * }</pre>
 *
 * <p><b>Ownership.</b> The lock is held by one thread of one process, identified by the process
 * id, the process's start time and the thread id. Two threads of one process contend exactly as
 * threads of two processes do. {@link #unlock()} by any thread that does not hold the lock throws
 * {@link IllegalMonitorStateException} (Python's {@code Lock} lets anyone release; this one does
 * not, as {@link java.util.concurrent.locks.ReentrantLock} does not).
 *
 * <p><b>When the holder dies.</b> If the process holding the lock dies (killed with SIGKILL,
 * crashed, exited without unlocking), the lock does not stay locked forever: the next thread to
 * ask for it (a waiter within about 50 ms, a {@link #tryLock()} at once) takes it over, and
 * {@link #previousOwnerDied()} then returns {@code true} for that holding, like a robust POSIX
 * mutex's {@code EOWNERDEAD}. The dead holder may have left the data the lock protects half
 * updated: check {@code previousOwnerDied()} after acquiring where that matters, and repair or
 * discard. A thread that ends without unlocking while its process lives on leaves the lock held,
 * as with {@code ReentrantLock}.
 *
 * <p><b>Waiting.</b> A contended {@code lock()} spins briefly (adaptively, up to about 20 µs),
 * then blocks in a futex wait that costs no CPU. The lock is not fair: a thread that releases and
 * immediately re-acquires may win over a waiter. Waits notice interruption within 50 ms. Without
 * native access (see {@code Futex}) waits poll instead, with wake-ups up to a millisecond late.
 *
 * <p><b>Handle.</b> A {@code ProcessLock} is a handle to a 64-byte cell in shared memory: serialize
 * it (or capture it in a lambda sent to a child or pool worker) and the copy attaches to the same
 * lock. {@link #close()} unmaps it in this process; {@link #unlink()} removes its name (processes
 * that have it keep using it). The name follows {@link multiprocessing4j.shared.SharedMemory}'s
 * rule: unlinked at normal exit of the creating JVM unless handed to another JVM, and in any case
 * once the whole process tree has ended. A lock obtained from a shared value's
 * {@code lock()} lives in that value's storage: closing or unlinking it acts on the value's storage.
 *
 * <p><b>Memory consistency effects.</b> As for {@link Lock}: actions before {@code unlock()} in one
 * thread, of any process, happen-before actions after a subsequent successful {@code lock()} in
 * another thread, of any process, for memory shared between them (shared segments).
 */
public final class ProcessLock extends AbstractProcessLock implements Lock, AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    ProcessLock(SharedSegment segment, long offset, boolean ownsSegment) {
        super(segment, offset, ownsSegment, false);
    }

    /**
     * Creates a new, unlocked lock in shared memory.
     *
     * @throws UnsupportedOperationException off Linux
     */
    public static ProcessLock create() {
        return new ProcessLock(SharedSegment.create(null, LockDescriptor.KIND_LOCK, LockDescriptor.LENGTH), 0, true);
    }

    /**
     * Acquires the lock, waiting as long as it takes; interrupts are remembered and re-asserted on return.
     *
     * @throws IllegalMonitorStateException if the calling thread holds the lock already (it would wait for itself forever)
     */
    @Override
    public void lock() {
        acquireUninterruptibly();
    }

    /**
     * Acquires the lock unless the thread is interrupted first.
     *
     * @throws InterruptedException if interrupted before or while waiting (noticed within 50 ms)
     * @throws IllegalMonitorStateException if the calling thread holds the lock already
     */
    @Override
    public void lockInterruptibly() throws InterruptedException {
        mutex.acquire(Long.MAX_VALUE, true);
    }

    /**
     * Acquires the lock, waiting at most {@code time}.
     *
     * @return {@code false} if the time elapsed first
     * @throws InterruptedException if interrupted before or while waiting
     * @throws IllegalMonitorStateException if the calling thread holds the lock already
     */
    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return mutex.acquire(Math.max(0, unit.toNanos(time)), true);
    }

    /**
     * {@link #tryLock(long, TimeUnit)} with a {@link Duration}.
     *
     * @throws IllegalMonitorStateException if the calling thread holds the lock already
     */
    public boolean tryLock(Duration timeout) throws InterruptedException {
        return mutex.acquire(Timeouts.nanos(timeout), true);
    }

    /**
     * Releases the lock.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold it
     */
    @Override
    public void unlock() {
        mutex.release();
    }

    @Serial
    private Object writeReplace() {
        segment.markHandedOff();
        return new Handle(segment.name(), segment.kind(), offset);
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("ProcessLock is serialized as its handle, never directly");
    }

    private record Handle(String name, int kind, long offset) implements Serializable {
        @Serial
        private Object readResolve() {
            return new ProcessLock(SharedSegment.attach(name, kind), offset, true);
        }
    }
}
