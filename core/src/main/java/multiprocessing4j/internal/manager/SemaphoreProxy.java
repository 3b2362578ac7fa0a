package multiprocessing4j.internal.manager;

import java.io.Serial;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import multiprocessing4j.manager.ManagedSemaphore;

/** A {@link ManagedSemaphore}: waits run as short slices on the server. */
final class SemaphoreProxy extends ManagedProxy implements ManagedSemaphore {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final Class<?> S = SemaphoreServant.class;
    private static final MethodKey TRY_ACQUIRE = MethodKey.of(S, "tryAcquire", int.class, long.class);
    private static final MethodKey RELEASE = MethodKey.of(S, "release", int.class);
    private static final MethodKey AVAILABLE = MethodKey.of(S, "availablePermits");
    private static final Long NO_WAIT = 0L;

    SemaphoreProxy(ManagerClient client, int id, String typeName) {
        super(client, id, typeName);
    }

    @Override
    Class<?> servantInterface() {
        return SemaphoreServant.class;
    }

    private static int check(int permits) {
        if (permits <= 0) {
            throw new IllegalArgumentException("permits must be positive, was " + permits);
        }
        return permits;
    }

    @Override
    public void acquire() throws InterruptedException {
        acquire(1);
    }

    @Override
    public void acquire(int permits) throws InterruptedException {
        check(permits);
        while (true) {
            checkInterrupt();
            if ((Boolean) call(TRY_ACQUIRE, permits, SLICE_NANOS)) {
                return;
            }
        }
    }

    @Override
    public boolean tryAcquire() {
        return (Boolean) call(TRY_ACQUIRE, 1, NO_WAIT);
    }

    @Override
    public boolean tryAcquire(Duration timeout) throws InterruptedException {
        return tryAcquire(1, timeout);
    }

    @Override
    public boolean tryAcquire(int permits, Duration timeout) throws InterruptedException {
        check(permits);
        long deadline = deadline(timeout.toNanos(), TimeUnit.NANOSECONDS);
        while (true) {
            checkInterrupt();
            if ((Boolean) call(TRY_ACQUIRE, permits, slice(deadline))) {
                return true;
            }
            if (expired(deadline)) {
                return false;
            }
        }
    }

    @Override
    public void release() {
        release(1);
    }

    @Override
    public void release(int permits) {
        call(RELEASE, check(permits));
    }

    @Override
    public int availablePermits() {
        return (Integer) call(AVAILABLE);
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
        return "Semaphore[" + describe() + "]";
    }
}
