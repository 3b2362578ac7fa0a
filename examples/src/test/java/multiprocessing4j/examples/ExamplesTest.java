package multiprocessing4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
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
    void everyRegisteredDemoNamesAMainClass() throws Exception {
        for (Demos.Demo d : Demos.all()) {
            assertTrue(d.name().matches("[a-z][a-z-]*"), d.name());
            assertTrue(!d.description().isBlank(), d.name());
            d.mainClass().getMethod("main", String[].class);
        }
        assertEquals(LiveResults.class, Demos.find("live").orElseThrow().mainClass());
    }

    @Test
    void everyScenarioOfTheExamplesModuleIsRegisteredOnce() {
        // given the examples of issue 7, by the name mp4j demo runs them under
        Map<String, Class<?>> expected = Map.ofEntries(
                Map.entry("live", LiveResults.class), Map.entry("hello", StartAndJoin.class),
                Map.entry("child-exception", ChildException.class), Map.entry("queue-exception", QueueException.class),
                Map.entry("queue", QueueBetweenProcesses.class),
                Map.entry("pool-map", PoolSquares.class), Map.entry("apply-async", ApplyAsyncCallbacks.class),
                Map.entry("lock-output", LockedOutput.class), Map.entry("manager-list", ManagerList.class),
                Map.entry("pool-manager-list", PoolManagerList.class), Map.entry("executor", ExecutorSpeedup.class),
                Map.entry("resize-images", ResizeImages.class), Map.entry("batch-downloads", BatchDownloads.class),
                Map.entry("log-analysis", LogAnalysis.class));

        // then the registry holds exactly those, each name once
        Map<String, Class<?>> registered = new HashMap<>();
        for (Demos.Demo d : Demos.all()) {
            assertEquals(null, registered.put(d.name(), d.mainClass()), "registered twice: " + d.name());
        }
        assertEquals(expected, registered);
    }
}
