package multiprocessing4j.internal.manager;

import java.util.concurrent.TimeUnit;

/** A flag that waiters can wait for, on a monitor. */
final class SharedEvent implements EventServant {
    private boolean set;

    @Override
    public synchronized void set() {
        set = true;
        notifyAll();
    }

    @Override
    public synchronized void clear() {
        set = false;
    }

    @Override
    public synchronized boolean isSet() {
        return set;
    }

    @Override
    public synchronized boolean awaitSet(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        while (!set) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
