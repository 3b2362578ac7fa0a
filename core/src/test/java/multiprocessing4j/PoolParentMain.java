package multiprocessing4j;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** A JVM that starts a pool, reports its workers' pids on stdout, and waits to be killed (for PoolFaultsTest). */
public final class PoolParentMain {
    private PoolParentMain() {
    }

    public static void main(String[] args) throws Exception {
        ProcessPool pool = ProcessPool.create(2);
        // both workers connected and running: each has run a task
        Set<Long> pids = new TreeSet<>();
        while (pids.size() < 2) {
            pids.addAll(pool.map(x -> {
                PoolFaultsTest.sleep(100);
                return ProcessHandle.current().pid();
            }, List.of(1, 2), 1));
        }
        System.out.println("pids " + pids.stream().map(String::valueOf).collect(Collectors.joining(",")));
        System.out.flush();
        Thread.sleep(60_000);
    }
}
