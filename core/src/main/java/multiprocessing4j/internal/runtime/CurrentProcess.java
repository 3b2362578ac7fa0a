package multiprocessing4j.internal.runtime;

import multiprocessing4j.internal.platform.ProcessTree;

import java.util.OptionalLong;

/** This JVM's place in the tree, as the runtime knows it: its name (given at hand-over in a child) and its parent. */
public final class CurrentProcess {
    /** Python's name for the process the user started. */
    public static final String ROOT_NAME = "MainProcess";

    private static volatile String name = ProcessTree.isChild() ? "spare-" + ProcessTree.selfPid() : ROOT_NAME;

    private CurrentProcess() {
    }

    public static String name() {
        return name;
    }

    static void setName(String newName) {
        name = newName;
    }

    /** The pid of the JVM that launched this one, if this is a child. */
    public static OptionalLong parentPid() {
        String p = System.getProperty(ProcessTree.PARENT_PID_PROPERTY);
        return p == null || !ProcessTree.isChild() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(p));
    }
}
