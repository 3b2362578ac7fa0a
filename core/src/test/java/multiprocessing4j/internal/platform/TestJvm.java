package multiprocessing4j.internal.platform;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a test main class in a fresh JVM with this JVM's class path, for tests that need a second
 * process before the runtime's {@code ChildProcess} exists. Callers destroy what they start in a
 * {@code finally}.
 */
public final class TestJvm {
    private TestJvm() {
    }

    /** The java launcher of this JVM. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A command line running {@code main} with {@code jvmOptions} and {@code args}. */
    public static List<String> command(Class<?> main, List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.add("-Xshare:auto");
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }

    /** Starts {@code main} with native access enabled; stderr is merged into stdout. */
    public static Process start(Class<?> main, List<String> jvmOptions, String... args) throws IOException {
        List<String> options = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED"));
        options.addAll(jvmOptions);
        return new ProcessBuilder(command(main, options, args)).redirectErrorStream(true).start();
    }

    /** Reads lines of {@code process}'s output until one starts with {@code prefix}; fails after {@code timeout}. */
    public static String awaitLine(Process process, BufferedReader out, String prefix, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            if (out.ready()) {
                String line = out.readLine();
                if (line == null) {
                    break;
                }
                if (line.startsWith(prefix)) {
                    return line.substring(prefix.length());
                }
                seen.append(line).append('\n');
            } else {
                // Not ending on the process's death: a child sharing its output may still write.
                Thread.sleep(5);
            }
        }
        throw new AssertionError("no line starting with '" + prefix + "' within " + timeout + "; output was:\n" + seen);
    }

    /** A reader over the process's (merged) output. */
    public static BufferedReader reader(Process process) {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Kills the process and its descendants and waits for them (bounded). */
    public static void destroy(Process process) throws InterruptedException {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    }
}
