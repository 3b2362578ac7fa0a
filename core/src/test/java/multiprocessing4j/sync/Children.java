package multiprocessing4j.sync;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import multiprocessing4j.ChildProcess;
import multiprocessing4j.internal.platform.ProcessTree;
import multiprocessing4j.internal.platform.TestJvm;

/**
 * Child JVMs for the cross-process tests. {@link #start(Task)} runs a task (a serializable lambda,
 * whose captured handles attach in the child) with {@link ChildProcess}: every cross-process test is
 * thereby also a test of handles captured in lambdas. {@link #startJvm(Task, boolean)} starts a
 * plain JVM instead, for the two things {@code ChildProcess} does not offer a test: a JVM without
 * native access, and reading the child's output; the task is JDK-serialized onto the command line
 * and run by {@link #main}. Tests destroy what they start in a finally.
 */
public final class Children {
    /** What a child runs. */
    @FunctionalInterface
    public interface Task extends Serializable {
        void run() throws Exception;
    }

    private Children() {
    }

    public static void main(String[] args) throws Exception {
        Task task;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(args[0])))) {
            task = (Task) in.readObject();
        }
        try {
            task.run();
        } catch (Throwable t) {
            t.printStackTrace(System.out);
            System.out.flush();
            Runtime.getRuntime().halt(1);
        }
        System.out.flush();
        System.exit(0);
    }

    /** Starts {@code task} in a {@link ChildProcess}; a checked exception it throws fails the child. */
    public static ChildProcess start(Task task) {
        return ChildProcess.start(() -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Waits (bounded) for the child to end and fails with its failure unless it ended with exit code 0. */
    public static void awaitSuccess(ChildProcess child, Duration timeout) throws Exception {
        if (!child.join(timeout)) {
            throw new AssertionError("child did not finish within " + timeout);
        }
        int code = child.exitCode().orElseThrow();
        if (code != 0) {
            throw new AssertionError("child failed with exit code " + code, child.failure().orElse(null));
        }
    }

    /** Kills every child given (null ones skipped), waits for them (bounded) and closes them. */
    public static void destroy(ChildProcess... children) throws InterruptedException {
        for (ChildProcess child : children) {
            if (child != null) {
                child.kill();
                child.join(Duration.ofSeconds(10));
                child.close();
            }
        }
    }

    /** Starts {@code task} in a plain child JVM, with or without native access; its stderr is merged into its stdout. */
    public static Process startJvm(Task task, boolean nativeAccess) throws Exception {
        List<String> options = new ArrayList<>(List.of("-D" + ProcessTree.ROOT_PID_PROPERTY + "=" + ProcessTree.rootPid()));
        if (nativeAccess) {
            options.add("--enable-native-access=ALL-UNNAMED");
        }
        return new ProcessBuilder(TestJvm.command(Children.class, options, encode(task))).redirectErrorStream(true).start();
    }

    /** Kills a plain child JVM and its descendants and waits for them (bounded). */
    public static void destroy(Process child) throws InterruptedException {
        TestJvm.destroy(child);
    }

    /** Polls {@code condition} until it holds; fails after {@code timeout}. */
    public static void awaitCondition(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(2);
        }
    }

    /** Waits (bounded) until {@code thread} blocks, waits or ends. */
    public static void awaitBlocked(Thread thread) throws InterruptedException {
        awaitCondition(() -> thread.getState() != Thread.State.NEW && thread.getState() != Thread.State.RUNNABLE
                || isInFutexWait(thread), Duration.ofSeconds(10), "thread " + thread.getName() + " to block");
    }

    /** A thread in a futex wait shows as RUNNABLE (native code): recognise it from its stack. */
    private static boolean isInFutexWait(Thread thread) {
        for (StackTraceElement e : thread.getStackTrace()) {
            if (e.getClassName().endsWith(".Futex") && (e.getMethodName().equals("futexWait") || e.getMethodName().equals("pollWait"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * CPU time (user + system) a platform thread of this JVM used, in nanoseconds, from
     * {@code /proc/self/task/<tid>/stat} (clock-tick resolution, 10 ms). The thread is found by its
     * name, which must be unique and at most 15 characters (the kernel's limit).
     */
    public static long cpuNanos(Thread thread) throws Exception {
        String name = thread.getName();
        if (name.length() > 15) {
            throw new IllegalArgumentException("thread name too long for /proc: " + name);
        }
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                String comm;
                try {
                    comm = Files.readString(task.resolve("comm")).strip();
                } catch (java.io.IOException gone) {
                    continue;
                }
                if (comm.equals(name)) {
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    // fields 14 and 15 (utime, stime) are f[11] and f[12]; USER_HZ is 100 on Linux
                    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
                }
            }
        }
        throw new IllegalStateException("no thread named " + name + " in /proc/self/task");
    }

    static byte[] serialize(Object o) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    @SuppressWarnings("unchecked")
    static <T> T copy(T o) throws Exception {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(serialize(o)))) {
            return (T) in.readObject();
        }
    }

    private static String encode(Task task) throws Exception {
        return Base64.getEncoder().encodeToString(serialize(task));
    }
}
