package multiprocessing4j.bench;

import java.util.ArrayList;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import multiprocessing4j.ProcessPool;
import multiprocessing4j.ProcessPoolExecutor;
import multiprocessing4j.internal.pool.JvmWorkerLauncher;
import multiprocessing4j.internal.runtime.ChildJvm;
import multiprocessing4j.internal.runtime.JvmSpec;
import multiprocessing4j.internal.runtime.Spares;

/**
 * Every figure of the pool issue's table, in one JVM, each the median of a few short runs after 3 s of warm-up:
 * {@code Pool(2).map(x*x)} over 1 M ints (default chunk size), {@code map} over 20 000 ints with chunk
 * size 1, sequential {@code apply} round trips, executor {@code submit().get()} round trips, 20 000
 * submits then waiting for all, {@code imapUnordered} over 100 000 items with chunk size 100, and a pool of
 * two created → first result, cold and from warm spares. Counterpart: {@code bench/python/pool_bench.py}.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
 * -cp <bench jar>:<core jar>:<fory jars> multiprocessing4j.bench.PoolBenchmark [row]}.
 */
public final class PoolBenchmark {
    private static final int RUNS = 5;
    /** Each row runs untimed for at least this long first (bench/python/pool_bench.py does the same). */
    private static final long WARM_UP_NANOS = 3_000_000_000L;

    public static void main(String[] args) throws Exception {
        String only = args.length > 0 ? args[0] : "";
        if (only.isEmpty() || only.equals("startup")) {
            startup();
        }
        try (ProcessPool pool = ProcessPool.create(2)) {
            pool.map(x -> x, List.of(1, 2, 3, 4), 1);
            if (only.isEmpty() || only.equals("map")) {
                List<Integer> million = IntStream.range(0, 1_000_000).boxed().toList();
                report("Pool(2).map(x*x), 1,000,000 ints, default chunksize", million.size(),
                        () -> pool.map(x -> x * x, million), "tasks/s");
            }
            if (only.isEmpty() || only.equals("map1")) {
                List<Integer> items = IntStream.range(0, 20_000).boxed().toList();
                report("Pool(2).map(x*x), 20,000 ints, chunksize 1", items.size(),
                        () -> pool.map(x -> x * x, items, 1), "tasks/s");
            }
            if (only.isEmpty() || only.equals("apply")) {
                int n = 20_000;
                report("Pool(2).apply round trip, one after another", n, () -> {
                    for (int i = 0; i < n; i++) {
                        pool.apply(() -> 1);
                    }
                }, "us");
            }
            if (only.isEmpty() || only.equals("imap")) {
                List<Integer> items = IntStream.range(0, 100_000).boxed().toList();
                report("Pool(2).imapUnordered(x*x), 100,000 items, chunksize 100", items.size(), () -> {
                    Iterator<Integer> it = pool.imapUnordered(x -> x * x, items, 100);
                    long sum = 0;
                    while (it.hasNext()) {
                        sum += it.next();
                    }
                    if (sum == 42) {
                        System.out.println();
                    }
                }, "tasks/s");
            }
        }
        try (ProcessPoolExecutor executor = new ProcessPoolExecutor(2)) {
            executor.submit(() -> 1).get();
            if (only.isEmpty() || only.equals("submit")) {
                int n = 20_000;
                report("ProcessPoolExecutor(2).submit(..).get() round trip", n, () -> {
                    for (int i = 0; i < n; i++) {
                        executor.submit(() -> 1).get();
                    }
                }, "us");
            }
            if (only.isEmpty() || only.equals("submitall")) {
                int n = 20_000;
                report("ProcessPoolExecutor(2): submit 20,000 tasks, then wait for all", n, () -> {
                    List<CompletableFuture<Integer>> futures = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        int v = i;
                        futures.add(executor.submit(() -> v));
                    }
                    for (CompletableFuture<Integer> f : futures) {
                        f.get();
                    }
                }, "tasks/s");
            }
        }
    }

    /**
     * A pool of two created until its first result, in three conditions: cold (no warm spare: two JVMs started,
     * {@code -Dmp4j.spares=false} in effect); warm (a spare for each worker ready before the pool is created,
     * {@code ProcessPool.Builder.prepareSpares()}, waited for outside the timed region: CPython's fork has every worker from a ready
     * process too); and with one spare (what the runtime keeps after any start with these options: one worker
     * from it, the other started cold next to it). One untimed pool first, as CPython imports its modules before
     * timing: it loads this JVM's pool classes and makes the class-data archive children map (once per class path).
     */
    private static void startup() throws InterruptedException {
        String spares = System.getProperty(Spares.PROPERTY);
        try {
            System.setProperty(Spares.PROPERTY, "false");
            firstResultMillis();
            double[] cold = new double[RUNS];
            for (int r = 0; r < RUNS; r++) {
                cold[r] = firstResultMillis();
            }
            System.setProperty(Spares.PROPERTY, "true");
            double[] warm = new double[RUNS];
            double[] oneSpare = new double[RUNS];
            for (int r = 0; r < RUNS; r++) {
                awaitReadySpares(2);
                warm[r] = firstResultMillis();
                awaitReadySpares(1);
                oneSpare[r] = firstResultMillis();
            }
            double coldMs = report("cold (no spare)", cold);
            double warmMs = report("warm (a spare ready for each worker)", warm);
            double oneSpareMs = report("one spare ready (the other worker cold)", oneSpare);
            // mp4j bench pairs the first two with pool_bench.py's spawn (cold) and fork (warm) figures
            System.out.printf("RESULT pool.startup %.3f ms lower-is-better%n", coldMs);
            System.out.printf("RESULT pool.startup.warm %.3f ms lower-is-better%n", warmMs);
            System.out.printf("RESULT pool.startup.onespare %.3f ms lower-is-better%n", oneSpareMs);
        } finally {
            if (spares == null) {
                System.clearProperty(Spares.PROPERTY);
            } else {
                System.setProperty(Spares.PROPERTY, spares);
            }
            Spares.clear();
        }
    }

    private static double report(String condition, double[] ms) {
        Arrays.sort(ms);
        System.out.printf("pool of 2 created -> first result, %s: %.1f ms (median of %d; min %.1f)%n",
                condition, ms[RUNS / 2], RUNS, ms[0]);
        return ms[RUNS / 2];
    }

    private static double firstResultMillis() {
        long start = System.nanoTime();
        try (ProcessPool pool = ProcessPool.create(2)) {
            pool.apply(() -> 1);
            return (System.nanoTime() - start) / 1e6;
        }
    }

    /** Makes {@code count} spares for pools with no JVM options, as a user would, and waits until they are ready. */
    private static void awaitReadySpares(int count) throws InterruptedException {
        JvmSpec workers = JvmWorkerLauncher.workerSpec(List.of());
        ProcessPool.builder().processes(count).prepareSpares();
        long deadline = System.nanoTime() + 120_000_000_000L; // generous: a shared box can be very loaded
        List<ChildJvm> spares;
        while ((spares = Spares.all(workers)).size() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the spares were not made");
            }
            Thread.sleep(5);
        }
        for (ChildJvm spare : spares) {
            if (!spare.awaitReady(Duration.ofSeconds(120))) {
                throw new IllegalStateException("a spare did not get ready");
            }
        }
    }

    interface Body {
        void run() throws Exception;
    }

    private static void report(String name, int count, Body body, String unit) throws Exception {
        // Warm-up by time, as JMH does, not by count: a new pool's workers spend their first seconds compiling
        // and building Fory in the background (pool.startup measures that), and a 0.1 s row run once would
        // time them, not the pool: map over 20,000 ints with chunk size 1 ran 50-75 k/s in the first two
        // seconds and 570-670 k/s from the fourth on (one pool, 16 runs in a row).
        long warmUntil = System.nanoTime() + WARM_UP_NANOS;
        do {
            body.run();
        } while (System.nanoTime() < warmUntil);
        double[] seconds = new double[RUNS];
        for (int r = 0; r < RUNS; r++) {
            long start = System.nanoTime();
            body.run();
            seconds[r] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(seconds);
        double median = seconds[RUNS / 2];
        if (unit.equals("us")) {
            System.out.printf("%s: %.2f us per call (median of %d x %d)%n", name, median * 1e6 / count, RUNS, count);
            System.out.printf("RESULT %s %.3f us lower-is-better%n", figure(name), median * 1e6 / count);
        } else {
            System.out.printf("%s: %.0f tasks/s (median of %d x %d)%n", name, count / median, RUNS, count);
            System.out.printf("RESULT %s %.3f tasks/s higher-is-better%n", figure(name), count / median);
        }
    }

    /** The mp4j bench figure id of a row; {@code bench/python/pool_bench.py} names its rows the same. */
    static String figure(String name) {
        return name.contains("1,000,000") ? "pool.map.1m"
                : name.contains("chunksize 1,") || name.endsWith("chunksize 1") ? "pool.map.chunk1"
                : name.contains("apply round trip") ? "pool.apply.roundtrip"
                : name.toLowerCase(java.util.Locale.ROOT).contains("imap") ? "pool.imapunordered"
                : name.contains("round trip") ? "executor.submit.roundtrip"
                : "executor.submit.20k";
    }
}
