package multiprocessing4j.bench;

import multiprocessing4j.ChildProcess;
import multiprocessing4j.internal.codec.Codecs;
import multiprocessing4j.internal.runtime.ChildEntry;
import multiprocessing4j.internal.runtime.ChildJvm;
import multiprocessing4j.internal.runtime.JvmSpec;
import multiprocessing4j.internal.runtime.Output;
import multiprocessing4j.internal.runtime.Spares;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * Start → join of an empty task in a child JVM, cold (no spare) and warm (a spare ready), and the
 * resident memory of an idle child with default options. A plain main class: the figures are
 * cross-process, and each sample is one whole child's life.
 *
 * <pre>
 * bin/mvn -q -B -DskipTests -pl bench -am package
 * java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
 *      -cp 'bench/target/multiprocessing4j-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*' \
 *      multiprocessing4j.bench.ChildStartBench [iterations]
 * python3 bench/python/child_start.py [iterations]
 * </pre>
 */
public final class ChildStartBench {
    private ChildStartBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        for (int i = 0; i < 3; i++) { // warm this JVM's side of the path (and the class-data archive)
            runOnce(false);
        }
        double[] cold = new double[n];
        for (int i = 0; i < n; i++) {
            cold[i] = runOnce(false);
        }
        double[] warm = new double[n];
        runOnce(true); // makes the first spare
        for (int i = 0; i < n; i++) {
            ChildJvm spare = awaitSpare();
            if (!spare.awaitReady(Duration.ofSeconds(120))) { // generous: a shared box can be very loaded
                throw new IllegalStateException("spare not ready");
            }
            warm[i] = runOnce(true);
        }
        // RESULT lines for mp4j bench: cold pairs with CPython's spawn, warm (a spare) with its forkserver.
        System.out.printf("RESULT child.start.cold %.3f ms lower-is-better%n", report("start->join empty task, cold (no spare)", cold));
        System.out.printf("RESULT child.start.warm %.3f ms lower-is-better%n", report("start->join empty task, warm (spare ready)", warm));

        linkRoundTrip();

        ChildJvm idle = ChildJvm.launch(JvmSpec.DEFAULT);
        idle.awaitReady(Duration.ofSeconds(30));
        settle();
        System.out.printf("idle child, default options (ready spare, 1 s after ready): %s%n", memory(idle.pid()));
        System.out.printf("RESULT child.idle.rss %.3f MB lower-is-better%n", rssMb(idle.pid()));
        Thread.sleep(7000); // the JIT's arenas go back to malloc after 5 s, and malloc_trim returns them
        System.out.printf("idle child, default options (ready spare, 8 s after ready): %s%n", memory(idle.pid()));
        try (ChildProcess sleeper = ChildProcess.builder(ChildStartBench::sleep).warmSpare(false).start()) {
            Thread.sleep(1500); // let it finish starting and settle: this measures memory, not a condition
            System.out.printf("idle child, default options (cold, running a sleeping task): %s%n", memory(sleeper.pid()));
            sleeper.kill();
            sleeper.join();
        }
        idle.close();
        Spares.clear();
    }

    /** Echoes every message: the shape of a pool worker's loop. */
    private static final ChildEntry ECHO = parent -> {
        while (true) {
            parent.send(parent.receive());
        }
    };

    /** Round trips of a small message between this JVM and a long-lived worker over its link. */
    private static void linkRoundTrip() throws Exception {
        try (ChildJvm worker = ChildJvm.launch(JvmSpec.DEFAULT)) {
            worker.handOver("echo", Codecs.fromSystemProperty().encode(ECHO), true, Output.INHERIT, Output.INHERIT);
            worker.awaitReady(Duration.ofSeconds(30));
            byte[] message = new byte[64];
            int n = 20_000;
            for (int i = 0; i < n; i++) { // warm-up
                worker.link().send(message);
                worker.link().receive();
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                worker.link().send(message);
                worker.link().receive();
            }
            System.out.printf("link round trip, 64-byte message, long-lived worker: %.1f us (n=%d)%n",
                    (System.nanoTime() - t0) / 1e3 / n, n);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void settle() throws InterruptedException {
        Thread.sleep(1000);
    }

    private static ChildJvm awaitSpare() throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        ChildJvm s;
        while ((s = Spares.peek(JvmSpec.DEFAULT)) == null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no spare");
            }
            Thread.sleep(1);
        }
        return s;
    }

    private static double runOnce(boolean warm) throws InterruptedException {
        long t0 = System.nanoTime();
        try (ChildProcess child = ChildProcess.builder(() -> { }).warmSpare(warm).start()) {
            child.join();
            long t1 = System.nanoTime();
            if (child.exitCode().orElseThrow() != 0) {
                throw new IllegalStateException("child failed: " + child.exitCode());
            }
            return (t1 - t0) / 1e6;
        }
    }

    static double rssMb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    /**
     * RSS, and how much of it is this process's alone: Pss (shared pages divided among the processes that map
     * them), private (pages no other process maps) and shared (libjvm, the JDK's modules image, class-data archives
     * mapped by other JVMs too), from {@code /proc/<pid>/smaps_rollup}.
     */
    static String memory(long pid) throws IOException {
        long pss = 0;
        long priv = 0;
        long shared = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
            long kb = line.endsWith("kB") ? Long.parseLong(line.replaceAll("\\D", "")) : 0;
            if (line.startsWith("Pss:")) {
                pss = kb;
            } else if (line.startsWith("Private_")) {
                priv += kb;
            } else if (line.startsWith("Shared_")) {
                shared += kb;
            }
        }
        return String.format("RSS %.1f MB (Pss %.1f MB, private %.1f MB, shared %.1f MB)",
                rssMb(pid), pss / 1024.0, priv / 1024.0, shared / 1024.0);
    }

    private static double report(String what, double[] ms) {
        double[] s = ms.clone();
        Arrays.sort(s);
        double mean = Arrays.stream(s).average().orElse(0);
        System.out.printf("%-45s median %7.2f ms  mean %7.2f ms  min %7.2f ms  max %7.2f ms  (n=%d)%n",
                what, s[s.length / 2], mean, s[0], s[s.length - 1], s.length);
        return s[s.length / 2];
    }
}
