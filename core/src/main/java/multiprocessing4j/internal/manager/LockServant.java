package multiprocessing4j.internal.manager;

/**
 * The server side of {@code lock()}, {@code reentrantLock()} and {@code condition()}: a lock owned by a
 * session (one client thread's connection), with any number of conditions. Waits are bounded by the
 * caller's {@code nanos}; clients loop over short waits, which is what keeps them interruptible and
 * lets the server notice a client that went away.
 */
interface LockServant {

    /** @return whether the caller now holds the lock */
    boolean tryLock(long nanos) throws InterruptedException;

    void unlock();

    boolean isHeldByCaller();

    int holdCount();

    /** A new condition bound to this lock; returns its index. */
    int newCondition();

    /**
     * Releases the lock fully, waits for a signal on the condition at most {@code nanos}, then takes the
     * lock back with the same hold count.
     *
     * @return whether the wait ended by a signal
     */
    boolean await(int condition, long nanos) throws InterruptedException;

    void signal(int condition);

    void signalAll(int condition);
}
