package multiprocessing4j.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import multiprocessing4j.Multiprocessing;
import multiprocessing4j.ProcessPoolExecutor;

/**
 * The {@code concurrent.futures} documentation's example: is each of five large numbers prime? Checked
 * once one after another in this JVM, then again as five tasks of a {@link ProcessPoolExecutor}; the example
 * prints the answers, both times and the speed-up.
 *
 * <pre>{@code
 * # Python                                              // multiprocessing4j
 * with ProcessPoolExecutor() as executor:               try (ProcessPoolExecutor executor = new ProcessPoolExecutor()) {
 *     for n, prime in zip(PRIMES,                           List<Boolean> answers = executor.map(ExecutorSpeedup::isPrime, NUMBERS);
 *                         executor.map(is_prime, PRIMES)):
 *         print(f'{n} is prime: {prime}')               }
 * }</pre>
 *
 * <p><b>The speed-up</b> can be at most the number of CPUs (and the number of tasks): with 5 tasks on 2
 * CPUs, the workers run 3 rounds where one thread runs 5, so about 1.7x is the best there is, on a machine
 * with nothing else to do. Starting the worker JVMs (a tenth of a second or so each, in parallel) is
 * printed apart: an executor pays it once, not per task. The parallel time still includes each worker
 * compiling the code afresh (the sequential run warmed up this JVM's compiler for it). The longer the
 * tasks, the less that matters; for tasks of a few milliseconds, processes do not pay. On a machine busy
 * with other work, the workers get no more CPU than the single thread did, and the speed-up shrinks, even
 * below 1: the figures are a measurement, not a promise.
 *
 * <p>Tasks are submitted as ordinary {@code ExecutorService} work; {@link ProcessPoolExecutor#submit} returns
 * a {@link CompletableFuture}, so results can be composed like any other future's. The executor is
 * {@code AutoCloseable}: the end of the {@code try} shuts it down and waits for the workers to exit.
 */
public final class ExecutorSpeedup {
    /**
     * Five primes around 10^17: each needs about 150 million trial divisions, a few tenths of a second, long
     * enough for a worker to compile the loop and then run it at full speed.
     */
    static final List<Long> NUMBERS = List.of(80_000_000_000_000_011L, 85_000_000_000_000_097L, 90_000_000_000_000_011L,
            95_000_000_000_000_009L, 100_000_000_000_000_003L);

    private ExecutorSpeedup() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            throw new UsageException("executor takes no options, got " + String.join(" ", args), "mp4j demo executor");
        }
        int cpus = Multiprocessing.cpuCount();
        System.out.println(NUMBERS.size() + " CPU-bound tasks, " + cpus + " CPUs");

        // 1. One after another, in this JVM's main thread.
        long start = System.nanoTime();
        List<Boolean> sequential = new ArrayList<>();
        for (long n : NUMBERS) {
            sequential.add(isPrime(n));
        }
        long sequentialMillis = (System.nanoTime() - start) / 1_000_000;

        // 2. As five tasks of a process pool: one worker per CPU, at most one per task. The workers' start-up
        //    is timed on its own: it is paid once per executor, not per task.
        int workers = Math.min(cpus, NUMBERS.size());
        List<Boolean> parallel = new ArrayList<>();
        long startupMillis;
        long parallelMillis;
        start = System.nanoTime();
        try (ProcessPoolExecutor executor = new ProcessPoolExecutor(workers)) {
            awaitWorkers(executor, workers);
            startupMillis = (System.nanoTime() - start) / 1_000_000;

            start = System.nanoTime();
            List<CompletableFuture<Boolean>> futures = new ArrayList<>();
            for (long n : NUMBERS) {
                futures.add(executor.submit(() -> isPrime(n)));
            }
            for (CompletableFuture<Boolean> f : futures) {
                parallel.add(f.get(2, TimeUnit.MINUTES));  // bounded: never wait forever on a future
            }
            parallelMillis = (System.nanoTime() - start) / 1_000_000;
        }

        for (int i = 0; i < NUMBERS.size(); i++) {
            System.out.println(NUMBERS.get(i) + " is prime: " + parallel.get(i));
        }
        System.out.println("same answers both ways: " + sequential.equals(parallel));
        System.out.printf(Locale.ROOT, "one after another in this JVM: %5d ms%n", sequentialMillis);
        System.out.printf(Locale.ROOT, "%d worker processes:          %5d ms (and %d ms before, to start them)%n",
                workers, parallelMillis, startupMillis);
        // 5 tasks on 2 workers take 3 rounds: at best 5/3 of the sequential speed
        int rounds = (NUMBERS.size() + workers - 1) / workers;
        System.out.printf(Locale.ROOT, "speed-up: %.2fx (at best %.2fx: %d tasks in %d rounds of %d workers)%n",
                (double) sequentialMillis / Math.max(1, parallelMillis), (double) NUMBERS.size() / rounds,
                NUMBERS.size(), rounds, workers);
    }

    /** Waits until the executor's workers are all up (they start in the background when it is created). */
    private static void awaitWorkers(ProcessPoolExecutor executor, int workers) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (executor.workerPids().size() < workers) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the workers did not start within 60 s");
            }
            Thread.sleep(10);
        }
    }

    /** Trial division by 2 and the odd numbers up to the square root: deliberately plain CPU work. */
    static boolean isPrime(long n) {
        if (n < 2) {
            return false;
        }
        if (n % 2 == 0) {
            return n == 2;
        }
        long limit = (long) Math.sqrt((double) n);
        for (long d = 3; d <= limit; d += 2) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }
}
