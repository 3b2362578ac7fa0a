package multiprocessing4j.internal.manager;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A counting semaphore on a monitor. The bounded kind refuses to be released above its initial count,
 * and gives back the permits a client still held when its connection closed (a bounded semaphore
 * guards a resource, and a dead client no longer uses it). The plain kind does not: its permits are
 * often used as signals between processes, where "held" has no meaning.
 */
final class SharedSemaphore implements SemaphoreServant, SessionResource {
    private final int bound;
    private final Map<Session, Integer> held = new HashMap<>();
    private int permits;

    /** @param bound the maximum count for a bounded semaphore, or -1 */
    SharedSemaphore(int permits, int bound) {
        if (permits < 0) {
            throw new IllegalArgumentException("a semaphore's initial count must not be negative, was " + permits);
        }
        this.permits = permits;
        this.bound = bound;
    }

    private static void checkPermits(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("permits must be positive, was " + n);
        }
    }

    @Override
    public synchronized boolean tryAcquire(int n, long nanos) throws InterruptedException {
        checkPermits(n);
        long deadline = System.nanoTime() + nanos;
        while (permits < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        permits -= n;
        if (bound >= 0) {
            Session me = Session.current();
            if (held.merge(me, n, Integer::sum) == n) {
                me.track(this);
            }
        }
        return true;
    }

    @Override
    public synchronized void release(int n) {
        checkPermits(n);
        if (bound >= 0) {
            if ((long) permits + n > bound) {
                throw new IllegalStateException("bounded semaphore released too many times: " + permits + " + " + n
                        + " would exceed its bound " + bound);
            }
            Session me = Session.current();
            Integer mine = held.get(me);
            if (mine != null) {
                if (mine <= n) {
                    held.remove(me);
                    me.untrack(this);
                } else {
                    held.put(me, mine - n);
                }
            }
        }
        permits += n;
        notifyAll();
    }

    @Override
    public synchronized int availablePermits() {
        return permits;
    }

    @Override
    public synchronized void sessionClosed(Session session) {
        Integer mine = held.remove(session);
        if (mine != null) {
            permits = Math.min(bound, permits + mine);
            notifyAll();
        }
    }
}
