package multiprocessing4j.internal.runtime;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;

/**
 * Warm spares: Python's forkserver idea for the JVM. For each distinct {@link JvmSpec} that has been used
 * once, one child JVM is kept launched, connected, authenticated and warmed up (classes loaded, the first
 * native call linked), so that the next start with that spec only has to send the entry: a few
 * milliseconds instead of a JVM start-up. Taking a spare starts its replacement in the background.
 * {@link #prepare} makes more than one for a spec (a pool of N takes up to N: one per worker, see
 * {@code ChildJvm.takeSpare}); a replacement only ever restores one.
 *
 * <p>A spare that is still starting is taken too: it is always further along than a new launch.
 * Spares are daemon children: they die with this JVM (their link ends) and are terminated at its exit.
 * Off with {@code -Dmp4j.spares=false} (or per start, see {@code ChildProcess.Builder.warmSpare}).
 */
public final class Spares {
    /** The system property that switches spares off when {@code false}. */
    public static final String PROPERTY = "mp4j.spares";

    /** The spares of each spec, oldest (furthest along) first; guarded by the class lock. */
    private static final Map<JvmSpec, ArrayDeque<ChildJvm>> SPARES = new HashMap<>();
    /**
     * How long a replacement waits before it launches: a JVM start-up takes both vCPUs of a small machine
     * for ≈ 150 ms, and the task just handed over should have them first.
     */
    private static final long REPLENISH_DELAY_MILLIS = 100;
    private static final ScheduledExecutorService LAUNCHER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mp4j-spares");
        t.setDaemon(true);
        return t;
    });
    private static volatile boolean shutDown;

    private Spares() {
    }

    /** Whether spares are enabled in this JVM. */
    public static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true")) && !shutDown;
    }

    /** Takes the spare for {@code spec} if there is a live one (and starts its replacement); else {@code null}. */
    static ChildJvm take(JvmSpec spec, boolean replenish) {
        ChildJvm spare;
        synchronized (Spares.class) {
            ArrayDeque<ChildJvm> spares = SPARES.get(spec);
            spare = spares == null ? null : spares.poll();
        }
        if (spare == null) {
            return null;
        }
        if (replenish) {
            replenish(spec);
        }
        if (!spare.isAlive()) {
            spare.close();
            return null;
        }
        return spare;
    }

    /** Makes sure a spare for {@code spec} exists or is being launched, in the background. */
    public static void replenish(JvmSpec spec) {
        prepare(spec, 1);
    }

    /**
     * Makes sure {@code count} spares for {@code spec} exist or are being launched, in the background (one after
     * another: each JVM start-up takes the CPUs of a small machine). Nothing if spares are switched off.
     */
    public static void prepare(JvmSpec spec, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1: " + count);
        }
        if (!enabled() || size(spec) >= count) {
            return;
        }
        // Launched on the one LAUNCHER thread, so that two preparations never launch for the same place, and
        // outside the lock, so that a start taking a spare never waits for a launch (≈ 10-50 ms each).
        LAUNCHER.schedule(() -> {
            while (enabled()) {
                synchronized (Spares.class) {
                    ArrayDeque<ChildJvm> spares = SPARES.computeIfAbsent(spec, s -> new ArrayDeque<>());
                    spares.removeIf(spare -> !spare.isAlive());
                    if (spares.size() >= count) {
                        return;
                    }
                }
                ChildJvm spare;
                try {
                    spare = ChildJvm.launch(spec);
                } catch (IOException | IllegalStateException e) {
                    return; // no spare this time: the next start launches cold and tries again
                }
                synchronized (Spares.class) {
                    SPARES.computeIfAbsent(spec, s -> new ArrayDeque<>()).add(spare);
                }
            }
        }, REPLENISH_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    }

    private static synchronized int size(JvmSpec spec) {
        ArrayDeque<ChildJvm> spares = SPARES.get(spec);
        return spares == null ? 0 : spares.size();
    }

    /** The first spare for {@code spec}, if one exists now (ready or not); for tests and benchmarks. */
    public static synchronized ChildJvm peek(JvmSpec spec) {
        ArrayDeque<ChildJvm> spares = SPARES.get(spec);
        return spares == null ? null : spares.peek();
    }

    /** Every spare for {@code spec} now (ready or not), oldest first; for tests and benchmarks. */
    public static synchronized List<ChildJvm> all(JvmSpec spec) {
        ArrayDeque<ChildJvm> spares = SPARES.get(spec);
        return spares == null ? List.of() : List.copyOf(spares);
    }

    /** Ends every spare; new ones are made again when needed. */
    public static void clear() {
        try {
            LAUNCHER.schedule(() -> { }, REPLENISH_DELAY_MILLIS, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS); // launches asked for land first
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                 | java.util.concurrent.RejectedExecutionException e) {
            // clear what is there
        }
        List<ChildJvm> all;
        synchronized (Spares.class) {
            all = new ArrayList<>();
            SPARES.values().forEach(all::addAll);
            SPARES.clear();
        }
        ChildJvm.closeAll(all);
    }

    /** Ends every spare and makes no more: at this JVM's exit. */
    static void shutdown() {
        shutDown = true;
        clear();
    }

    /** Makes no more spares, without waiting for anything: this JVM is an orphan and is about to halt. */
    static void stop() {
        shutDown = true;
    }
}
