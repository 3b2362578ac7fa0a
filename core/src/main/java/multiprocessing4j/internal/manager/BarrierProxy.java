package multiprocessing4j.internal.manager;

import java.io.Serial;
import java.time.Duration;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import multiprocessing4j.manager.ManagedBarrier;

/** A {@link ManagedBarrier}: arrive once, then wait for the trip in short slices on the server. */
final class BarrierProxy extends ManagedProxy implements ManagedBarrier {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final Class<?> B = BarrierServant.class;
    private static final MethodKey ARRIVE = MethodKey.of(B, "arrive");
    private static final MethodKey AWAIT_TRIP = MethodKey.of(B, "awaitTrip", long.class, long.class);
    private static final MethodKey BREAK = MethodKey.of(B, "breakGeneration", long.class);
    private static final MethodKey RESET = MethodKey.of(B, "reset");
    private static final MethodKey PARTIES = MethodKey.of(B, "parties");
    private static final MethodKey WAITING = MethodKey.of(B, "numberWaiting");
    private static final MethodKey IS_BROKEN = MethodKey.of(B, "isBroken");

    BarrierProxy(ManagerClient client, int id, String typeName) {
        super(client, id, typeName);
    }

    @Override
    Class<?> servantInterface() {
        return BarrierServant.class;
    }

    @Override
    public int await() throws InterruptedException, BrokenBarrierException {
        try {
            return await(Long.MAX_VALUE);
        } catch (TimeoutException e) {
            throw new AssertionError("an untimed barrier wait timed out", e);
        }
    }

    @Override
    public int await(Duration timeout) throws InterruptedException, BrokenBarrierException, TimeoutException {
        return await(deadline(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    private int await(long deadline) throws InterruptedException, BrokenBarrierException, TimeoutException {
        checkInterrupt();
        long arrival = (Long) call(ARRIVE);
        if (arrival < 0) {
            throw new BrokenBarrierException();
        }
        int index = (int) arrival;
        long generation = arrival >>> 32;
        if (index == 0) {
            return 0;
        }
        while (true) {
            if (Thread.interrupted()) {
                if ((Integer) call(BREAK, generation) == BarrierServant.TRIPPED) {
                    Thread.currentThread().interrupt();
                    return index;
                }
                throw new InterruptedException();
            }
            int state = (Integer) call(AWAIT_TRIP, generation, slice(deadline));
            if (state == BarrierServant.TRIPPED) {
                return index;
            }
            if (state == BarrierServant.BROKEN) {
                throw new BrokenBarrierException();
            }
            if (expired(deadline)) {
                if ((Integer) call(BREAK, generation) == BarrierServant.TRIPPED) {
                    return index;
                }
                throw new TimeoutException("barrier wait timed out: " + describe());
            }
        }
    }

    @Override
    public void reset() {
        call(RESET);
    }

    @Override
    public int parties() {
        return (Integer) call(PARTIES);
    }

    @Override
    public int numberWaiting() {
        return (Integer) call(WAITING);
    }

    @Override
    public boolean isBroken() {
        return (Boolean) call(IS_BROKEN);
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
        return "Barrier[" + describe() + "]";
    }
}
