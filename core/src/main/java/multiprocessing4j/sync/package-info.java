/**
 * Cross-process synchronisation on shared memory and futexes: Python's {@code Lock}, {@code RLock},
 * {@code Semaphore}, {@code BoundedSemaphore}, {@code Condition}, {@code Event} and {@code Barrier}
 * as {@link multiprocessing4j.sync.ProcessLock}, {@link multiprocessing4j.sync.ProcessReentrantLock},
 * {@link multiprocessing4j.sync.ProcessSemaphore}, {@link multiprocessing4j.sync.ProcessCondition},
 * {@link multiprocessing4j.sync.ProcessEvent} and {@link multiprocessing4j.sync.ProcessBarrier}.
 *
 * <p>Each is a small handle over one cell of shared memory (a {@code /dev/shm} file, mode 0600):
 * capture it in a lambda sent to a child or a pool worker, or serialize it, and the copy attaches to
 * the same cell. Threads of one process and threads of other processes mix freely. Waiting spins
 * for a few microseconds, then blocks in a futex wait that uses no CPU; every blocking call has a
 * {@link java.time.Duration} variant and honours interruption (within 50 ms).
 *
 * <p>They survive what Python's do not: a lock whose holding process died is taken over by the next
 * thread that asks, which can tell ({@code previousOwnerDied()}); a barrier whose party process died
 * breaks instead of hanging. Semaphore permits held by a dead process are lost, as in Python (see
 * {@link multiprocessing4j.sync.ProcessSemaphore}).
 *
 * <p>Without native access (no {@code --enable-native-access}, or not Linux on x86-64/AArch64),
 * everything still works: waits poll with a backoff up to a millisecond, and the JVM logs that once.
 */
package multiprocessing4j.sync;
