package multiprocessing4j.internal.runtime;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;

/**
 * Warm spares: Python's forkserver idea for the JVM. For each distinct {@link JvmSpec} that has been used
 * once, one child JVM is kept launched, connected, authenticated and warmed up (classes loaded, the first
 * native call linked), so that the next start with that spec only has to send the entry: a few
 * milliseconds instead of a JVM start-up. Taking a spare starts its replacement in the background.
 *
 * <p>A spare that is still starting is taken too: it is always further along than a new launch.
 * Spares are daemon children: they die with this JVM (their link ends) and are terminated at its exit.
 * Off with {@code -Dmp4j.spares=false} (or per start, see {@code ChildProcess.Builder.warmSpare}).
 */
public final class Spares {
    /** The system property that switches spares off when {@code false}. */
    public static final String PROPERTY = "mp4j.spares";

    private static final Map<JvmSpec, ChildJvm> SPARES = new ConcurrentHashMap<>();
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
        ChildJvm spare = SPARES.remove(spec);
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
        if (!enabled() || SPARES.containsKey(spec)) {
            return;
        }
        LAUNCHER.schedule(() -> {
            synchronized (Spares.class) {
                if (!enabled() || SPARES.containsKey(spec)) {
                    return;
                }
                try {
                    SPARES.put(spec, ChildJvm.launch(spec));
                } catch (IOException | IllegalStateException e) {
                    // no spare this time: the next start launches cold and tries again
                }
            }
        }, REPLENISH_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The spare for {@code spec}, if one exists now (ready or not); for tests and benchmarks. */
    public static ChildJvm peek(JvmSpec spec) {
        return SPARES.get(spec);
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
            all = new ArrayList<>(SPARES.values());
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
