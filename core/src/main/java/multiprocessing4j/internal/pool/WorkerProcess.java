package multiprocessing4j.internal.pool;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import multiprocessing4j.internal.codec.Codecs;
import multiprocessing4j.internal.platform.ProcessTree;
import multiprocessing4j.internal.runtime.ChildJvm;
import multiprocessing4j.internal.runtime.JvmSpec;
import multiprocessing4j.internal.runtime.Link;
import multiprocessing4j.internal.runtime.LinkClosedException;
import multiprocessing4j.internal.runtime.Output;

/**
 * The process behind a pool worker. By default a child JVM of the runtime ({@link ChildJvm}: a warm spare
 * when one is ready, the runtime's parent-death watch, Python-style exit codes), handed a
 * {@link WorkerEntry}. With {@code -Dmp4j.pool.launcher=direct}, a plain {@code java} process running
 * {@link WorkerMain}, which watches its stdin for the pool's death.
 */
abstract class WorkerProcess {
    static final boolean DIRECT = "direct".equals(System.getProperty("mp4j.pool.launcher"));
    /** How long a worker JVM may take to get ready, as the launcher's connect timeout. */
    private static final long CONNECT_TIMEOUT_SECONDS = 60;

    abstract long pid();

    abstract boolean isAlive();

    abstract void kill();

    /** Python's convention: -N for signal N; null if it has not exited within {@code millis}. */
    abstract Integer exitCode(long millis) throws InterruptedException;

    /**
     * Whether it was a warm spare, ready, when it was handed the worker's entry: it runs the entry within
     * milliseconds, so its pool may send tasks ahead of its {@code READY} without their timeouts suffering.
     */
    boolean wasReady() {
        return false;
    }

    /** Runs {@code action} once the process is known to be gone (at once if it is). */
    abstract void whenGone(Runnable action);

    /**
     * The heap a worker starts with unless the pool's JVM options size the heap or choose a collector: 40 MB,
     * 32 MB of it young. A child JVM's own defaults (8 MB, a 2.7 MB young generation) keep an idle child small,
     * but a worker decoding a map chunk of 125,000 values then collects every few hundred microseconds and
     * promotes what it is still working on into an old generation that grows page by page (the first touch of
     * a page is dear on a virtual machine): measured, {@code Pool(2).map} over a million ints ran 7.3 M/s with
     * them and 10.3 M/s with these (medians of 3, back to back), and a worker's collections went from ≈ 100 to
     * ≈ 15 per six maps. The young generation is reused from the second collection on, so resident memory grows
     * only by what a worker allocates between two collections.
     */
    static final List<String> HEAP_DEFAULTS = List.of("-Xms40m", "-Xmn32m");
    private static final List<String> HEAP_OPTIONS = List.of("-Xms", "-Xmx", "-Xmn", "-XX:NewSize", "-XX:MaxNewSize",
            "-XX:NewRatio", "-XX:InitialHeapSize", "-XX:MaxHeapSize", "-XX:MinHeapSize", "-XX:InitialRAMPercentage",
            "-XX:MaxRAMPercentage", "-XX:MinRAMPercentage", "-XX:MaxRAM", "-XX:MaxRAMFraction", "-XX:MinRAMFraction");

    /** A worker's JVM options: the pool's, after {@link #HEAP_DEFAULTS} unless the pool's size the heap or pick a collector. */
    static List<String> workerOptions(List<String> jvmOptions) {
        for (String option : jvmOptions) {
            if ((option.startsWith("-XX:+Use") && option.endsWith("GC"))
                    || HEAP_OPTIONS.stream().anyMatch(option::startsWith)) {
                return List.copyOf(jvmOptions);
            }
        }
        List<String> options = new ArrayList<>(HEAP_DEFAULTS);
        options.addAll(jvmOptions);
        return List.copyOf(options);
    }

    /**
     * The runtime's spec of a worker JVM for a pool with these options: spares made with it are taken by its
     * workers, and warm up as workers too ({@link WorkerWarmUp}).
     */
    static JvmSpec spec(List<String> jvmOptions) {
        List<String> options = new ArrayList<>(workerOptions(jvmOptions));
        options.add(JvmSpec.warmUpOption(WorkerWarmUp.class));
        return new JvmSpec(options, Map.of(), null);
    }

    /**
     * The JVM a worker of the runtime will run in, chosen in the pool's own thread as the worker is launched (the
     * JVM itself is started, if need be, on the launcher's thread). Chosen that early because the pool's codec
     * must know of a cold worker before it encodes any task that worker may get: a pool whose JVM's Fory is warm
     * speaks Fory unless a worker is cold ({@link PoolCodec#coldWorkerStarted}), and a cold worker handed Fory
     * bytes builds Fory before it can read its first task (≈ 80-100 ms of a cold pool's start, measured).
     * Whoever takes a reservation either starts a worker with it or {@linkplain #cancel cancels} it: the launcher,
     * which cancels it whenever no worker process came of it.
     */
    static final class Reservation {
        /** The spare to hand the worker's entry, or null: launch a JVM. */
        private final ChildJvm spare;
        /** For a JVM whose Fory is cold: says it is warm (or gone); null for a warm spare. */
        private final Runnable foryWarmThere;

        private Reservation(ChildJvm spare, Runnable foryWarmThere) {
            this.spare = spare;
            this.foryWarmThere = foryWarmThere;
        }

        /** Gives the JVM back: the spare is closed, the cold worker forgotten. Harmless when repeated. */
        void cancel() {
            if (spare != null) {
                spare.close();
            }
            if (foryWarmThere != null) {
                foryWarmThere.run();
            }
        }
    }

    /** Chooses the JVM of a worker about to be launched (see {@link Reservation}); never blocks. */
    static Reservation reserve(List<String> jvmOptions) {
        if (DIRECT) {
            return new Reservation(null, null);
        }
        ChildJvm spare = ChildJvm.takeSpare(spec(jvmOptions));
        return new Reservation(spare, spare != null && spare.warmedUp() ? null : PoolCodec.coldWorkerStarted());
    }

    /** A worker that connects to the pool's {@code socket} with {@code secret}: {@link Direct}, or a runtime child. */
    static WorkerProcess start(List<String> jvmOptions, String name, Reservation jvm, Path socket, byte[] secret)
            throws IOException {
        return DIRECT ? new Direct(workerOptions(jvmOptions), name, socket, secret)
                : new Runtime(jvmOptions, name, jvm, null, socket.toString(), secret);
    }

    /** A runtime child that works on the pool's {@code rings} (their segment's name) and has no other connection. */
    static WorkerProcess startOnRings(List<String> jvmOptions, String name, Reservation jvm, String rings)
            throws IOException {
        return new Runtime(jvmOptions, name, jvm, rings, null, null);
    }

    private static final class Runtime extends WorkerProcess {
        private final ChildJvm jvm;
        private final boolean wasReady;

        Runtime(List<String> jvmOptions, String name, Reservation reserved, String rings, String socket, byte[] secret)
                throws IOException {
            // On failure the launcher cancels the reservation (the spare, the cold count); a JVM launched here is
            // killed here.
            Runnable foryWarmThere = reserved.foryWarmThere;
            // A ready spare is welcome, but taking it must not start another JVM next to the pool's own
            // (measured: a 2-worker executor demo went from a 1.2x speed-up to 0.7-0.97x).
            jvm = reserved.spare != null ? reserved.spare : ChildJvm.launchCold(spec(jvmOptions));
            wasReady = jvm.isReady();
            boolean poolWarm = PoolCodec.isWarm();
            try {
                // not serialized: the worker constructs its entry (see ChildJvm.handOver)
                jvm.handOver(name, WorkerEntry.class,
                        new WorkerEntry(rings, socket, secret, poolWarm, foryWarmThere != null).toBytes(), true,
                        Output.INHERIT, Output.INHERIT);
            } catch (RuntimeException e) {
                jvm.kill();
                throw e;
            }
            if (foryWarmThere != null || !poolWarm) {
                Thread.ofVirtual().name(name + "-codec").start(() -> exchangeCodecNews(poolWarm, foryWarmThere));
            }
        }

        /**
         * Over the runtime's link of this worker (which the pool's own traffic does not use): tells the worker
         * when this JVM's Fory is warm, and hears when the worker's is ({@link PoolCodec}). Ends with the worker.
         */
        private void exchangeCodecNews(boolean poolWarm, Runnable foryWarmThere) {
            try {
                if (!jvm.awaitReady(java.time.Duration.ofSeconds(CONNECT_TIMEOUT_SECONDS))) {
                    return;
                }
                Link link = jvm.link();
                if (!poolWarm) {
                    PoolCodec.whenWarm(() -> {
                        try {
                            link.send(PoolCodec.FORY_WARM);
                        } catch (LinkClosedException gone) {
                            // the worker is gone: nobody to tell
                        }
                    });
                }
                if (foryWarmThere != null) {
                    while (!java.util.Arrays.equals(link.receive(), PoolCodec.FORY_WARM)) {
                        // nothing else travels this way
                    }
                }
            } catch (InterruptedException | LinkClosedException | IllegalStateException gone) {
                // the worker exited (or never got ready): it holds up nobody's codec any more
            } finally {
                if (foryWarmThere != null) {
                    foryWarmThere.run();
                }
            }
        }

        @Override
        boolean wasReady() {
            return wasReady;
        }

        @Override
        void whenGone(Runnable action) {
            jvm.gone().thenRun(action);
        }

        @Override
        long pid() {
            return jvm.pid();
        }

        @Override
        boolean isAlive() {
            return jvm.isAlive();
        }

        @Override
        void kill() {
            jvm.kill();
        }

        @Override
        Integer exitCode(long millis) throws InterruptedException {
            try {
                return jvm.exit().get(millis, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                return null;
            }
        }
    }

    private static final class Direct extends WorkerProcess {
        /** Flags every worker gets: FFM and Fory without warnings, a small fast-starting heap. */
        static final List<String> DEFAULT_FLAGS = List.of("--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-XX:+UseSerialGC", "-Xshare:auto");
        private final Process process;

        Direct(List<String> jvmOptions, String name, Path socket, byte[] secret) throws IOException {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(DEFAULT_FLAGS);
            command.add("-D" + ProcessTree.ROOT_PID_PROPERTY + "=" + ProcessTree.rootPid());
            command.add("-D" + ProcessTree.PARENT_PID_PROPERTY + "=" + ProcessTree.selfPid());
            String codec = System.getProperty(Codecs.PROPERTY);
            if (codec != null) {
                command.add("-D" + Codecs.PROPERTY + "=" + codec);
            }
            command.addAll(jvmOptions);
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(WorkerMain.class.getName());
            command.add(socket.toString());
            process = new ProcessBuilder(command).start();
            forward(process.getInputStream(), System.out, name + "-stdout");
            forward(process.getErrorStream(), System.err, name + "-stderr");
            var stdin = process.getOutputStream();
            stdin.write((HexFormat.of().formatHex(secret) + "\n").getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
        }

        /**
         * Copies a worker's output into this JVM's {@code System.out}/{@code System.err}, line by line. Not
         * inherited file descriptors: this JVM's own stdout may be a protocol channel (a test runner's), and
         * a worker's JVM warnings must not corrupt it.
         */
        private static void forward(InputStream from, PrintStream to, String name) {
            Thread.ofVirtual().name(name).start(() -> {
                try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(from, StandardCharsets.UTF_8))) {
                    for (String line; (line = lines.readLine()) != null; ) {
                        to.println(line);
                    }
                } catch (IOException ignored) {
                    // the worker is gone
                }
            });
        }

        @Override
        void whenGone(Runnable action) {
            process.onExit().thenRun(action);
        }

        @Override
        long pid() {
            return process.pid();
        }

        @Override
        boolean isAlive() {
            return process.isAlive();
        }

        @Override
        void kill() {
            process.destroyForcibly();
        }

        @Override
        Integer exitCode(long millis) throws InterruptedException {
            if (!process.waitFor(millis, TimeUnit.MILLISECONDS)) {
                return null;
            }
            int code = process.exitValue();
            return code > 128 && code < 128 + 65 ? -(code - 128) : code;
        }
    }
}
