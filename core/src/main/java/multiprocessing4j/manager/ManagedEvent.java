package multiprocessing4j.manager;

import java.time.Duration;

/**
 * A flag held by a manager that processes can wait for: Python's {@code Event}.
 *
 * <pre>{@code
 * ManagedEvent ready = manager.event();
 * // in workers: ready.await();
 * ready.set();                                  // releases all waiters, now and later
 * }</pre>
 *
 * <p><b>Memory consistency effects:</b> actions before {@code set()} happen-before actions after an
 * {@code await} that returns because of it, in any process.
 */
public interface ManagedEvent {

    /** Sets the flag and wakes every waiter. */
    void set();

    /** Clears the flag: later waiters wait again. */
    void clear();

    boolean isSet();

    /** Waits until the flag is set. */
    void await() throws InterruptedException;

    /** Waits at most {@code timeout}; returns whether the flag is set. */
    boolean await(Duration timeout) throws InterruptedException;
}
