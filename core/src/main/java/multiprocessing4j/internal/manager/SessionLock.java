package multiprocessing4j.internal.manager;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A lock owned by a {@link Session}, on a plain monitor. Owning by session rather than by thread makes
 * the owner the client thread at the other end, and lets the lock be released when that client goes
 * away ({@link #sessionClosed}): a lock whose holder died can be taken again.
 */
final class SessionLock implements LockServant, SessionResource {
    private static final System.Logger LOG = System.getLogger("multiprocessing4j.manager");

    private static final class Waiter {
        final Session session;
        boolean signalled;

        Waiter(Session session) {
            this.session = session;
        }
    }

    private final boolean reentrant;
    private final List<ArrayDeque<Waiter>> conditions = new ArrayList<>();
    private Session owner;
    private int holds;

    SessionLock(boolean reentrant) {
        this.reentrant = reentrant;
    }

    @Override
    public synchronized boolean tryLock(long nanos) throws InterruptedException {
        Session me = Session.current();
        if (owner == me) {
            if (!reentrant) {
                throw new IllegalStateException("this lock is already held by the calling thread and is not reentrant:"
                        + " locking it again would deadlock (use reentrantLock() for a reentrant lock)");
            }
            holds++;
            return true;
        }
        if (!acquire(me, nanos)) {
            return false;
        }
        holds = 1;
        me.track(this);
        return true;
    }

    private boolean acquire(Session me, long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        while (owner != null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        owner = me;
        return true;
    }

    @Override
    public synchronized void unlock() {
        Session me = Session.current();
        checkOwner(me);
        if (--holds == 0) {
            owner = null;
            me.untrack(this);
            notifyAll();
        }
    }

    private void checkOwner(Session me) {
        if (owner != me) {
            throw new IllegalMonitorStateException("the calling thread does not hold this lock");
        }
    }

    @Override
    public synchronized boolean isHeldByCaller() {
        return owner == Session.current();
    }

    @Override
    public synchronized int holdCount() {
        return owner == Session.current() ? holds : 0;
    }

    @Override
    public synchronized int newCondition() {
        conditions.add(new ArrayDeque<>());
        return conditions.size() - 1;
    }

    private ArrayDeque<Waiter> condition(int index) {
        if (index < 0 || index >= conditions.size()) {
            throw new IllegalArgumentException("no condition " + index + " on this lock");
        }
        return conditions.get(index);
    }

    @Override
    public synchronized boolean await(int index, long nanos) throws InterruptedException {
        Session me = Session.current();
        checkOwner(me);
        ArrayDeque<Waiter> queue = condition(index);
        Waiter w = new Waiter(me);
        queue.add(w);
        int saved = holds;
        owner = null;
        holds = 0;
        notifyAll();
        try {
            long deadline = System.nanoTime() + nanos;
            while (!w.signalled) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } finally {
            if (!w.signalled) {
                queue.remove(w);
            }
            boolean interrupted = false;
            while (owner != null) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            owner = me;
            holds = saved;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return w.signalled;
    }

    @Override
    public synchronized void signal(int index) {
        checkOwner(Session.current());
        Waiter w = condition(index).poll();
        if (w != null) {
            w.signalled = true;
            notifyAll();
        }
    }

    @Override
    public synchronized void signalAll(int index) {
        checkOwner(Session.current());
        ArrayDeque<Waiter> queue = condition(index);
        if (!queue.isEmpty()) {
            for (Waiter w : queue) {
                w.signalled = true;
            }
            queue.clear();
            notifyAll();
        }
    }

    @Override
    public synchronized void sessionClosed(Session session) {
        if (owner == session) {
            LOG.log(System.Logger.Level.INFO, "releasing a manager lock held by {0}, whose connection closed",
                    session.peer());
            owner = null;
            holds = 0;
            notifyAll();
        }
        for (ArrayDeque<Waiter> queue : conditions) {
            queue.removeIf(w -> w.session == session);
        }
    }
}
