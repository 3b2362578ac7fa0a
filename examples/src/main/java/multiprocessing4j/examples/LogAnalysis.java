package multiprocessing4j.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import multiprocessing4j.ChildProcess;
import multiprocessing4j.ProcessQueue;

/**
 * Real-time log analysis: the parent reads a log file line by line and puts each line on a
 * {@link ProcessQueue}; N worker processes take lines until they meet the sentinel, count the
 * {@code ERROR} lines per component, and put their counts on a result queue; the parent adds them up
 * and prints the totals.
 *
 * <p>Run: {@code LogAnalysis [log-file] [workers]}. Without a file it writes a realistic log of
 * 200,000 lines to a temporary file first. A line looks like
 * {@code 2026-11-22T03:12:45.123Z ERROR [payments] timeout calling bank gateway after 3000 ms (req=8f3a...)}:
 * the level is the second field, the component the bracketed third.
 *
 * <p>The workers are {@link ChildProcess}es running a lambda that captures the two queues: a
 * captured queue is a handle that attaches to the same queue in the child.
 */
public final class LogAnalysis {
    /** Ends a worker's input; one per worker. */
    static final String SENTINEL = "\u0000END";
    static final List<String> COMPONENTS = List.of("auth", "payments", "inventory", "search", "gateway", "notifications");

    private LogAnalysis() {
    }

    /** What the workers found, merged. */
    record Totals(long lines, Map<String, Long> errorsByComponent) implements Serializable {
        long errors() {
            return errorsByComponent.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    public static void main(String[] args) throws Exception {
        String usage = "mp4j demo log-analysis [log-file [workers]]";
        if (args.length > 2) {
            throw new UsageException("log-analysis takes at most a file and a number of workers, got " + String.join(" ", args), usage);
        }
        int workers = 3;
        if (args.length > 1) {
            try {
                workers = Integer.parseInt(args[1]);
            } catch (NumberFormatException e) {
                throw new UsageException("the number of workers must be a whole number, got '" + args[1] + "'", usage);
            }
            if (workers < 1) {
                throw new UsageException("at least one worker is needed, got " + workers, usage);
            }
        }
        Path log;
        boolean generated = args.length == 0;
        if (generated) {
            log = Files.createTempFile("mp4j-example-", ".log");
            generate(log, 200_000, 42);
        } else {
            log = Path.of(args[0]);
            if (!Files.isRegularFile(log) || !Files.isReadable(log)) {
                throw new UsageException("no readable log file at " + log.toAbsolutePath(), usage);
            }
        }
        try {
            long start = System.nanoTime();
            Totals totals = analyse(log, workers);
            print(totals, log, workers, Duration.ofNanos(System.nanoTime() - start), System.out);
        } finally {
            if (generated) {
                Files.deleteIfExists(log);
            }
        }
    }

    /** Feeds {@code log} to {@code workers} worker processes and merges their counts. */
    static Totals analyse(Path log, int workers) throws Exception {
        if (workers < 1) {
            throw new IllegalArgumentException("at least one worker is needed, was " + workers);
        }
        List<ChildProcess> children = new ArrayList<>();
        try (ProcessQueue<String> lines = ProcessQueue.create(10_000);
             ProcessQueue<Totals> results = ProcessQueue.create(workers)) {
            for (int i = 0; i < workers; i++) {
                // The lambda captures both queues: their handles attach to the same queues in the child.
                children.add(ChildProcess.start(() -> worker(lines, results)));
            }
            try (BufferedReader in = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.put(line);
                }
            }
            for (int i = 0; i < workers; i++) {
                lines.put(SENTINEL);
            }
            long total = 0;
            Map<String, Long> errors = new TreeMap<>();
            for (int i = 0; i < workers; i++) {
                Totals partial = results.poll(Duration.ofMinutes(2));
                if (partial == null) {
                    throw new IllegalStateException("a worker did not report within 2 minutes");
                }
                total += partial.lines();
                partial.errorsByComponent().forEach((component, n) -> errors.merge(component, n, Long::sum));
            }
            for (ChildProcess child : children) {
                child.join();
            }
            return new Totals(total, errors);
        } finally {
            for (ChildProcess child : children) {
                child.close();
            }
        }
    }

    static void print(Totals totals, Path log, int workers, Duration took, PrintStream out) {
        out.printf("Analysed %,d lines of %s with %d worker processes in %d ms%n", totals.lines(), log, workers, took.toMillis());
        out.println("Errors per component:");
        totals.errorsByComponent().forEach((component, n) -> out.printf("  %-16s %,8d%n", component, n));
        out.printf("TOTAL lines=%d errors=%d%n", totals.lines(), totals.errors());
    }

    /** A worker: counts ERROR lines per component until the sentinel, then reports. */
    static void worker(ProcessQueue<String> lines, ProcessQueue<Totals> results) {
        long count = 0;
        Map<String, Long> errors = new HashMap<>();
        try {
            for (String line; !(line = lines.take()).equals(SENTINEL); ) {
                count++;
                String component = errorComponent(line);
                if (component != null) {
                    errors.merge(component, 1L, Long::sum);
                }
            }
            results.put(new Totals(count, errors));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The component of an ERROR line, or {@code null} for any other line. */
    static String errorComponent(String line) {
        int firstSpace = line.indexOf(' ');
        if (firstSpace < 0 || !line.startsWith("ERROR ", firstSpace + 1)) {
            return null;
        }
        int open = line.indexOf('[', firstSpace);
        int close = open < 0 ? -1 : line.indexOf(']', open);
        return close < 0 ? "(unknown)" : line.substring(open + 1, close);
    }

    /** Writes a realistic log of {@code lines} lines, reproducibly from {@code seed}. */
    static void generate(Path file, int lines, long seed) throws IOException {
        Random random = new Random(seed);
        String[] infos = {"request served in %d ms", "cache hit ratio %d%%", "user session refreshed (%d active)",
                "health check ok (%d ms)", "scheduled job completed, %d records"};
        String[] warnings = {"slow query took %d ms", "retrying upstream call, attempt %d", "queue depth %d above threshold"};
        String[] failures = {"timeout calling upstream after %d ms", "connection refused by db-%d",
                "NullPointerException in handler (line %d)", "payment declined: gateway error %d"};
        Instant t = Instant.parse("2026-11-22T00:00:00Z");
        StringBuilder sb = new StringBuilder();
        try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < lines; i++) {
                t = t.plusMillis(random.nextInt(40));
                String component = COMPONENTS.get(random.nextInt(COMPONENTS.size()));
                int roll = random.nextInt(100);
                String level;
                String text;
                if (roll < 4) {
                    level = "ERROR";
                    text = failures[random.nextInt(failures.length)];
                } else if (roll < 12) {
                    level = "WARN";
                    text = warnings[random.nextInt(warnings.length)];
                } else if (roll < 20) {
                    level = "DEBUG";
                    text = "state dump of %d entries";
                } else {
                    level = "INFO";
                    text = infos[random.nextInt(infos.length)];
                }
                sb.setLength(0);
                sb.append(t).append(' ').append(level).append(' ').append('[').append(component).append("] ")
                        .append(String.format(text, random.nextInt(5000)))
                        .append(" (req=").append(Long.toHexString(random.nextLong())).append(')');
                out.write(sb.toString());
                out.newLine();
            }
        }
    }
}
