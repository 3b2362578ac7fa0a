package multiprocessing4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class ExamplesTest {
    @Test
    void startAndJoinPrintsEachChildAndItsExitCode() throws Exception {
        ExampleJvm.Run run = ExampleJvm.run(StartAndJoin.class, Duration.ofSeconds(90));

        assertEquals(0, run.exitCode(), run.output());
        for (int i = 1; i <= 3; i++) {
            assertTrue(Pattern.compile("\\[greeter-" + i + " \\d+] hello from greeter-" + i + ", pid \\d+, parent \\d+")
                    .matcher(run.output()).find(), run.output());
        }
        assertTrue(Pattern.compile("greeter-1\\s+pid \\d+\\s+exit code 0").matcher(run.output()).find(), run.output());
        assertTrue(Pattern.compile("greeter-3\\s+pid \\d+\\s+exit code 3").matcher(run.output()).find(), run.output());
    }

    @Test
    void childExceptionReachesTheParentThroughAQueueWithItsClassMessageCauseAndTrace() throws Exception {
        ExampleJvm.Run run = ExampleJvm.run(ChildException.class, Duration.ofSeconds(90));

        assertEquals(0, run.exitCode(), run.output());
        String queued = run.output().substring(run.output().indexOf("1. through a queue:"), run.output().indexOf("2. with the exit:"));
        assertTrue(queued.contains("received multiprocessing4j.examples.ChildException$ConfigurationException: "
                + "setting 'workers=four' is not a number of workers"), queued);
        assertTrue(queued.contains("thrown at: multiprocessing4j.examples.ChildException.parse(ChildException.java:"), queued);
        assertTrue(queued.contains("caused by: java.lang.NumberFormatException: For input string: \"four\""), queued);
        assertTrue(queued.contains("child parser-1 exited with code 0"), queued);
    }

    @Test
    void childExceptionReachesTheParentWithTheExit() throws Exception {
        ExampleJvm.Run run = ExampleJvm.run(ChildException.class, Duration.ofSeconds(90));

        assertEquals(0, run.exitCode(), run.output());
        String exit = run.output().substring(run.output().indexOf("2. with the exit:"));
        assertTrue(exit.contains("child parser-2 exited with code 1"), exit);
        assertTrue(exit.contains("remote exception: multiprocessing4j.examples.ChildException$ConfigurationException: "
                + "setting 'workers=four' is not a number of workers"), exit);
        assertTrue(exit.contains("thrown at: multiprocessing4j.examples.ChildException.parse(ChildException.java:"), exit);
        assertTrue(exit.contains("caused by: java.lang.NumberFormatException: For input string: \"four\""), exit);
    }

    @Test
    void lockedOutputKeepsEachReportWhole() throws Exception {
        ExampleJvm.Run run = ExampleJvm.run(LockedOutput.class, Duration.ofSeconds(90));

        assertEquals(0, run.exitCode(), run.output());
        java.util.List<String> lines = run.output().lines().filter(l -> l.startsWith("worker ")).toList();
        assertEquals(12, lines.size(), run.output());
        for (int i = 0; i < 12; i += 3) {
            String worker = lines.get(i).substring(0, lines.get(i).indexOf(':'));
            assertEquals(worker + ": begin report", lines.get(i), run.output());
            assertTrue(lines.get(i + 1).startsWith(worker + ": pid "), run.output());
            assertEquals(worker + ": end report", lines.get(i + 2), run.output());
        }
        assertTrue(run.output().contains("all 4 reports printed whole"), run.output());
    }

    @Test
    void managerListGetsEveryWorkersItems() throws Exception {
        ExampleJvm.Run run = ExampleJvm.run(ManagerList.class, Duration.ofSeconds(90));

        assertEquals(0, run.exitCode(), run.output());
        for (int w = 1; w <= 4; w++) {
            for (int i = 1; i <= 3; i++) {
                assertTrue(run.output().contains("worker " + w + " item " + i), run.output());
            }
        }
        assertTrue(run.output().contains("12 items appended by 4 processes"), run.output());
    }

    @Test
    void everyRegisteredDemoNamesAMainClass() throws Exception {
        for (Demos.Demo d : Demos.all()) {
            assertTrue(d.name().matches("[a-z][a-z-]*"), d.name());
            assertTrue(!d.description().isBlank(), d.name());
            d.mainClass().getMethod("main", String[].class);
        }
        assertEquals(LiveResults.class, Demos.find("live").orElseThrow().mainClass());
    }
}
