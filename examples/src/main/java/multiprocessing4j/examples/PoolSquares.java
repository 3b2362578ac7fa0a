package multiprocessing4j.examples;

import java.util.List;
import java.util.stream.IntStream;

import multiprocessing4j.ProcessPool;

/**
 * Python's first pool example, {@code Pool(4).map(f, range(10))} with {@code f(x) = x * x}: a pool of
 * worker JVMs squares the numbers 0 to 9 and the results come back in input order.
 *
 * <pre>{@code
 * # Python                                   // multiprocessing4j
 * with Pool(4) as pool:                      try (ProcessPool pool = ProcessPool.create(4)) {
 *     print(pool.map(f, range(10)))              System.out.println(pool.map(x -> x * x, numbers));
 *                                            }
 * }</pre>
 *
 * <p>The lambda is sent to the workers: a lambda written where a {@code SerializableFunction} is expected
 * is serializable, so nothing more is needed. {@code map} cuts the input into chunks (one task each), waits
 * for all of them and returns the results in the order of the input, whichever worker finished first.
 * Closing the pool (the end of the {@code try}) lets the queued work finish and waits for the workers to exit.
 */
public final class PoolSquares {
    private PoolSquares() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            throw new UsageException("pool-map takes no options, got " + String.join(" ", args), "mp4j demo pool-map");
        }
        List<Integer> numbers = IntStream.range(0, 10).boxed().toList();
        try (ProcessPool pool = ProcessPool.create(4)) {
            // Runs in the workers; results arrive in input order.
            List<Integer> squares = pool.map(x -> x * x, numbers);
            System.out.println("squares of " + numbers + ":");
            System.out.println(squares);

            // Each worker is a process of its own: ask them for their pids (chunk size 1: one task per item).
            List<Long> pids = pool.map(x -> ProcessHandle.current().pid(), numbers, 1);
            System.out.println("computed in " + pids.stream().distinct().count() + " worker process(es) of "
                    + pool.processes() + ", none of them this one (pid " + ProcessHandle.current().pid() + "): "
                    + !pids.contains(ProcessHandle.current().pid()));
        }
    }
}
