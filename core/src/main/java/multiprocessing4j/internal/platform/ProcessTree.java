package multiprocessing4j.internal.platform;

/**
 * Where this JVM sits in a multiprocessing4j process tree. The runtime starts every child with the
 * system property {@value #ROOT_PID_PROPERTY} set to the pid of the tree's root (the JVM the user
 * started), so that resources named after the root (shared-memory segments) can be cleaned up
 * once the whole tree is gone, and with {@value #PARENT_PID_PROPERTY} set to its parent's pid.
 */
public final class ProcessTree {
    /** System property carrying the root pid into every child JVM. */
    public static final String ROOT_PID_PROPERTY = "mp4j.root.pid";
    /** System property carrying the parent pid into every child JVM. */
    public static final String PARENT_PID_PROPERTY = "mp4j.parent.pid";

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

    /** Whether this JVM was started by the multiprocessing4j runtime. */
    public static boolean isChild() {
        return ROOT != SELF;
    }
}
