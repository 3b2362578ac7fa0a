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

    /**
     * Whether this JVM writes a class-data archive when it exits (the first child for a new {@code CdsArchive}
     * key: {@code -XX:+AutoCreateSharedArchive}). Its threads had better not be loading classes then: HotSpot
     * (25) has been seen to crash in a thread linking a lambda while the archive is written, so work that
     * loads classes in the background should be waited for at exit in such a JVM.
     */
    public static boolean dumpsClassDataAtExit() {
        return DumpsAtExit.VALUE;
    }

    private static final class DumpsAtExit {
        static final boolean VALUE = read();

        private static boolean read() {
            try {
                String cmdline = new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/self/cmdline")),
                        java.nio.charset.StandardCharsets.UTF_8);
                return ("\0" + cmdline).contains("\0-XX:+AutoCreateSharedArchive\0");
            } catch (java.io.IOException | RuntimeException e) {
                return false;
            }
        }
    }

    /** The pid of the JVM that launched this one, if this is a child. */
    public static OptionalLong parentPid() {
        String p = System.getProperty(ProcessTree.PARENT_PID_PROPERTY);
        return p == null || !ProcessTree.isChild() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(p));
    }
}
