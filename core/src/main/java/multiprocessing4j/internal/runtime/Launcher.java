package multiprocessing4j.internal.runtime;

import multiprocessing4j.internal.codec.Codecs;
import multiprocessing4j.internal.platform.ProcessTree;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM.
 *
 * <p>{@code java} is this JVM's own binary. The class path is this JVM's effective one ({@link ClassPath});
 * a module path, when there is one, is passed on with every module on it resolved. Then, in this order
 * (later options win):
 * <ol>
 *   <li>lean defaults, chosen so that an idle child stays small (see {@link #LEAN_DEFAULTS});</li>
 *   <li>class-data sharing from {@link CdsArchive} when the class path is all jars;</li>
 *   <li>{@code --enable-native-access=ALL-UNNAMED} and {@code --sun-misc-unsafe-memory-access=allow}, so
 *       futexes through FFM and the codec's {@code Unsafe} use run without warnings, unless the user
 *       gives either option;</li>
 *   <li>the user's options;</li>
 *   <li>{@code -Dmp4j.root.pid}, {@code -Dmp4j.root.starttime} and {@code -Dmp4j.parent.pid} ({@link ProcessTree}'s
 *       contract: the shm cleanup tracker finds a tree's live processes by them).</li>
 * </ol>
 */
final class Launcher {
    /**
     * Serial GC: one GC thread and the smallest footprint, and a child is a single task or a worker
     * with one task at a time; a small initial heap that grows on demand, so an idle child does not commit
     * 1/64 of the machine's memory; a periodic {@code malloc_trim}, which hands back the ≈ 7 MB of JIT
     * arenas the start-up compilations leave in glibc's free lists (measured: idle RSS 55 → 48 MB).
     * Compute-heavy tasks keep C2 (C1 alone would save 3 MB more and cost them dearly) and can raise
     * the heap with {@code -Xmx}/{@code -Xms} or pick another collector: a user's {@code -XX:+Use...GC}
     * replaces ours (two collectors would be refused by the JVM). No performance-data file: it would be a
     * {@code /tmp/hsperfdata_<user>/<pid>} file per child, created and mapped at start and removed at exit
     * (left behind when a child is SIGKILLed); {@code jps}/{@code jstat} do not see children unless the user
     * passes {@code -XX:+UsePerfData}, and {@code jcmd} still works.
     *
     * <p>{@code -XX:UserThreadWaitAttemptsAtExit=0}: at exit HotSpot otherwise waits, in steps of 10 ms and up
     * to 300 ms, for every application thread that is in native code, and a child always has one (its link's
     * reader, blocked in {@code read()}); such threads are stopped safely anyway when they come back to Java.
     * A user who sets it back (e.g. {@code -XX:UserThreadWaitAttemptsAtExit=30}) gets those waits back.
     *
     * <p>Class-data archives stay relocated at a random address (the JDK's default since JDK 20). Mapping
     * them where they were dumped ({@code -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0})
     * keeps their ≈ 14 MB clean and shared between children (measured: each further child ≈ 7 MB less
     * private memory), but puts archived metadata at a predictable address: a library must not weaken
     * ASLR behind its users' backs, so that trade is theirs to make through the JVM options.
     */
    static final List<String> LEAN_DEFAULTS = List.of("-XX:+UseSerialGC", "-Xms8m", "-XX:TrimNativeHeapInterval=2000",
            "-XX:-UsePerfData", "-XX:UserThreadWaitAttemptsAtExit=0");

    private static final String JAVA = javaBinary();
    static final String MAIN_CLASS = ChildMain.class.getName();

    private Launcher() {
    }

    static ProcessBuilder processBuilder(JvmSpec spec) {
        ProcessBuilder pb = new ProcessBuilder(command(spec));
        pb.environment().putAll(spec.environment());
        if (spec.workingDirectory() != null) {
            pb.directory(spec.workingDirectory().toFile());
        }
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.redirectOutput(ProcessBuilder.Redirect.PIPE);
        pb.redirectError(ProcessBuilder.Redirect.PIPE);
        return pb;
    }

    static List<String> command(JvmSpec spec) {
        List<String> user = spec.jvmOptions();
        List<String> cmd = new ArrayList<>();
        cmd.add(JAVA);
        boolean userGc = user.stream().anyMatch(o -> o.startsWith("-XX:+Use") && o.endsWith("GC"));
        for (String option : LEAN_DEFAULTS) {
            if (!(userGc && option.equals("-XX:+UseSerialGC"))) {
                cmd.add(option);
            }
        }
        ClassPath cp = ClassPath.current();
        cmd.addAll(CdsArchive.options(cmd, user, cp));
        if (user.stream().noneMatch(o -> o.startsWith("--enable-native-access"))) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        if (user.stream().noneMatch(o -> o.startsWith("--sun-misc-unsafe-memory-access"))) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        String codec = System.getProperty(Codecs.PROPERTY);
        if (codec != null && user.stream().noneMatch(o -> o.startsWith("-D" + Codecs.PROPERTY + "="))) {
            cmd.add("-D" + Codecs.PROPERTY + "=" + codec); // both sides must speak the same codec
        }
        cmd.addAll(user);
        cmd.add("-D" + ProcessTree.ROOT_PID_PROPERTY + "=" + ProcessTree.rootPid());
        cmd.add("-D" + ProcessTree.ROOT_START_TIME_PROPERTY + "=" + ProcessTree.rootStartTime());
        cmd.add("-D" + ProcessTree.PARENT_PID_PROPERTY + "=" + ProcessTree.selfPid());
        if (!cp.classPath().isEmpty()) {
            cmd.add("-cp");
            cmd.add(String.join(File.pathSeparator, cp.classPath()));
        }
        Module module = ChildMain.class.getModule();
        if (cp.modulePath() != null) {
            cmd.add("--module-path");
            cmd.add(cp.modulePath());
            cmd.add("--add-modules");
            cmd.add("ALL-MODULE-PATH");
        }
        if (module.isNamed()) {
            cmd.add("-m");
            cmd.add(module.getName() + "/" + MAIN_CLASS);
        } else {
            cmd.add(MAIN_CLASS);
        }
        return cmd;
    }

    private static String javaBinary() {
        String fromHandle = ProcessHandle.current().info().command().orElse(null);
        if (fromHandle != null && fromHandle.endsWith("java")) {
            return fromHandle;
        }
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
