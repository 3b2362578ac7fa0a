package multiprocessing4j.internal.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every child JVM this JVM has launched and not yet seen exit, and what happens to them when this JVM
 * exits, as in Python: daemon children (and warm spares) are terminated, non-daemon children are waited
 * for. When this JVM is itself a child whose parent is gone, nothing is waited for: every child is killed
 * (they would notice the end of their link anyway, within a second).
 */
final class Children {
    private static final Set<ChildJvm> LIVE = ConcurrentHashMap.newKeySet();
    private static volatile boolean shuttingDown;
    private static volatile boolean orphaned;

    static {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(Children::atExit, "mp4j-children-at-exit"));
        } catch (IllegalStateException alreadyExiting) {
            shuttingDown = true; // first child requested from a shutdown hook: refused by checkNotShuttingDown
        }
    }

    private Children() {
    }

    static void register(ChildJvm child) {
        LIVE.add(child);
    }

    static void unregister(ChildJvm child) {
        LIVE.remove(child);
    }

    static void checkNotShuttingDown() {
        if (shuttingDown) {
            throw new IllegalStateException("this JVM is shutting down: no new child JVM can be started");
        }
    }

    /**
     * This JVM lost its parent: no new child, and every child (spares included) is killed now, without
     * waiting for anything; the exit that follows kills rather than waits too.
     */
    static void orphaned() {
        orphaned = true;
        Spares.stop();
        synchronized (Children.class) {
            shuttingDown = true;
        }
        for (ChildJvm c : live()) {
            c.kill();
        }
    }

    /** The children alive now (spares included). */
    static List<ChildJvm> live() {
        return new ArrayList<>(LIVE);
    }

    private static void atExit() {
        synchronized (Children.class) {
            shuttingDown = true;
        }
        if (!orphaned) {
            Spares.shutdown();
        }
        List<ChildJvm> all = live();
        for (ChildJvm c : all) {
            if (orphaned) {
                c.kill();
            } else if (c.isDaemon()) {
                c.terminate();
            }
        }
        for (ChildJvm c : all) {
            if (!c.isDaemon() && !orphaned) {
                try {
                    c.exit().join();
                } catch (RuntimeException ignored) {
                    // it ended one way or another
                }
            }
        }
        for (ChildJvm c : all) {
            try {
                c.exit().get(1, TimeUnit.SECONDS);
            } catch (Exception stillThere) {
                c.kill();
            }
        }
        Listener.shutdown();
    }
}
