package multiprocessing4j.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import multiprocessing4j.internal.platform.Futex;
import multiprocessing4j.internal.platform.ProcessTree;
import multiprocessing4j.shared.SharedDouble;
import multiprocessing4j.shared.SharedDoubleArray;
import multiprocessing4j.shared.SharedLong;
import multiprocessing4j.sync.ProcessBarrier;
import multiprocessing4j.sync.ProcessEvent;
import multiprocessing4j.sync.ProcessLock;

/**
 * The figures of issue 4, each the median of five timed runs after one warm-up run, with the
 * CPython counterpart in {@code bench/python/sync_bench.py}:
 * <ul>
 *   <li>{@code locked}: 2 processes increment one {@link SharedLong} under its {@code lock()} (increments/s);</li>
 *   <li>{@code atomic}: 2 processes {@code incrementAndGet} one {@link SharedLong} (increments/s);</li>
 *   <li>{@code uncontended}: {@link ProcessLock} lock + unlock in one thread (pairs/s);</li>
 *   <li>{@code pingpong}: two {@link ProcessEvent}s between 2 processes, set / await / clear (round trip);</li>
 *   <li>{@code copy}: a child copies 10 M doubles from a Java array into a {@link SharedDoubleArray} (GB/s);</li>
 *   <li>{@code sum}: summing 10 M shared doubles with {@code get(i)} (GB/s).</li>
 * </ul>
 * Run (after {@code bin/mvn -q -B -DskipTests package}): {@code java --enable-native-access=ALL-UNNAMED
 * -cp bench/target/classes:core/target/classes multiprocessing4j.bench.SyncBenchmark [scenario...]}.
 * {@code bench/python/run_sync_bench.sh} runs this and the CPython script back to back. Peers are
 * JVMs started with the same class path; handles travel to them serialized on the command line.
 */
public final class SyncBenchmark {
    private static final int RUNS = 5;
    private static final long COUNTER_OPS = 5_000_000;
    private static final long UNCONTENDED_OPS = 20_000_000;
    private static final int ROUNDS = 20_000;
    private static final int DOUBLES = 10_000_000;

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("peer")) {
            peer(args[1], (Object[]) decode(args[2]));
            return;
        }
        List<String> scenarios = args.length > 0 ? Arrays.asList(args)
                : List.of("locked", "atomic", "uncontended", "pingpong", "copy", "sum");
        Futex.prepare();
        for (String s : scenarios) {
            switch (s) {
                case "locked" -> report("sync.counter.locked", "2 processes, counter under its lock", counter(true), "M increments/s");
                case "atomic" -> report("sync.counter.atomic", "2 processes, atomic increment", counter(false), "M increments/s");
                case "uncontended" -> report("sync.lock.uncontended", "uncontended ProcessLock lock+unlock", uncontended(), "M pairs/s");
                case "pingpong" -> report("sync.processevent.pingpong", "event ping-pong round trip", pingPong(), "us");
                case "copy" -> report("shared.array.copy", "child copies 10 M doubles into a shared array", copy(), "GB/s");
                case "sum" -> report("shared.array.sum", "sum of 10 M shared doubles, get(i)", sum(), "GB/s");
                default -> throw new IllegalArgumentException("unknown scenario " + s);
            }
        }
    }

    private static void report(String figure, String what, double[] results, String unit) {
        Arrays.sort(results);
        System.out.printf("Java %-48s %10.2f %s (median of %d; min %.2f, max %.2f; native futex: %s)%n",
                what + ":", results[RUNS / 2], unit, RUNS, results[0], results[RUNS - 1], Futex.isNative());
        // The mp4j bench convention: RESULT <figure> <value> <unit> <higher|lower>-is-better.
        System.out.printf("RESULT %s %.3f %s %s%n", figure, results[RUNS / 2], unit.replace("M increments/s", "M/s")
                .replace("M pairs/s", "M/s"), unit.equals("us") ? "lower-is-better" : "higher-is-better");
    }

    /** Rates of two peers each doing COUNTER_OPS increments, started together by a barrier. */
    private static double[] counter(boolean locked) throws Exception {
        double[] results = new double[RUNS];
        for (int r = -1; r < RUNS; r++) {
            try (SharedLong value = SharedLong.create(); ProcessBarrier start = ProcessBarrier.create(3);
                 ProcessBarrier end = ProcessBarrier.create(3)) {
                Object[] handles = {value, start, end};
                List<Process> peers = List.of(startPeer(locked ? "locked" : "atomic", handles),
                        startPeer(locked ? "locked" : "atomic", handles));
                try {
                    start.await(Duration.ofSeconds(60));
                    long t0 = System.nanoTime();
                    end.await(Duration.ofSeconds(120));
                    long t1 = System.nanoTime();
                    if (value.get() != 2 * COUNTER_OPS) {
                        throw new IllegalStateException("lost updates: " + value.get());
                    }
                    if (r >= 0) {
                        results[r] = 2.0 * COUNTER_OPS / ((t1 - t0) / 1e9) / 1e6;
                    }
                } finally {
                    finish(peers);
                    value.unlink();
                    start.unlink();
                    end.unlink();
                }
            }
        }
        return results;
    }

    private static double[] uncontended() {
        double[] results = new double[RUNS];
        try (ProcessLock lock = ProcessLock.create()) {
            for (int r = -1; r < RUNS; r++) {
                long t0 = System.nanoTime();
                for (long i = 0; i < UNCONTENDED_OPS; i++) {
                    lock.lock();
                    lock.unlock();
                }
                long t1 = System.nanoTime();
                if (r >= 0) {
                    results[r] = UNCONTENDED_OPS / ((t1 - t0) / 1e9) / 1e6;
                }
            }
            lock.unlink();
        }
        return results;
    }

    private static double[] pingPong() throws Exception {
        double[] results = new double[RUNS];
        try (ProcessEvent ping = ProcessEvent.create(); ProcessEvent pong = ProcessEvent.create()) {
            Process peer = startPeer("pingpong", new Object[] {ping, pong, (long) ROUNDS * (RUNS + 1)});
            try {
                for (int r = -1; r < RUNS; r++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < ROUNDS; i++) {
                        ping.set();
                        if (!pong.await(Duration.ofSeconds(30))) {
                            throw new IllegalStateException("the peer did not answer");
                        }
                        pong.clear();
                    }
                    long t1 = System.nanoTime();
                    if (r >= 0) {
                        results[r] = (t1 - t0) / 1e3 / ROUNDS;
                    }
                }
            } finally {
                finish(List.of(peer));
                ping.unlink();
                pong.unlink();
            }
        }
        return results;
    }

    private static double[] copy() throws Exception {
        try (SharedDoubleArray array = SharedDoubleArray.create(DOUBLES); SharedDouble seconds = SharedDouble.create()) {
            try {
                double[] results = new double[RUNS];
                for (int r = -1; r < RUNS; r++) {
                    Process peer = startPeer("copy", new Object[] {array, seconds});
                    finish(List.of(peer));
                    if (array.get(DOUBLES - 1) != DOUBLES - 1) {
                        throw new IllegalStateException("the copy did not arrive");
                    }
                    if (r >= 0) {
                        results[r] = DOUBLES * 8.0 / seconds.get() / 1e9;
                    }
                }
                return results;
            } finally {
                array.unlink();
                seconds.unlink();
            }
        }
    }

    private static double[] sum() {
        try (SharedDoubleArray array = SharedDoubleArray.create(DOUBLES)) {
            double[] values = new double[DOUBLES];
            Arrays.setAll(values, i -> i);
            array.copyFrom(values);
            double[] results = new double[RUNS];
            double expected = (double) DOUBLES * (DOUBLES - 1) / 2;
            for (int r = -3; r < RUNS; r++) {
                long t0 = System.nanoTime();
                double total = sumElements(array);
                long t1 = System.nanoTime();
                if (total != expected) {
                    throw new IllegalStateException("sum " + total + " != " + expected);
                }
                if (r >= 0) {
                    results[r] = DOUBLES * 8.0 / (t1 - t0);
                }
            }
            array.unlink();
            return results;
        }
    }

    private static double sumElements(SharedDoubleArray array) {
        double total = 0;
        long n = array.length();
        for (long i = 0; i < n; i++) {
            total += array.get(i);
        }
        return total;
    }

    private static void peer(String scenario, Object[] handles) throws Exception {
        Futex.prepare();
        switch (scenario) {
            case "locked", "atomic" -> {
                SharedLong value = (SharedLong) handles[0];
                ProcessBarrier start = (ProcessBarrier) handles[1];
                ProcessBarrier end = (ProcessBarrier) handles[2];
                var lock = value.lock();
                start.await(Duration.ofSeconds(60));
                if (scenario.equals("locked")) {
                    for (long i = 0; i < COUNTER_OPS; i++) {
                        lock.lock();
                        try {
                            value.set(value.get() + 1);
                        } finally {
                            lock.unlock();
                        }
                    }
                } else {
                    for (long i = 0; i < COUNTER_OPS; i++) {
                        value.incrementAndGet();
                    }
                }
                end.await(Duration.ofSeconds(120));
            }
            case "pingpong" -> {
                ProcessEvent ping = (ProcessEvent) handles[0];
                ProcessEvent pong = (ProcessEvent) handles[1];
                long total = (Long) handles[2];
                for (long i = 0; i < total; i++) {
                    if (!ping.await(Duration.ofSeconds(30))) {
                        throw new IllegalStateException("no ping");
                    }
                    ping.clear();
                    pong.set();
                }
            }
            case "copy" -> {
                SharedDoubleArray array = (SharedDoubleArray) handles[0];
                SharedDouble seconds = (SharedDouble) handles[1];
                double[] values = new double[DOUBLES];
                Arrays.setAll(values, i -> i);
                array.copyFrom(values);
                long t0 = System.nanoTime();
                array.copyFrom(values);
                seconds.set((System.nanoTime() - t0) / 1e9);
            }
            default -> throw new IllegalArgumentException(scenario);
        }
    }

    private static Process startPeer(String scenario, Object[] handles) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                Futex.isNative() ? "--enable-native-access=ALL-UNNAMED" : "-Dmp4j.bench.fallback=true", "-Xshare:auto",
                "-D" + ProcessTree.ROOT_PID_PROPERTY + "=" + ProcessTree.rootPid(),
                "-cp", System.getProperty("java.class.path"), SyncBenchmark.class.getName(), "peer", scenario, encode(handles)));
        return new ProcessBuilder(command).inheritIO().start();
    }

    private static void finish(List<Process> peers) throws InterruptedException {
        for (Process p : peers) {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("a peer failed or hung");
            }
        }
    }

    private static String encode(Object o) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    private static Object decode(String s) throws Exception {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(s)))) {
            return in.readObject();
        }
    }
}
