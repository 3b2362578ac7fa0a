package multiprocessing4j.internal.manager;

import java.io.Serial;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import multiprocessing4j.manager.JoinableQueue;

/** A {@link JoinableQueue} held by a manager. */
final class JoinableQueueProxy<E> extends QueueProxy<E> implements JoinableQueue<E> {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final MethodKey TASK_DONE = MethodKey.of(QueueServant.class, "taskDone");
    private static final MethodKey JOIN = MethodKey.of(QueueServant.class, "join", long.class);
    private static final MethodKey UNFINISHED = MethodKey.of(QueueServant.class, "unfinished");

    JoinableQueueProxy(ManagerClient client, int id, String typeName) {
        super(client, id, typeName);
    }

    @Override
    public void taskDone() {
        call(TASK_DONE);
    }

    @Override
    public void join() throws InterruptedException {
        while (true) {
            checkInterrupt();
            if ((Boolean) call(JOIN, SLICE_NANOS)) {
                return;
            }
        }
    }

    @Override
    public boolean join(Duration timeout) throws InterruptedException {
        long deadline = deadline(timeout.toNanos(), TimeUnit.NANOSECONDS);
        while (true) {
            checkInterrupt();
            if ((Boolean) call(JOIN, slice(deadline))) {
                return true;
            }
            if (expired(deadline)) {
                return false;
            }
        }
    }

    @Override
    public long unfinishedTasks() {
        return (Long) call(UNFINISHED);
    }
}
