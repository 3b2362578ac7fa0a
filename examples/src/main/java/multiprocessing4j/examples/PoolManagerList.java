package multiprocessing4j.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import multiprocessing4j.ProcessPool;
import multiprocessing4j.manager.Manager;

/**
 * A pool whose workers record their progress in a manager's list: the pool computes the squares of 1 to
 * 20, and each task, wherever it runs, appends a line saying which worker did what to one shared list.
 *
 * <pre>{@code
 * # Python                                           // multiprocessing4j
 * with Manager() as manager, Pool(4) as pool:        try (Manager manager = Manager.start(); ProcessPool pool = ProcessPool.create(4)) {
 *     log = manager.list()                               List<String> log = manager.list();
 *     pool.map(partial(work, log), range(1, 21))         pool.map(x -> work(log, x), numbers);
 * }</pre>
 *
 * <p><b>Why a manager.</b> A pool task's return value is one channel back; when the tasks must also build
 * up something together (a log, a set of seen keys), they need a shared object. A manager's proxy is
 * a handle: the lambda captures it, and the copy that arrives in a worker connects to the same list. Every
 * {@code add} is one atomic operation on the server.
 *
 * <p>The map's results come back in input order; the log's lines in the order the server received them,
 * which depends on which worker ran what when.
 */
public final class PoolManagerList {
    private PoolManagerList() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            throw new UsageException("pool-manager-list takes no options, got " + String.join(" ", args),
                    "mp4j demo pool-manager-list");
        }
        List<Integer> numbers = IntStream.rangeClosed(1, 20).boxed().toList();
        try (Manager manager = Manager.start();
             ProcessPool pool = ProcessPool.create(4)) {
            List<String> log = manager.list();
            // The lambda captures the proxy; chunk size 1 spreads the numbers over the workers one by one.
            List<Integer> squares = pool.map(x -> work(log, x), numbers, 1);
            System.out.println("results, in input order: " + squares);

            List<String> lines = new ArrayList<>(log);    // one round trip: a copy of the whole list
            System.out.println("the manager's list has " + lines.size() + " lines, in the order they arrived:");
            lines.forEach(line -> System.out.println("  " + line));
            TreeMap<String, Long> perWorker = lines.stream().collect(Collectors.groupingBy(
                    line -> line.substring(0, line.indexOf(':')), TreeMap::new, Collectors.counting()));
            System.out.println("tasks per worker: " + perWorker);
        }
    }

    /** A task: computes x squared and appends what it did to the shared log. */
    static int work(List<String> log, int x) {
        int square = x * x;
        log.add("worker " + ProcessHandle.current().pid() + ": " + x + " squared is " + square);
        return square;
    }
}
