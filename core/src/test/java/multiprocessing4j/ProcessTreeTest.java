package multiprocessing4j;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A process tree across JVMs: no orphans when a parent is killed, daemon and non-daemon children at a
 * parent's normal exit. The parent under test is a separate JVM ({@link TreeScenario}).
 */
@ExtendWith(NoLeftoverProcesses.class)
@Timeout(90)
class ProcessTreeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Process startScenario(String mode) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        return new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), TreeScenario.class.getName(), mode, dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("scenario.log").toFile())
                .start();
    }

    private static List<Long> pids(String line) {
        return Arrays.stream(line.split(" ")).map(Long::parseLong).toList();
    }

    /**
     * Whether the process has ended. A zombie has ended: an orphan is reaped by whoever adopted it (here
     * the machine's init, which reaps lazily), and ProcessHandle.isAlive still says true until then.
     */
    private static boolean gone(long pid) {
        return !multiprocessing4j.internal.platform.Pids.isAlive(pid);
    }

    /** The process's state letter from /proc (R, S, Z, ...), for failure messages. */
    private static String state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return pid + ":" + stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        } catch (IOException e) {
            return pid + ":gone";
        }
    }

    /** The runtime's socket directories of the JVM with this pid: the scenario JVM's temporary directory is /tmp. */
    private static List<Path> socketDirectories(long pid) {
        try (var dirs = Files.newDirectoryStream(Path.of("/tmp"), "mp4j-" + pid + "-*")) {
            List<Path> found = new ArrayList<>();
            dirs.forEach(found::add);
            return found;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void childrenAndGrandchildrenOfAParentKilledWithSigkillAreGoneWithinTwoSeconds() throws Exception {
        Process parent = startScenario("orphan");
        try {
            List<Long> tree = new ArrayList<>(pids(Await.line(dir.resolve("children"), WAIT)));
            tree.add(Long.parseLong(Await.line(dir.resolve("grandchild"), WAIT)));

            parent.destroyForcibly();
            assertTrue(parent.waitFor(10, TimeUnit.SECONDS));

            boolean allGone = Await.condition(Duration.ofSeconds(2), () -> tree.stream().allMatch(ProcessTreeTest::gone));
            assertTrue(allGone, "still alive 2 s after the parent's SIGKILL: "
                    + tree.stream().filter(p -> !gone(p)).map(ProcessTreeTest::state).toList() + "; log: " + Files.readString(dir.resolve("scenario.log")));
            assertTrue(Await.condition(Duration.ofSeconds(2), () -> socketDirectories(parent.pid()).isEmpty()),
                    "the killed parent's socket directory outlived it: " + socketDirectories(parent.pid()));
        } finally {
            parent.destroyForcibly();
        }
    }

    @Test
    void atNormalExitTheParentWaitsForNonDaemonChildrenAndTerminatesDaemonOnes() throws Exception {
        Process parent = startScenario("exit");
        try {
            List<Long> children = pids(Await.line(dir.resolve("children"), WAIT));
            long worker = children.get(0);
            long daemon = children.get(1);

            assertTrue(parent.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the parent did not exit");

            assertEquals("done", Await.line(dir.resolve("done"), Duration.ZERO),
                    "the non-daemon child finished its work before the parent exited");
            assertEquals(0, parent.exitValue(), Files.readString(dir.resolve("scenario.log")));
            assertTrue(gone(worker));
            assertTrue(Await.condition(Duration.ofSeconds(2), () -> gone(daemon)), "the daemon child was terminated");
        } finally {
            parent.destroyForcibly();
        }
    }
}
