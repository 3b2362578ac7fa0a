package multiprocessing4j.internal.manager;

/**
 * The server side of {@code queue()} and {@code joinableQueue()}. Waits are bounded by the caller's
 * {@code nanos}; clients loop over short waits.
 */
interface QueueServant {

    boolean offer(Object e, long nanos) throws InterruptedException;

    /** @return the head, or {@code null} if none came in time */
    Object poll(long nanos) throws InterruptedException;

    Object peek();

    int size();

    int remainingCapacity();

    boolean remove(Object o);

    boolean contains(Object o);

    void clear();

    Object[] toArray();

    /** Removes and returns up to {@code max} elements, oldest first. */
    Object[] drain(int max);

    /** Joinable queues only: one item taken earlier is done. */
    void taskDone();

    /** Joinable queues only: waits until every item put has been marked done; returns whether that happened. */
    boolean join(long nanos) throws InterruptedException;

    /** Joinable queues only: items put and not yet marked done. */
    long unfinished();
}
