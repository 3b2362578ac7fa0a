package multiprocessing4j.manager;

import java.time.Duration;

/**
 * A counting semaphore held by a manager: {@code manager.semaphore(n)} and
 * {@code manager.boundedSemaphore(n)}, Python's {@code Semaphore} and {@code BoundedSemaphore}, with
 * {@link java.util.concurrent.Semaphore}'s method names.
 *
 * <pre>{@code
 * ManagedSemaphore slots = manager.boundedSemaphore(4);
 * if (slots.tryAcquire(Duration.ofSeconds(1))) {
 *     try { download(); } finally { slots.release(); }
 * }
 * }</pre>
 *
 * <p>A bounded semaphore refuses a release beyond its initial count ({@link IllegalStateException}), and
 * gets back the permits a client still held when its connection closed (its process died, or its thread
 * ended): it guards a resource the dead client no longer uses. A plain semaphore does not, since its
 * permits often serve as signals between processes. Waiting is interruptible; not fair.
 *
 * <p><b>Memory consistency effects:</b> actions before a {@code release} happen-before actions after an
 * acquire that obtained those permits, in any process.
 */
public interface ManagedSemaphore {

    /** Takes a permit, waiting as long as it takes. */
    void acquire() throws InterruptedException;

    /** Takes {@code permits} permits at once, waiting as long as it takes. */
    void acquire(int permits) throws InterruptedException;

    /** Takes a permit if one is free now. */
    boolean tryAcquire();

    /** Takes a permit, waiting at most {@code timeout}; returns whether it did. */
    boolean tryAcquire(Duration timeout) throws InterruptedException;

    /** Takes {@code permits} permits at once, waiting at most {@code timeout}; returns whether it did. */
    boolean tryAcquire(int permits, Duration timeout) throws InterruptedException;

    void release();

    void release(int permits);

    int availablePermits();
}
