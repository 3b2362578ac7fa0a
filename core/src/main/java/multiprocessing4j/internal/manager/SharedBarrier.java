package multiprocessing4j.internal.manager;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A cyclic barrier on a monitor, with generations, after {@link java.util.concurrent.CyclicBarrier}.
 * A party whose connection closes while it waits breaks the barrier, as a party that gives up would:
 * the others get {@link java.util.concurrent.BrokenBarrierException} instead of waiting forever.
 */
final class SharedBarrier implements BarrierServant, SessionResource {
    private static final int REMEMBERED_GENERATIONS = 1024;

    private final int parties;
    /** Finished generations: whether each was broken, for waiters that look after it ended. */
    private final Map<Long, Boolean> outcomes = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > REMEMBERED_GENERATIONS;
        }
    };
    private final Set<Session> waiting = new HashSet<>();
    private long generation;
    private boolean broken;
    private int count;

    SharedBarrier(int parties) {
        if (parties <= 0) {
            throw new IllegalArgumentException("a barrier needs at least one party, was " + parties);
        }
        this.parties = parties;
    }

    @Override
    public synchronized long arrive() {
        if (broken) {
            return -1;
        }
        int index = parties - 1 - count;
        count++;
        if (count == parties) {
            long tripped = generation;
            nextGeneration(false);
            return tripped << 32;
        }
        Session me = Session.current();
        waiting.add(me);
        me.track(this);
        return generation << 32 | index;
    }

    private void nextGeneration(boolean brokenOutcome) {
        outcomes.put(generation, brokenOutcome);
        generation++;
        count = 0;
        broken = false;
        waiting.clear();
        notifyAll();
    }

    @Override
    public synchronized int awaitTrip(long gen, long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        while (true) {
            if (gen != generation) {
                return Boolean.TRUE.equals(outcomes.get(gen)) ? BROKEN : TRIPPED;
            }
            if (broken) {
                return BROKEN;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return WAITING;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    @Override
    public synchronized int breakGeneration(long gen) {
        if (gen != generation) {
            return Boolean.TRUE.equals(outcomes.get(gen)) ? BROKEN : TRIPPED;
        }
        breakBarrier();
        return BROKEN;
    }

    private void breakBarrier() {
        broken = true;
        waiting.clear();
        notifyAll();
    }

    @Override
    public synchronized void reset() {
        nextGeneration(count > 0 || broken);
    }

    @Override
    public int parties() {
        return parties;
    }

    @Override
    public synchronized int numberWaiting() {
        return broken ? 0 : count;
    }

    @Override
    public synchronized boolean isBroken() {
        return broken;
    }

    @Override
    public synchronized void sessionClosed(Session session) {
        if (waiting.remove(session)) {
            breakBarrier();
        }
    }
}
