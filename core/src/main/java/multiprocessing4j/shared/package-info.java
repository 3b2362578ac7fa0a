/**
 * Shared memory between processes: {@code SharedMemory} segments, shared values
 * ({@code SharedLong}, {@code SharedInt}, {@code SharedDouble}) and shared arrays, mapped from
 * {@code /dev/shm} (Python's {@code multiprocessing.shared_memory}, {@code Value} and {@code Array}).
 */
package multiprocessing4j.shared;
