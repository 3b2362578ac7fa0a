/**
 * What is Linux-specific, behind a small facade: futex wait/wake through the FFM API
 * ({@link multiprocessing4j.internal.platform.Futex}), process liveness robust to pid reuse
 * ({@link multiprocessing4j.internal.platform.Pids}), and this JVM's place in its process tree
 * ({@link multiprocessing4j.internal.platform.ProcessTree}).
 */
package multiprocessing4j.internal.platform;
