package multiprocessing4j;

/**
 * Facts about this machine and this JVM that multiprocessing programs size themselves by: Python's
 * module-level functions of {@code multiprocessing}.
 *
 * <pre>{@code
 * int workers = Multiprocessing.cpuCount();
 * }</pre>
 */
public final class Multiprocessing {
    private Multiprocessing() {
    }

    /**
     * The number of processors this JVM may use: Python's {@code cpu_count()}, but honouring the CPU
     * affinity mask and container (cgroup) limits as {@link Runtime#availableProcessors()} does, since that
     * is how many processes can run in parallel here, which is what a pool is sized by. At least 1.
     */
    public static int cpuCount() {
        return Runtime.getRuntime().availableProcessors();
    }
}
