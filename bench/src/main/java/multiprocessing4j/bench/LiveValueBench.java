package multiprocessing4j.bench;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import multiprocessing4j.LiveValue;
import multiprocessing4j.internal.platform.Futex;
import multiprocessing4j.internal.platform.ProcessTree;

/**
 * {@code LiveValue} figures, each with a reader in another JVM:
 * <ul>
 *   <li>{@code live.publish}: one {@code publish} of a small record while a peer process reads
 *   {@code latest()} in a loop (the publisher never waits for it);</li>
 *   <li>{@code live.latest.unchanged}: {@code latest()} of a value that has not changed (the
 *   handle's cache: no copy, no decode);</li>
 *   <li>{@code live.latest.fresh}: {@code snapshot()} in the peer of each new version, published
 *   every 20 µs by this JVM: a copy out of shared memory and a decode (median, after a warm-up);</li>
 *   <li>{@code live.roundtrip}: this JVM publishes, the peer wakes in {@code awaitNewer} and echoes
 *   the value on a second live value, this JVM wakes: two cross-process wake-ups.</li>
 * </ul>
 * Prints one {@code RESULT <figure> <value> <unit> lower-is-better} line per figure (the
 * {@code mp4j bench} convention), each the median of five runs. Run: {@code java
 * --enable-native-access=ALL-UNNAMED -cp bench/target/classes:core/target/classes:<fory jars>
 * multiprocessing4j.bench.LiveValueBench [--quick]}. Counterpart:
 * {@code bench/python/live_value_namespace.py} (a {@code Manager().Namespace()} attribute).
 */
public final class LiveValueBench {
    /** The value published: a small record, as a computation's estimate would be. */
    public record Estimate(double value, long iteration) implements Serializable {
    }

    /** Marks the versions of the paced phase, whose reads the peer times. */
    private static final double PACED = -2;
    /** Paced versions the peer reads before it starts timing (the read path gets compiled meanwhile). */
    private static final int WARM_UP_READS = 5_000;

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("peer")) {
            peer(args[1], args[2], args[3]);
            return;
        }
        boolean quick = Arrays.asList(args).contains("--quick");
        int runs = quick ? 3 : 5;
        long millis = quick ? 200 : 500;
        Futex.prepare();
        try (LiveValue<Estimate> value = LiveValue.create(); LiveValue<Estimate> echo = LiveValue.create()) {
            value.publish(new Estimate(0, 0));
            Process peer = startPeer(value, echo, "read-loop");
            try {
                echo.awaitFirst(Duration.ofSeconds(30));
                double[] publish = new double[runs];
                for (int r = -1; r < runs; r++) {
                    long n = 0;
                    long start = System.nanoTime();
                    long end = start + millis * 1_000_000L;
                    while (System.nanoTime() < end) {
                        for (int i = 0; i < 100; i++) {
                            value.publish(new Estimate(n * 0.5, n));
                            n++;
                        }
                    }
                    if (r >= 0) {
                        publish[r] = (System.nanoTime() - start) / (double) n;
                    }
                }
                result("live.publish", median(publish), "ns");
                // Paced phase: a version every 20 us; the peer times the read of each new one.
                long echoed = echo.version();
                int paced = quick ? 20_000 : 50_000;
                for (int i = 0; i < paced; i++) {
                    long next = System.nanoTime() + 20_000;
                    value.publish(new Estimate(PACED, i));
                    while (System.nanoTime() < next) {
                        Thread.onSpinWait();
                    }
                }
                value.publish(new Estimate(0, -1));
                Estimate fresh = echo.awaitNewer(echoed, Duration.ofSeconds(30)).value();
                result("live.latest.fresh", fresh.value(), "ns");
            } finally {
                stop(peer);
            }

            double[] unchanged = new double[runs];
            for (int r = -1; r < runs; r++) {
                long n = 0;
                long start = System.nanoTime();
                long end = start + millis * 1_000_000L;
                while (System.nanoTime() < end) {
                    for (int i = 0; i < 1000; i++) {
                        if (value.latest().isEmpty()) {
                            throw new IllegalStateException("empty");
                        }
                    }
                    n += 1000;
                }
                if (r >= 0) {
                    unchanged[r] = (System.nanoTime() - start) / (double) n;
                }
            }
            result("live.latest.unchanged", median(unchanged), "ns");
        }

        try (LiveValue<Estimate> value = LiveValue.create(); LiveValue<Estimate> echo = LiveValue.create()) {
            Process peer = startPeer(value, echo, "echo");
            try {
                int rounds = quick ? 500 : 2000;
                double[] trips = new double[runs];
                long v = 0;
                for (int r = -1; r < runs; r++) {
                    long start = System.nanoTime();
                    for (int i = 0; i < rounds; i++) {
                        long echoed = echo.version();
                        v = value.publish(new Estimate(i, v + 1));
                        echo.awaitNewer(echoed, Duration.ofSeconds(30));
                    }
                    if (r >= 0) {
                        trips[r] = (System.nanoTime() - start) / 1000.0 / rounds;
                    }
                }
                result("live.roundtrip", median(trips), "us");
            } finally {
                stop(peer);
            }
        }
    }

    private static void result(String figure, double value, String unit) {
        System.out.printf("RESULT %s %.3f %s lower-is-better%n", figure, value, unit);
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static Process startPeer(LiveValue<Estimate> value, LiveValue<Estimate> echo, String mode) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xshare:auto",
                "-D" + ProcessTree.ROOT_PID_PROPERTY + "=" + ProcessTree.rootPid(),
                "-cp", System.getProperty("java.class.path"), LiveValueBench.class.getName(),
                "peer", handle(value), handle(echo), mode));
        return new ProcessBuilder(command).inheritIO().start();
    }

    private static void stop(Process peer) throws InterruptedException {
        peer.destroy();
        if (!peer.waitFor(10, TimeUnit.SECONDS)) {
            peer.destroyForcibly();
            peer.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String handle(LiveValue<?> value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    @SuppressWarnings("unchecked")
    private static <T> T unhandle(String s) throws Exception {
        try (var in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(Base64.getDecoder().decode(s)))) {
            return (T) in.readObject();
        }
    }

    private static void peer(String valueHandle, String echoHandle, String mode) throws Exception {
        Futex.prepare();
        LiveValue<Estimate> value = unhandle(valueHandle);
        LiveValue<Estimate> echo = unhandle(echoHandle);
        if (mode.equals("read-loop")) {
            echo.publish(new Estimate(0, 0));
            int timed = 0;
            int paced = 0;
            long[] freshNanos = new long[1 << 20];
            long last = value.version();
            while (true) {
                while (value.version() == last) {
                    Thread.onSpinWait();
                }
                long start = System.nanoTime();
                LiveValue.Snapshot<Estimate> s = value.snapshot().orElseThrow();
                long took = System.nanoTime() - start;
                last = s.version();
                if (s.value().iteration() < 0) {
                    Arrays.sort(freshNanos, 0, timed);
                    echo.publish(new Estimate(timed == 0 ? 0 : freshNanos[timed / 2], -1));
                    return;
                }
                if (s.value().value() == PACED && ++paced > WARM_UP_READS && timed < freshNanos.length) {
                    freshNanos[timed++] = took;
                }
            }
        }
        long seen = 0;
        while (true) {
            LiveValue.Snapshot<Estimate> s = value.awaitNewer(seen);
            seen = s.version();
            echo.publish(s.value());
        }
    }
}
