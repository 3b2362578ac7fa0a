package multiprocessing4j;

import java.util.List;
import java.util.stream.Collectors;

/** A JVM that starts a pool, reports its workers' pids on stdout, and waits to be killed (for PoolFaultsTest). */
public final class PoolParentMain {
    private PoolParentMain() {
    }

    public static void main(String[] args) throws Exception {
        ProcessPool pool = ProcessPool.create(2);
        pool.map(x -> x, List.of(1, 2), 1);
        while (pool.workerPids().size() < 2) {
            Thread.onSpinWait();
        }
        System.out.println("pids " + pool.workerPids().stream().map(String::valueOf).collect(Collectors.joining(",")));
        System.out.flush();
        Thread.sleep(60_000);
    }
}
