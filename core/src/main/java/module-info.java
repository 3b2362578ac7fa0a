/**
 * multiprocessing4j: Python's {@code multiprocessing} and {@code concurrent.futures.ProcessPoolExecutor}
 * for the JVM. Child JVMs, process pools, queues, pipes, shared memory, cross-process locks, managers
 * and live values. Only the public packages are exported; {@code multiprocessing4j.internal.*} is not.
 */
module multiprocessing4j {
    requires org.apache.fory.core;
    requires java.logging;
    requires jdk.unsupported;

    exports multiprocessing4j;
    exports multiprocessing4j.manager;
    exports multiprocessing4j.shared;
    exports multiprocessing4j.sync;

    // Fory reads and instantiates the codec's own values (RemoteFailure, warm-up samples) reflectively
    opens multiprocessing4j.internal.codec to org.apache.fory.core;
    // ... and the runtime's entries (TaskEntry) that carry a task into a child
    opens multiprocessing4j.internal.runtime to org.apache.fory.core;
    // ... and the manager's proxy handles, which travel inside tasks
    opens multiprocessing4j.internal.manager to org.apache.fory.core;
}
