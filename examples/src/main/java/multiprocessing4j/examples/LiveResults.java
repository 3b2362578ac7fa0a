package multiprocessing4j.examples;

import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import multiprocessing4j.ChildProcess;
import multiprocessing4j.LiveValue;

/**
 * The main job ({@code mp4j demo live}): a computation that never ends publishes its latest
 * result, and another process uses the newest one every few seconds without ever waiting for it.
 *
 * <p>Process 1, the <em>computer</em>, estimates &pi; by Monte Carlo sampling (the estimate
 * sharpens as the square root of the sample count: hours of work for every further digit) and
 * publishes its current estimate {@code a}, with its standard error and sample count, every
 * {@code --publish-every} seconds. Process 2, the <em>printer</em>, waits for the first estimate
 * (no {@code sleep(1)} to paper over the start-up race) and then prints {@code a + b} every
 * {@code --print-every} seconds with the newest {@code a}, its version and its age. Ctrl+C stops
 * everything: both children end, the shared value is unlinked, the exit code is 130.
 *
 * <pre>
 * mp4j demo live [--publish-every SECONDS] [--print-every SECONDS] [--b NUMBER] [--seconds SECONDS]
 * </pre>
 */
public final class LiveResults {
    static final String USAGE = "mp4j demo live [--publish-every SECONDS (default 3)] [--print-every SECONDS (default 1)]"
            + " [--b NUMBER (default 1)] [--seconds SECONDS (default: until Ctrl+C)]";

    /** What the computer publishes. */
    public record Estimate(double value, double standardError, long samples) implements Serializable {
    }

    /** The parsed options; periods in milliseconds, {@code seconds} 0 for "until Ctrl+C". */
    record Options(long publishMillis, long printMillis, double b, double seconds) {
        static Options parse(String[] args) {
            double publish = 3;
            double print = 1;
            double b = 1;
            double seconds = 0;
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                if (option.equals("--help") || option.equals("-h")) {
                    throw UsageException.help(USAGE);
                }
                if (i + 1 >= args.length) {
                    throw new UsageException(option.startsWith("--") ? option + " needs a value" : "unknown option " + option, USAGE);
                }
                String value = args[++i];
                switch (option) {
                    case "--publish-every" -> publish = positive(option, value);
                    case "--print-every" -> print = positive(option, value);
                    case "--b" -> b = number(option, value);
                    case "--seconds" -> seconds = positive(option, value);
                    default -> throw new UsageException("unknown option " + option, USAGE);
                }
            }
            return new Options(Math.round(publish * 1000), Math.round(print * 1000), b, seconds);
        }

        private static double number(String option, String value) {
            try {
                double d = Double.parseDouble(value);
                if (!Double.isFinite(d)) {
                    throw new NumberFormatException();
                }
                return d;
            } catch (NumberFormatException e) {
                throw new UsageException(option + " takes a number, got '" + value + "'", USAGE);
            }
        }

        private static double positive(String option, String value) {
            double d = number(option, value);
            if (d < 0.01) {
                throw new UsageException(option + " takes a number of seconds of at least 0.01, got '" + value + "'", USAGE);
            }
            return d;
        }
    }

    private LiveResults() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        run(options);
    }

    static void run(Options o) throws Exception {
        System.out.printf(Locale.ROOT, "live: process 1 estimates pi and publishes it every %.2f s; process 2 prints "
                        + "a + b (b = %s) every %.2f s. %s%n", o.publishMillis() / 1000.0, o.b(), o.printMillis() / 1000.0,
                o.seconds() > 0 ? String.format(Locale.ROOT, "Stops after %.1f s.", o.seconds()) : "Ctrl+C stops.");
        LiveValue<Estimate> a = LiveValue.create();
        long publishMillis = o.publishMillis();
        long printMillis = o.printMillis();
        double b = o.b();
        ChildProcess computer = ChildProcess.builder(() -> compute(a, publishMillis)).name("computer").daemon(true).build();
        ChildProcess printer = ChildProcess.builder(() -> print(a, b, printMillis)).name("printer").daemon(true).build();
        AtomicBoolean stopped = new AtomicBoolean();
        Runnable stop = () -> {
            if (stopped.compareAndSet(false, true)) {
                stopAll(a, printer, computer);
            }
        };
        // Ctrl+C: the JVM runs its shutdown hooks, then exits with 130; this hook ends both children
        // and unlinks the shared value, so nothing is left running or in /dev/shm.
        Thread hook = new Thread(() -> {
            if (!stopped.get()) {
                System.out.println("live: interrupted, stopping both processes");
            }
            stop.run();
        }, "live-demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        long start = System.nanoTime();
        computer.start();
        printer.start();
        long deadline = o.seconds() > 0 ? start + (long) (o.seconds() * 1e9) : Long.MAX_VALUE;
        String endedEarly;
        try {
            while ((o.seconds() == 0 || System.nanoTime() - deadline < 0) && computer.isAlive() && printer.isAlive()) {
                printer.join(Duration.ofMillis(200));
            }
            ChildProcess ended = !computer.isAlive() ? computer : !printer.isAlive() ? printer : null;
            endedEarly = ended == null ? null : ended.name() + " ended unexpectedly with exit code "
                    + ended.exitCode().orElseThrow() + ended.failure().map(f -> ": " + f.getMessage()).orElse("");
        } catch (IllegalStateException closedByTheHook) {
            if (!stopped.get()) {
                throw closedByTheHook;
            }
            // Ctrl+C: the shutdown hook has closed the children; the JVM halts once it is done.
            new CountDownLatch(1).await();
            return;
        }
        stop.run();
        Runtime.getRuntime().removeShutdownHook(hook);
        if (endedEarly != null) {
            throw new IllegalStateException(endedEarly);
        }
        System.out.printf(Locale.ROOT, "live: stopped after %.1f s; a was published %d times; both processes ended%n",
                (System.nanoTime() - start) / 1e9, lastVersion);
    }

    private static volatile long lastVersion;

    private static void stopAll(LiveValue<Estimate> a, ChildProcess... children) {
        try {
            lastVersion = a.version();
        } catch (IllegalStateException closed) {
            // Closed already.
        }
        for (ChildProcess child : children) {
            try {
                // close(): SIGTERM, SIGKILL after a second, waits for the exit.
                child.close();
            } catch (RuntimeException e) {
                System.err.println("live: could not stop " + child.name() + ": " + e);
            }
        }
        a.close();
    }

    /** Process 1: refines a Monte Carlo estimate of pi for ever, publishing it every {@code publishMillis}. */
    static void compute(LiveValue<Estimate> a, long publishMillis) {
        SplittableRandom random = new SplittableRandom();
        long inside = 0;
        long samples = 0;
        long nextPublish = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(publishMillis);
        while (true) {
            for (int i = 0; i < 1 << 18; i++) {
                double x = random.nextDouble();
                double y = random.nextDouble();
                if (x * x + y * y <= 1) {
                    inside++;
                }
            }
            samples += 1 << 18;
            long now = System.nanoTime();
            if (now - nextPublish >= 0) {
                double p = inside / (double) samples;
                a.publish(new Estimate(4 * p, 4 * Math.sqrt(p * (1 - p) / samples), samples));
                nextPublish = now + TimeUnit.MILLISECONDS.toNanos(publishMillis);
            }
        }
    }

    /** Process 2: prints a + b every {@code printMillis} with the newest a, never waiting for the computer. */
    static void print(LiveValue<Estimate> a, double b, long printMillis) {
        try {
            System.out.println("printer: waiting for the first estimate");
            a.awaitFirst();
            long next = System.nanoTime();
            while (true) {
                LiveValue.Snapshot<Estimate> s = a.snapshot().orElseThrow();
                Estimate e = s.value();
                System.out.printf(Locale.ROOT, "a + b = %.8f + %s = %.8f   (a = pi +- %.1e from %,d samples; "
                                + "version %d, %.1f s old%s)%n", e.value(), b, e.value() + b, e.standardError(),
                        e.samples(), s.version(), s.age().toMillis() / 1000.0,
                        a.publisherAlive() ? "" : ", the computer has stopped: a is final");
                next += TimeUnit.MILLISECONDS.toNanos(printMillis);
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } else {
                    next = System.nanoTime();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
