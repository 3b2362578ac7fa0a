package multiprocessing4j.manager;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;

/**
 * A managed {@link BlockingQueue} that also counts unfinished tasks, Python's {@code JoinableQueue}:
 * every element put is a task; a consumer calls {@link #taskDone()} when it has finished one, and
 * {@link #join()} waits until all are done.
 *
 * <pre>{@code
 * JoinableQueue<String> work = manager.joinableQueue();
 * // consumers: String w = work.take(); handle(w); work.taskDone();
 * work.put("a"); work.put("b");
 * work.join();                                   // both handled
 * }</pre>
 *
 * @param <E> the element type
 */
public interface JoinableQueue<E> extends BlockingQueue<E> {

    /**
     * Marks one task taken from the queue as done.
     *
     * @throws IllegalStateException if called more times than elements were put
     */
    void taskDone();

    /** Waits until every element put has been marked done. */
    void join() throws InterruptedException;

    /** Waits at most {@code timeout}; returns whether every element put has been marked done. */
    boolean join(Duration timeout) throws InterruptedException;

    /** The number of elements put and not yet marked done. */
    long unfinishedTasks();
}
