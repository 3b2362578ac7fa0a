/**
 * Internals: codec, platform (futex, mapping, pids), shared-memory layouts and the child-JVM runtime.
 * Not exported by the module; no compatibility promise.
 */
package multiprocessing4j.internal;
