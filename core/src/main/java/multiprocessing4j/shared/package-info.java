/**
 * Shared memory between processes, mapped from {@code /dev/shm}: raw {@link multiprocessing4j.shared.SharedMemory}
 * segments (Python's {@code multiprocessing.shared_memory}), shared values
 * ({@link multiprocessing4j.shared.SharedLong}, {@link multiprocessing4j.shared.SharedInt},
 * {@link multiprocessing4j.shared.SharedDouble}: Python's {@code Value}) and shared arrays
 * ({@link multiprocessing4j.shared.SharedLongArray}, {@link multiprocessing4j.shared.SharedIntArray},
 * {@link multiprocessing4j.shared.SharedDoubleArray}, {@link multiprocessing4j.shared.SharedByteArray}:
 * Python's {@code Array}). Values and arrays carry their own {@code lock()}, a
 * {@link multiprocessing4j.sync.ProcessReentrantLock} in the same storage, as Python's
 * {@code get_lock()}.
 *
 * <p>All are handles: serialize one, or capture it in a lambda sent to another JVM, and the copy
 * attaches to the same memory. {@code close()} unmaps in this process; {@code unlink()} removes the
 * name; without it, the name goes at normal exit of the creating JVM unless a handle was sent away,
 * and in any case once the whole process tree has ended, also after SIGKILL.
 */
package multiprocessing4j.shared;
