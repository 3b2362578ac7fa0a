package multiprocessing4j.cli;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code mp4j bench}: runs the side-by-side benchmark suite, ours and CPython's, prints the table and
 * writes {@code docs/benchmarks.md} with a chart ({@code docs/benchmarks.png}).
 *
 * <p><b>The convention.</b> Every harness, Java or Python, prints its figures as lines
 * {@code RESULT <figure-id> <value> <unit> <higher|lower>-is-better}; other lines are commentary.
 * A figure id printed by one of our harnesses and by a CPython script is one row of the table,
 * with the ratio (how many times better we are: CPython ÷ ours when lower is better). Each
 * harness runs in its own JVM (or python3 process), one after the other.
 */
final class BenchCommand {
    static final String USAGE = "usage: mp4j bench [--quick] [--no-python] [--out FILE.md]";
    private static final long HARNESS_TIMEOUT_SECONDS = 600;

    /** One harness of the suite. */
    record Harness(String name, List<String> command, List<String> quickArgs, List<String> fullArgs, boolean python) {
    }

    /** One parsed RESULT line. */
    record Figure(String id, double value, String unit, boolean lowerIsBetter) {
    }

    /** What each figure measures, for the report. */
    static final Map<String, String> DESCRIPTIONS = new LinkedHashMap<>();

    static {
        DESCRIPTIONS.put("codec.small.roundtrip", "encode + decode a small record (Fory) vs pickle of a dataclass");
        DESCRIPTIONS.put("codec.task.roundtrip", "encode + decode a lambda with two captures vs pickle of a functools.partial");
        DESCRIPTIONS.put("codec.first.roundtrip", "first task round trip in a fresh process, codec start-up included (Fory builds its serializers: a warm spare child pays this before it is declared ready, off the critical path)");
        DESCRIPTIONS.put("sync.event.pingpong", "round trip between two processes over two raw futex words (spin, then futex) vs two multiprocessing.Event");
        DESCRIPTIONS.put("futex.pingpong.blocking", "the same round trip with a futex wait/wake every time (no spinning)");
        DESCRIPTIONS.put("child.start.cold", "start -> join of an empty task in a new JVM (no spare) vs Process with the spawn start method");
        DESCRIPTIONS.put("child.start.warm", "the same with a warm spare JVM ready vs the forkserver start method");
        DESCRIPTIONS.put("child.start.fork", "CPython's fork start method (a JVM cannot fork: no counterpart)");
        DESCRIPTIONS.put("child.idle.rss", "resident memory of an idle child with default options vs an idle spawned CPython child");
        DESCRIPTIONS.put("queue.8b", "ProcessQueue vs multiprocessing.Queue, 1 producer process to 1 consumer process, 8-byte messages (messages/s)");
        DESCRIPTIONS.put("queue.1k", "the same with 1 KiB messages (messages/s)");
        DESCRIPTIONS.put("queue.2x2", "2 producer processes to 2 consumer processes, 8-byte messages (messages/s)");
        DESCRIPTIONS.put("queue.pingpong", "round trip of a small message through two queues");
        DESCRIPTIONS.put("pipe.pingpong", "round trip of a small object over a duplex Pipe");
        DESCRIPTIONS.put("pipe.1m", "sendBytes / recvBytes of 1 MiB messages over a Pipe (GB/s)");
        DESCRIPTIONS.put("manager.list.append", "list.add through a manager proxy from another process (ops/s)");
        DESCRIPTIONS.put("manager.dict.putget", "alternating put and get on a manager dict proxy (ops/s)");
        DESCRIPTIONS.put("manager.namespace.setget", "alternating set and get on a manager namespace (ops/s)");
        DESCRIPTIONS.put("manager.dict.4clients", "four client processes on one manager dict at once (total ops/s)");
        DESCRIPTIONS.put("manager.start", "starting a manager until its first proxy answers (ours: a server in a warm spare JVM; CPython: fork)");
        DESCRIPTIONS.put("manager.serve.inprocess", "Manager.serve() in this JVM until the first proxy answers");
        DESCRIPTIONS.put("sync.counter.locked", "2 processes increment one SharedLong under its lock() vs a Value under get_lock() (millions/s)");
        DESCRIPTIONS.put("sync.counter.atomic", "2 processes incrementAndGet one SharedLong (millions/s; Python has no atomic Value)");
        DESCRIPTIONS.put("sync.lock.uncontended", "ProcessLock lock + unlock in one thread vs Lock acquire + release (millions of pairs/s)");
        DESCRIPTIONS.put("sync.processevent.pingpong", "two ProcessEvents between 2 processes, set / await / clear vs two multiprocessing.Event");
        DESCRIPTIONS.put("shared.array.copy", "a child copies 10 M doubles into a SharedDoubleArray vs a RawArray through a memoryview (GB/s)");
        DESCRIPTIONS.put("shared.array.sum", "summing 10 M shared doubles element by element (GB/s)");
        DESCRIPTIONS.put("pool.map.1m", "Pool(2).map(x*x) over 1,000,000 ints, default chunk size (tasks/s)");
        DESCRIPTIONS.put("pool.map.chunk1", "Pool(2).map(x*x) over 20,000 ints, chunk size 1 (tasks/s)");
        DESCRIPTIONS.put("pool.apply.roundtrip", "Pool(2).apply round trips, one after another");
        DESCRIPTIONS.put("pool.imapunordered", "Pool(2).imapUnordered(x*x) over 100,000 items, chunk size 100 (tasks/s)");
        DESCRIPTIONS.put("executor.submit.roundtrip", "ProcessPoolExecutor(2).submit(..).get() round trips");
        DESCRIPTIONS.put("executor.submit.20k", "ProcessPoolExecutor(2): submit 20,000 tasks, then wait for all (tasks/s)");
        DESCRIPTIONS.put("pool.startup", "a pool of 2 created until its first result, cold (ours: two new JVMs, no spare) vs the spawn start method");
        DESCRIPTIONS.put("pool.startup.warm", "the same with a warm spare JVM ready for each worker (ProcessPool.Builder.prepareSpares(), waited for) before the pool is created vs the fork start method");
        DESCRIPTIONS.put("pool.startup.onespare", "the same with the one spare the runtime keeps after any start (the other worker starts cold next to it)");
        DESCRIPTIONS.put("shm.lifecycle", "SharedMemory create (4 KiB), touch, close, unlink");
        DESCRIPTIONS.put("live.publish", "LiveValue.publish of a small record while another process reads vs setting a Manager Namespace attribute");
        DESCRIPTIONS.put("live.latest.unchanged", "LiveValue.latest() of an unchanged value vs reading the Namespace attribute");
        DESCRIPTIONS.put("live.latest.fresh", "reading a new version in the reader process (copy out of shared memory + decode; a version every 20 us) vs reading a changed Namespace attribute (median)");
        DESCRIPTIONS.put("live.roundtrip", "publish, the other process wakes and echoes on a second value, this one wakes (Namespace: both poll)");
    }

    /** The queue and pipe figures a --quick run measures: one throughput, two round trips. */
    private static final List<String> QUICK_QUEUE_VARIANTS = List.of("queue-8b", "queue-pingpong", "pipe-pingpong");

    /** The synchronisation figures a --quick run measures (the 10 M-double array ones take longest). */
    private static final List<String> QUICK_SYNC_SCENARIOS = List.of("locked", "uncontended", "pingpong");

    private BenchCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        boolean quick = false;
        boolean python = true;
        Path report = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--no-python" -> python = false;
                case "--out" -> {
                    if (i + 1 >= args.length) {
                        err.println("mp4j bench: --out needs a file name");
                        err.println(USAGE);
                        return Main.USAGE_ERROR;
                    }
                    report = Path.of(args[++i]);
                }
                case "--help", "-h" -> {
                    out.println(USAGE);
                    return 0;
                }
                default -> {
                    err.println("mp4j bench: unknown option " + args[i]);
                    err.println(USAGE);
                    return Main.USAGE_ERROR;
                }
            }
        }
        Path root = projectRoot();
        if (report == null) {
            if (root == null) {
                err.println("mp4j bench: cannot find the project (a directory with bench/python): run it from the project, or pass --out");
                return Main.USAGE_ERROR;
            }
            report = root.resolve("docs").resolve("benchmarks.md");
        }
        String python3 = python ? findOnPath("python3") : null;
        if (python && python3 == null) {
            out.println("mp4j bench: no python3 on PATH: running ours only");
        }
        if (python3 != null && root == null) {
            out.println("mp4j bench: bench/python not found: running ours only");
            python3 = null;
        }
        List<Harness> suite = suite(python3, root);
        Map<String, Figure> ours = new LinkedHashMap<>();
        Map<String, Figure> theirs = new LinkedHashMap<>();
        List<String> commands = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        long start = System.nanoTime();
        for (Harness h : suite) {
            if (h.python() && python3 == null) {
                continue;
            }
            List<String> command = new ArrayList<>(h.command());
            command.addAll(quick ? h.quickArgs() : h.fullArgs());
            out.printf("running %-32s", h.name());
            out.flush();
            long t0 = System.nanoTime();
            try {
                List<Figure> figures = runHarness(command, root);
                for (Figure f : figures) {
                    (h.python() ? theirs : ours).put(f.id(), f);
                }
                out.printf(" %5.1f s, %d figures%n", (System.nanoTime() - t0) / 1e9, figures.size());
                commands.add("`" + display(command) + "`");
            } catch (IOException | IllegalStateException e) {
                out.println(" FAILED");
                failures.add(h.name() + ": " + e.getMessage());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String table = table(ours, theirs);
        out.println();
        out.println(table);
        for (String f : failures) {
            err.println("mp4j bench: " + f);
        }
        try {
            Path chart = report.resolveSibling(report.getFileName().toString().replaceFirst("\\.md$", "") + ".png");
            Files.createDirectories(report.toAbsolutePath().getParent());
            BenchChart.write(chart, ours, theirs);
            Files.writeString(report, markdown(table, chart.getFileName().toString(), commands, failures, quick, seconds,
                    python3), StandardCharsets.UTF_8);
            out.println("wrote " + report + " and " + chart);
        } catch (IOException e) {
            err.println("mp4j bench: cannot write the report: " + e.getMessage());
            return 1;
        }
        return failures.isEmpty() ? 0 : 1;
    }

    /** The suite: each of our harnesses, then each CPython script. */
    static List<Harness> suite(String python3, Path root) {
        List<String> java = javaCommand();
        List<Harness> suite = new ArrayList<>();
        suite.add(javaHarness(java, "CodecRoundTrips", List.of("--quick"), List.of()));
        suite.add(javaHarness(java, "CodecFirstUse", List.of(), List.of()));
        suite.add(javaHarness(java, "FutexPingPong", List.of("5000"), List.of("20000")));
        suite.add(javaHarness(java, "ChildStartBench", List.of("5"), List.of("20")));
        suite.add(javaHarness(java, "SharedMemoryLifecycle", List.of("1000"), List.of("5000")));
        suite.add(javaHarness(java, "LiveValueBench", List.of("--quick"), List.of()));
        suite.add(javaHarness(java, "QueuePipeBench", QUICK_QUEUE_VARIANTS, List.of()));
        suite.add(javaHarness(java, "ManagerProxyBench", List.of("10000"), List.of("50000")));
        suite.add(javaHarness(java, "SyncBenchmark", QUICK_SYNC_SCENARIOS, List.of()));
        suite.add(javaHarness(java, "PoolBenchmark", List.of("apply"), List.of()));
        if (python3 != null) {
            Path scripts = root.resolve("bench").resolve("python");
            suite.add(pythonHarness(python3, scripts, "codec_bench.py", List.of("--quick"), List.of()));
            suite.add(pythonHarness(python3, scripts, "event_pingpong.py", List.of("5000"), List.of("20000")));
            suite.add(pythonHarness(python3, scripts, "child_start.py", List.of("5"), List.of("20")));
            suite.add(pythonHarness(python3, scripts, "shared_memory_lifecycle.py", List.of("1000"), List.of("5000")));
            suite.add(pythonHarness(python3, scripts, "live_value_namespace.py", List.of("--quick"), List.of()));
            suite.add(pythonHarness(python3, scripts, "queue_pipe_bench.py", QUICK_QUEUE_VARIANTS, List.of()));
            suite.add(pythonHarness(python3, scripts, "manager_bench.py", List.of("10000"), List.of("50000")));
            suite.add(pythonHarness(python3, scripts, "sync_bench.py", QUICK_SYNC_SCENARIOS, List.of()));
            suite.add(pythonHarness(python3, scripts, "pool_bench.py", List.of("apply"), List.of()));
        }
        return suite;
    }

    /** Heap committed and touched in each Java harness before it runs (see {@link #javaCommand()}). */
    static final String HARNESS_HEAP = "1g";

    private static Harness javaHarness(List<String> java, String simpleName, List<String> quick, List<String> full) {
        List<String> command = new ArrayList<>(java);
        command.add("multiprocessing4j.bench." + simpleName);
        return new Harness(simpleName, command, quick, full, false);
    }

    private static Harness pythonHarness(String python3, Path scripts, String script, List<String> quick, List<String> full) {
        return new Harness("python3 " + script, List.of(python3, scripts.resolve(script).toString()), quick, full, true);
    }

    /**
     * The java launcher of this JVM with the flags every JVM of ours gets, a warmed heap, and this JVM's
     * effective class path.
     *
     * <p>The harness JVM (the parent, in the user's seat) starts with {@value #HARNESS_HEAP} of heap committed and
     * touched ({@code -XX:+AlwaysPreTouch}), as JMH advises for steady-state figures. Otherwise a harness measures
     * its own heap's first use: on a virtual machine whose memory the host backs lazily, the first touch of each
     * page costs microseconds, and a young collection that copies 25 MB of live results into fresh regions took
     * 130-390 ms here ({@code Pool(2).map} over a million ints: 1.0 M/s with the default heap, 3.1 M/s warmed, back
     * to back). A long-running application has long touched its heap; the children the harnesses start keep the
     * library's own options (their small young generation is reused, not grown).
     */
    static List<String> javaCommand() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xshare:auto",
                "-Xms" + HARNESS_HEAP, "-XX:+AlwaysPreTouch", "-cp", effectiveClassPath());
    }

    /**
     * java.class.path, plus what a manifest's Class-Path adds when this runs as {@code java -jar mp4j.jar}
     * (the jar's lib/ directory), so harness JVMs see the bench module and its dependencies.
     */
    static String effectiveClassPath() {
        String cp = System.getProperty("java.class.path");
        if (cp.contains(File.pathSeparator) || !cp.endsWith(".jar")) {
            return cp;
        }
        Path lib = Path.of(cp).toAbsolutePath().resolveSibling("lib");
        StringBuilder full = new StringBuilder(Path.of(cp).toAbsolutePath().toString());
        try (Stream<Path> jars = Files.list(lib)) {
            jars.filter(j -> j.toString().endsWith(".jar")).sorted().forEach(j -> full.append(File.pathSeparator).append(j));
        } catch (IOException e) {
            // No lib/: the jar is all there is.
        }
        return full.toString();
    }

    /** Runs one harness, echoing nothing, and returns its RESULT lines. */
    static List<Figure> runHarness(List<String> command, Path root) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (root != null) {
            pb.directory(root.toFile());
        }
        Process p = pb.start();
        List<Figure> figures = new ArrayList<>();
        StringBuilder output = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                output.append(line).append('\n');
                if (line.startsWith("RESULT ")) {
                    figures.add(parse(line));
                }
            }
        } finally {
            if (!p.waitFor(HARNESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("exit code " + p.exitValue() + " from " + display(command) + ":\n" + tail(output));
        }
        if (figures.isEmpty()) {
            throw new IllegalStateException("no RESULT line from " + display(command) + ":\n" + tail(output));
        }
        return figures;
    }

    /**
     * Parses {@code RESULT <figure-id> <value> <unit> <higher|lower>-is-better}.
     *
     * @throws IllegalStateException naming what is wrong with the line
     */
    static Figure parse(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length != 5 || !f[0].equals("RESULT")) {
            throw new IllegalStateException("a RESULT line has 5 fields (RESULT figure value unit lower-is-better), got: " + line);
        }
        double value;
        try {
            value = Double.parseDouble(f[2]);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("the value of a RESULT line is a number, got '" + f[2] + "' in: " + line);
        }
        boolean lower = switch (f[4]) {
            case "lower-is-better" -> true;
            case "higher-is-better" -> false;
            default -> throw new IllegalStateException("a RESULT line ends with lower-is-better or higher-is-better, got: " + line);
        };
        return new Figure(f[1], value, f[3], lower);
    }

    /** How many times better ours is; NaN when either side is missing or zero. */
    static double ratio(Figure ours, Figure theirs) {
        if (ours == null || theirs == null || ours.value() <= 0 || theirs.value() <= 0 || !ours.unit().equals(theirs.unit())) {
            return Double.NaN;
        }
        return ours.lowerIsBetter() ? theirs.value() / ours.value() : ours.value() / theirs.value();
    }

    static String table(Map<String, Figure> ours, Map<String, Figure> theirs) {
        List<String> ids = new ArrayList<>(ours.keySet());
        theirs.keySet().stream().filter(id -> !ours.containsKey(id)).forEach(ids::add);
        StringBuilder t = new StringBuilder();
        t.append("| figure | multiprocessing4j | CPython | mp4j is ... times better |\n");
        t.append("|---|---:|---:|---:|\n");
        for (String id : ids) {
            Figure o = ours.get(id);
            Figure p = theirs.get(id);
            double r = ratio(o, p);
            t.append("| ").append(id).append(" | ").append(cell(o)).append(" | ").append(cell(p)).append(" | ")
                    .append(Double.isNaN(r) ? "—" : times(r)).append(" |\n");
        }
        return t.toString();
    }

    /** A ratio for people: 2 significant digits below 10, whole numbers above. */
    static String times(double r) {
        return (r >= 10 ? String.format(Locale.ROOT, "%,.0f", r) : String.format(Locale.ROOT, "%.2g", r)) + "×";
    }

    private static String cell(Figure f) {
        if (f == null) {
            return "—";
        }
        double v = f.value();
        String number = v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3g", v);
        return number + " " + f.unit();
    }

    private static String markdown(String table, String chart, List<String> commands, List<String> failures, boolean quick,
                                   double seconds, String python3) {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks: multiprocessing4j next to CPython's multiprocessing\n\n");
        md.append("Produced by `bin/mp4j bench").append(quick ? " --quick" : "").append("` on ")
                .append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
                .append(String.format(Locale.ROOT, " in %.0f s. ", seconds)).append("Machine: ").append(machine())
                .append("; JDK ").append(System.getProperty("java.version"))
                .append(python3 != null ? "; " + pythonVersion(python3) : "; no python3").append(".\n\n");
        md.append("""
                **Read with care.** This machine is a small virtual machine shared with other builds: figures move
                by tens of percent from run to run (cross-process wake-ups most). Each figure is a median of a few
                short runs; the ratios are the point, not the third digit. The last column says how many times
                better we are: CPython's figure divided by ours for times, ours divided by CPython's for rates.
                Each Java harness runs with a 1 GiB heap committed and touched up front (`-Xms1g -XX:+AlwaysPreTouch`),
                so that figures are not its own heap's first use; the child JVMs keep the library's options.

                """);
        md.append(table).append('\n');
        md.append("![ratios](").append(chart).append(")\n\n");
        md.append("## What each figure measures\n\n");
        for (Map.Entry<String, String> e : DESCRIPTIONS.entrySet()) {
            md.append("- `").append(e.getKey()).append("`: ").append(e.getValue()).append('\n');
        }
        md.append("""

                ## Why the ratios are what they are

                - Where CPython wins, it is the JVM's fixed costs: starting a JVM (`child.start.cold`), its resident
                  baseline (`child.idle.rss`), and the codec's first use (`codec.first.roundtrip`). A warm spare
                  (a JVM started ahead, with the codec warmed up) takes them off the critical path
                  (`child.start.warm`).
                - Where we win by orders of magnitude, it is the design: a `LiveValue` is read straight from shared
                  memory, and an unchanged value is not decoded again, while a `Namespace` attribute is a round trip
                  to the manager process over a socket and a pickle each time.
                - Cross-process wake-ups (`sync.event.pingpong`, `live.roundtrip`) spin briefly before they block
                  on a futex; on a loaded machine the spin rarely pays and the figure is two futex wake-ups.
                """);
        md.append("\n## Commands\n\nEach harness prints `RESULT <figure-id> <value> <unit> <higher|lower>-is-better` lines; "
                + "`mp4j bench` runs them one after the other:\n\n");
        for (String c : commands) {
            md.append("- ").append(c).append('\n');
        }
        if (!failures.isEmpty()) {
            md.append("\n## Failed harnesses\n\n");
            for (String f : failures) {
                md.append("- ").append(f.lines().findFirst().orElse(f)).append('\n');
            }
        }
        return md.toString();
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            cpu = lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .orElse(cpu);
        } catch (IOException | RuntimeException e) {
            // Not Linux: the OS name below says enough.
        }
        String load = "";
        try {
            load = ", load average " + Files.readString(Path.of("/proc/loadavg")).split(" ")[0] + " at the end";
        } catch (IOException | RuntimeException e) {
            // No /proc.
        }
        return Runtime.getRuntime().availableProcessors() + " vCPUs (" + cpu + "), " + System.getProperty("os.name") + " "
                + System.getProperty("os.version") + load;
    }

    private static String pythonVersion(String python3) {
        try {
            Process p = new ProcessBuilder(python3, "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            return v.replace("Python", "CPython");
        } catch (IOException | InterruptedException e) {
            return "python3";
        }
    }

    /** The project root: the first directory, from here upwards and from the jar's location upwards, with bench/python. */
    static Path projectRoot() {
        List<Path> starts = new ArrayList<>();
        starts.add(Path.of("").toAbsolutePath());
        try {
            starts.add(Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException | RuntimeException e) {
            // Only the working directory, then.
        }
        for (Path start : starts) {
            for (Path d = start; d != null; d = d.getParent()) {
                if (Files.isDirectory(d.resolve("bench").resolve("python"))) {
                    return d;
                }
            }
        }
        return null;
    }

    private static String findOnPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    private static String display(List<String> command) {
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < command.size(); i++) {
            String a = command.get(i);
            if (a.equals("-cp") && i + 1 < command.size()) {
                shown.add("-cp");
                shown.add("<mp4j class path>");
                i++;
            } else {
                shown.add(a.contains("/bin/java") ? "java" : a.contains("/bench/python/") ? "bench/python/" + Path.of(a).getFileName()
                        : a.endsWith("/python3") ? "python3" : a);
            }
        }
        return String.join(" ", shown);
    }

    private static String tail(StringBuilder output) {
        String[] lines = output.toString().split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 15), lines.length));
    }
}
