package multiprocessing4j.internal.platform;

/**
 * Where this JVM sits in a multiprocessing4j process tree. The runtime starts every child with the
 * system property {@value #ROOT_PID_PROPERTY} set to the pid of the tree's root (the JVM the user
 * started), so that resources named after the root (shared-memory segments) can be cleaned up
 * once the whole tree is gone, and with {@value #PARENT_PID_PROPERTY} set to its parent's pid.
 * It should also pass {@value #ROOT_START_TIME_PROPERTY} (the root's {@link Pids#startTime(long)}),
 * so that a child started just before its root died still knows the root's identity.
 */
public final class ProcessTree {
    /** System property carrying the root pid into every child JVM. */
    public static final String ROOT_PID_PROPERTY = "mp4j.root.pid";
    /** System property carrying the parent pid into every child JVM. */
    public static final String PARENT_PID_PROPERTY = "mp4j.parent.pid";

    /** System property carrying the root's start time ({@link Pids#startTime(long)}) into every child JVM. */
    public static final String ROOT_START_TIME_PROPERTY = "mp4j.root.starttime";

    private static final long SELF = ProcessHandle.current().pid();
    private static final long ROOT = Long.getLong(ROOT_PID_PROPERTY, SELF);

    private ProcessTree() {
    }

    /** The pid of this JVM. */
    public static long selfPid() {
        return SELF;
    }

    /** The pid of the root of this process tree: this JVM's own pid unless it was started by the runtime. */
    public static long rootPid() {
        return ROOT;
    }

    private static volatile long rootStartTime = Long.MIN_VALUE;

    /**
     * The start time of the root ({@link Pids#startTime(long)}): from {@value #ROOT_START_TIME_PROPERTY}
     * if the runtime passed it, else read from /proc, which gives {@link Pids#NO_PROCESS} once the
     * root is gone. Together with {@link #rootPid()} it identifies the tree even after pid reuse.
     */
    public static long rootStartTime() {
        long t = rootStartTime;
        if (t == Long.MIN_VALUE) {
            Long passed = Long.getLong(ROOT_START_TIME_PROPERTY);
            t = passed != null ? passed : ROOT == SELF ? Pids.selfStartTime() : Pids.startTime(ROOT);
            rootStartTime = t;
        }
        return t;
    }

    /** Whether this JVM was started by the multiprocessing4j runtime. */
    public static boolean isChild() {
        return ROOT != SELF;
    }
}
