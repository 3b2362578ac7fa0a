package multiprocessing4j.internal.manager;

/** The server side of {@code semaphore(n)} and {@code boundedSemaphore(n)}. */
interface SemaphoreServant {

    boolean tryAcquire(int permits, long nanos) throws InterruptedException;

    void release(int permits);

    int availablePermits();
}
