package multiprocessing4j.internal.manager;

import java.io.Serial;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * A {@link Lock} held by a manager, owned by the calling thread (through its own connection). Waiting
 * runs as short slices on the server: {@code lockInterruptibly} and the timed {@code tryLock} notice
 * interruption and time-outs within a slice; {@code lock()} keeps waiting and re-asserts the interrupt.
 * {@link #newCondition()} makes a condition of this lock on the server.
 */
class LockProxy extends ManagedProxy implements Lock {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final Class<?> L = LockServant.class;
    private static final MethodKey TRY_LOCK = MethodKey.of(L, "tryLock", long.class);
    private static final MethodKey UNLOCK = MethodKey.of(L, "unlock");
    private static final MethodKey HELD = MethodKey.of(L, "isHeldByCaller");
    private static final MethodKey HOLD_COUNT = MethodKey.of(L, "holdCount");
    private static final MethodKey NEW_CONDITION = MethodKey.of(L, "newCondition");
    private static final MethodKey AWAIT = MethodKey.of(L, "await", int.class, long.class);
    private static final MethodKey SIGNAL = MethodKey.of(L, "signal", int.class);
    private static final MethodKey SIGNAL_ALL = MethodKey.of(L, "signalAll", int.class);
    private static final Long NO_WAIT = 0L;

    LockProxy(ManagerClient client, int id, String typeName) {
        super(client, id, typeName);
    }

    @Override
    Class<?> servantInterface() {
        return LockServant.class;
    }

    @Override
    public void lock() {
        boolean interrupted = Thread.interrupted();
        while (!(Boolean) call(TRY_LOCK, SLICE_NANOS)) {
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        while (true) {
            checkInterrupt();
            if ((Boolean) call(TRY_LOCK, SLICE_NANOS)) {
                return;
            }
        }
    }

    @Override
    public boolean tryLock() {
        return (Boolean) call(TRY_LOCK, NO_WAIT);
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        long deadline = deadline(time, unit);
        while (true) {
            checkInterrupt();
            if ((Boolean) call(TRY_LOCK, slice(deadline))) {
                return true;
            }
            if (expired(deadline)) {
                return false;
            }
        }
    }

    @Override
    public void unlock() {
        call(UNLOCK);
    }

    /** Whether the calling thread holds this lock. */
    boolean isHeldByCurrentThread() {
        return (Boolean) call(HELD);
    }

    int getHoldCount() {
        return (Integer) call(HOLD_COUNT);
    }

    @Override
    public Condition newCondition() {
        return new RemoteCondition((Integer) call(NEW_CONDITION));
    }

    /** Waits on condition {@code index} of this lock until signalled or the deadline; returns whether signalled. */
    final boolean await(int index, long deadline, boolean interruptible) throws InterruptedException {
        boolean interrupted = false;
        try {
            while (true) {
                if (Thread.interrupted()) {
                    if (interruptible) {
                        throw new InterruptedException();
                    }
                    interrupted = true;
                }
                if ((Boolean) call(AWAIT, index, slice(deadline))) {
                    return true;
                }
                if (expired(deadline)) {
                    return false;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    final void signal(int index) {
        call(SIGNAL, index);
    }

    final void signalAll(int index) {
        call(SIGNAL_ALL, index);
    }

    /** A condition of this lock; the server keeps its waiters. */
    final class RemoteCondition implements Condition {
        private final int index;

        RemoteCondition(int index) {
            this.index = index;
        }

        @Override
        public void await() throws InterruptedException {
            LockProxy.this.await(index, Long.MAX_VALUE, true);
        }

        @Override
        public void awaitUninterruptibly() {
            try {
                LockProxy.this.await(index, Long.MAX_VALUE, false);
            } catch (InterruptedException e) {
                throw new AssertionError("an uninterruptible wait was interrupted", e);
            }
        }

        @Override
        public long awaitNanos(long nanosTimeout) throws InterruptedException {
            long deadline = deadline(nanosTimeout, TimeUnit.NANOSECONDS);
            LockProxy.this.await(index, deadline, true);
            return deadline - System.nanoTime();
        }

        @Override
        public boolean await(long time, TimeUnit unit) throws InterruptedException {
            return LockProxy.this.await(index, deadline(time, unit), true);
        }

        @Override
        public boolean awaitUntil(Date deadline) throws InterruptedException {
            long millis = deadline.getTime() - System.currentTimeMillis();
            return LockProxy.this.await(index, deadline(millis, TimeUnit.MILLISECONDS), true);
        }

        @Override
        public void signal() {
            LockProxy.this.signal(index);
        }

        @Override
        public void signalAll() {
            LockProxy.this.signalAll(index);
        }
    }

    @Override
    public boolean equals(Object o) {
        return sameObject(o);
    }

    @Override
    public int hashCode() {
        return objectHash();
    }

    @Override
    public String toString() {
        return "Lock[" + describe() + "]";
    }
}
