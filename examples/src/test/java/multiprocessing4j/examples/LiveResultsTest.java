package multiprocessing4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class LiveResultsTest {
    private static final Pattern SUM = Pattern.compile(
            "a \\+ b = (\\d+\\.\\d+) \\+ 2\\.5 = (\\d+\\.\\d+) .*version (\\d+), (\\d+\\.\\d) s old");

    @Test
    void printsTheSumWithTheNewestEstimateAndItsAgeThenStops() throws Exception {
        // when the demo runs briefly with short periods
        ExampleJvm.Run run = ExampleJvm.run(LiveResults.class, Duration.ofSeconds(90),
                "--publish-every", "0.5", "--print-every", "0.3", "--b", "2.5", "--seconds", "6");

        // then the printer printed a + b lines whose a approaches pi, whose versions never go back,
        // and the demo ended by itself
        assertEquals(0, run.exitCode(), run.output());
        Matcher m = SUM.matcher(run.output());
        long lastVersion = 0;
        int lines = 0;
        while (m.find()) {
            double a = Double.parseDouble(m.group(1));
            double sum = Double.parseDouble(m.group(2));
            long version = Long.parseLong(m.group(3));
            assertEquals(a + 2.5, sum, 1e-7, m.group());
            assertEquals(Math.PI, a, 0.05, m.group());
            assertTrue(version >= lastVersion, "versions went back: " + m.group());
            lastVersion = version;
            lines++;
        }
        assertTrue(lines >= 2, "expected a + b lines:\n" + run.output());
        assertTrue(lastVersion >= 2, "expected several estimates:\n" + run.output());
        assertTrue(run.output().contains("printer: waiting for the first estimate"), run.output());
        assertTrue(run.output().contains("live: stopped after"), run.output());
    }

    @Test
    void badOptionsAreReportedWithTheUsage() throws Exception {
        ExampleJvm.Run run = ExampleJvm.run(LiveResults.class, Duration.ofSeconds(60), "--print-every", "soon");

        assertTrue(run.exitCode() != 0);
        assertTrue(run.output().contains("--print-every takes a number, got 'soon'"), run.output());
    }

    @Test
    void ctrlCStopsBothProcessesLeavesNothingAndExitsWith130() throws Exception {
        // given the demo running until interrupted, having printed a sum
        Path output = Files.createTempFile("mp4j-live-", ".out");
        Process demo = ExampleJvm.start(LiveResults.class, output, "--publish-every", "0.5", "--print-every", "0.3");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(output, StandardCharsets.UTF_8).contains("a + b = ")) {
                assertTrue(demo.isAlive(), "the demo ended early:\n" + Files.readString(output, StandardCharsets.UTF_8));
                assertTrue(System.nanoTime() < deadline, "no a + b line within 60 s:\n"
                        + Files.readString(output, StandardCharsets.UTF_8));
                Thread.sleep(50);
            }
            // The JVM is the child of env, which exec'd it: same pid.
            long pid = demo.pid();
            List<ProcessHandle> children = demo.descendants().toList();
            assertTrue(children.size() >= 2, "expected the computer and printer JVMs");

            // when it gets SIGINT, as from Ctrl+C
            new ProcessBuilder("kill", "-INT", Long.toString(pid)).start().waitFor();

            // then it exits with 130, its children are gone, and nothing of its tree is left in /dev/shm
            assertTrue(demo.waitFor(30, TimeUnit.SECONDS), "the demo did not stop on SIGINT");
            String out = Files.readString(output, StandardCharsets.UTF_8);
            assertEquals(130, demo.exitValue(), out);
            assertTrue(out.contains("live: interrupted, stopping both processes"), out);
            for (ProcessHandle child : children) {
                child.onExit().completeOnTimeout(child, 10, TimeUnit.SECONDS).join();
                assertTrue(!child.isAlive(), "child " + child.pid() + " still runs 10 s after the demo ended");
            }
            long leftDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!ExampleJvm.shmFilesOf(pid).isEmpty() && System.nanoTime() < leftDeadline) {
                Thread.sleep(50);
            }
            assertEquals(List.of(), ExampleJvm.shmFilesOf(pid));
        } finally {
            ExampleJvm.destroy(demo);
            Files.deleteIfExists(output);
        }
    }
}
