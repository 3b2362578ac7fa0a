package multiprocessing4j.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs an example's main class in a fresh JVM with this JVM's class path, as a user would, and
 * collects its output (children's output included: they share the JVM's stdout).
 */
final class ExampleJvm {
    private ExampleJvm() {
    }

    /** What a run printed and how it ended. */
    record Run(int exitCode, String output, long pid) {
    }

    static List<String> command(Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(
                // A test runner started in the background may ignore SIGINT; the example must see it as a terminal would.
                "env", "--default-signal=INT",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    static Process start(Class<?> main, Path output, String... args) throws IOException {
        return new ProcessBuilder(command(main, args)).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    /** Runs {@code main} to its end (at most {@code timeout}; then it is killed and the test fails). */
    static Run run(Class<?> main, Duration timeout, String... args) throws Exception {
        Path output = Files.createTempFile("mp4j-example-", ".out");
        try {
            Process p = start(main, output, args);
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                destroy(p);
                throw new AssertionError(main.getSimpleName() + " did not end within " + timeout + "; output:\n"
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Run(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8), p.pid());
        } finally {
            Files.deleteIfExists(output);
        }
    }

    static void destroy(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    /** The /dev/shm files of the process tree rooted at {@code pid} (generated names carry the root pid). */
    static List<String> shmFilesOf(long pid) throws IOException {
        try (Stream<Path> files = Files.list(Path.of("/dev/shm"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("mp4j-" + pid + "-")).toList();
        }
    }

    /**
     * Waits (at most {@code timeout}) until nothing of the example run {@code pid} is left: no process of its
     * tree (children carry {@code -Dmp4j.root.pid=PID}) and no /dev/shm file of it; fails naming what is left.
     */
    static void assertLeftNothing(long pid, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> processes = ProcessHandle.allProcesses()
                    .filter(h -> h.info().arguments().stream().flatMap(Stream::of).anyMatch(("-Dmp4j.root.pid=" + pid)::equals))
                    .map(h -> h.pid() + " " + h.info().commandLine().orElse("?"))
                    .toList();
            List<String> files = shmFilesOf(pid);
            if (processes.isEmpty() && files.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("left behind by example run " + pid + ": processes " + processes + ", /dev/shm " + files);
            }
            Thread.sleep(50);
        }
    }
}
