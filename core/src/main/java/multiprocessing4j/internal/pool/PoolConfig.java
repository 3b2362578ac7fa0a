package multiprocessing4j.internal.pool;

import java.util.List;

/**
 * How a pool is set up.
 *
 * @param processes          how many workers run at once
 * @param initializer        encoded {@code SerializableRunnable} run once in each worker, or null
 * @param maxTasksPerChild   how many tasks (a map chunk counts as one) a worker runs before it is replaced; 0: no limit
 * @param taskTimeoutNanos   how long one task may run before its worker is killed; 0: no limit
 * @param maxWorkerMemory    resident bytes past which a worker is replaced between tasks; 0: no limit
 * @param namePrefix         workers are named {@code namePrefix + "-worker-" + n}
 * @param jvmOptions         extra options for worker JVMs
 */
public record PoolConfig(int processes, byte[] initializer, int maxTasksPerChild, long taskTimeoutNanos,
                         long maxWorkerMemory, String namePrefix, List<String> jvmOptions) {
    public PoolConfig {
        if (processes < 1) {
            throw new IllegalArgumentException("a pool needs at least one process, got " + processes);
        }
        if (maxTasksPerChild < 0) {
            throw new IllegalArgumentException("maxTasksPerChild must be 0 (no limit) or positive, got " + maxTasksPerChild);
        }
        jvmOptions = List.copyOf(jvmOptions);
    }
}
