package multiprocessing4j.internal.manager;

import java.util.ArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link LinkedBlockingQueue} with, for the joinable kind, a count of unfinished tasks. */
final class SharedQueue implements QueueServant {
    private final LinkedBlockingQueue<Object> queue;
    private final boolean joinable;
    private final Object tasks = new Object();
    private long unfinished;

    SharedQueue(int capacity, boolean joinable) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("queue capacity must be positive, was " + capacity);
        }
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.joinable = joinable;
    }

    @Override
    public boolean offer(Object e, long nanos) throws InterruptedException {
        if (e == null) {
            throw new NullPointerException("a queue does not hold null");
        }
        if (joinable) {
            synchronized (tasks) {
                unfinished++;
            }
        }
        boolean added = false;
        try {
            added = nanos <= 0 ? queue.offer(e) : queue.offer(e, nanos, TimeUnit.NANOSECONDS);
            return added;
        } finally {
            if (joinable && !added) {
                synchronized (tasks) {
                    unfinished--;
                    tasks.notifyAll();
                }
            }
        }
    }

    @Override
    public Object poll(long nanos) throws InterruptedException {
        return nanos <= 0 ? queue.poll() : queue.poll(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public Object peek() {
        return queue.peek();
    }

    @Override
    public int size() {
        return queue.size();
    }

    @Override
    public int remainingCapacity() {
        return queue.remainingCapacity();
    }

    @Override
    public boolean remove(Object o) {
        return queue.remove(o);
    }

    @Override
    public boolean contains(Object o) {
        return queue.contains(o);
    }

    @Override
    public void clear() {
        queue.clear();
    }

    @Override
    public Object[] toArray() {
        return queue.toArray();
    }

    @Override
    public Object[] drain(int max) {
        ArrayList<Object> out = new ArrayList<>();
        queue.drainTo(out, Math.max(0, max));
        return out.toArray();
    }

    private void checkJoinable() {
        if (!joinable) {
            throw new UnsupportedOperationException("not a joinable queue: create it with joinableQueue()");
        }
    }

    @Override
    public void taskDone() {
        checkJoinable();
        synchronized (tasks) {
            if (unfinished == 0) {
                throw new IllegalStateException("taskDone() called more times than there were items put");
            }
            if (--unfinished == 0) {
                tasks.notifyAll();
            }
        }
    }

    @Override
    public boolean join(long nanos) throws InterruptedException {
        checkJoinable();
        long deadline = System.nanoTime() + nanos;
        synchronized (tasks) {
            while (unfinished > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(tasks, left);
            }
            return true;
        }
    }

    @Override
    public long unfinished() {
        checkJoinable();
        synchronized (tasks) {
            return unfinished;
        }
    }
}
