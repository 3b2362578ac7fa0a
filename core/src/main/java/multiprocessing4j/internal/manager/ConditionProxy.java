package multiprocessing4j.internal.manager;

import java.io.Serial;
import java.util.Date;
import java.util.concurrent.TimeUnit;

import multiprocessing4j.manager.ManagedCondition;

/** A {@link ManagedCondition}: a reentrant {@link LockProxy} and its condition 0, made together on the server. */
final class ConditionProxy extends LockProxy implements ManagedCondition {
    @Serial
    private static final long serialVersionUID = 1L;

    ConditionProxy(ManagerClient client, int id, String typeName) {
        super(client, id, typeName);
    }

    @Override
    public void await() throws InterruptedException {
        await(0, Long.MAX_VALUE, true);
    }

    @Override
    public void awaitUninterruptibly() {
        try {
            await(0, Long.MAX_VALUE, false);
        } catch (InterruptedException e) {
            throw new AssertionError("an uninterruptible wait was interrupted", e);
        }
    }

    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
        long deadline = deadline(nanosTimeout, TimeUnit.NANOSECONDS);
        await(0, deadline, true);
        return deadline - System.nanoTime();
    }

    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
        return await(0, deadline(time, unit), true);
    }

    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
        return await(0, deadline(deadline.getTime() - System.currentTimeMillis(), TimeUnit.MILLISECONDS), true);
    }

    @Override
    public void signal() {
        signal(0);
    }

    @Override
    public void signalAll() {
        signalAll(0);
    }

    @Override
    public String toString() {
        return "Condition[" + describe() + "]";
    }
}
