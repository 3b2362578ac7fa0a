/**
 * Child processes, process pools, queues, pipes and live values: the core of multiprocessing4j.
 *
 * <p>Start with {@link multiprocessing4j.ChildProcess} (Python's {@code Process}),
 * {@link multiprocessing4j.ProcessPool} (Python's {@code Pool}) or
 * {@link multiprocessing4j.ProcessPoolExecutor}.
 */
package multiprocessing4j;
