package multiprocessing4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Each scenario example run as a user runs it, in a JVM of its own, with its output checked; and each run
 * leaves no process and no /dev/shm file behind. Waits are bounded and generous: the box may be loaded.
 */
class ScenarioExamplesTest {
    private static final Duration RUN_LIMIT = Duration.ofSeconds(120);
    private static final Duration CLEANUP_LIMIT = Duration.ofSeconds(15);

    private static ExampleJvm.Run runToTheEnd(Class<?> example, String... args) throws Exception {
        ExampleJvm.Run run = ExampleJvm.run(example, RUN_LIMIT, args);
        assertEquals(0, run.exitCode(), run.output());
        ExampleJvm.assertLeftNothing(run.pid(), CLEANUP_LIMIT);
        return run;
    }

    private static List<String> lines(ExampleJvm.Run run, Pattern pattern) {
        return run.output().lines().filter(l -> pattern.matcher(l).matches()).toList();
    }

    @Test
    void queueCarriesMessagesBothWaysBetweenParentAndChild() throws Exception {
        ExampleJvm.Run run = runToTheEnd(QueueBetweenProcesses.class);

        String out = run.output();
        assertTrue(out.contains("from the child: [42, null, hello]"), out);
        for (int n = 1; n <= 3; n++) {
            assertTrue(Pattern.compile("sent " + n + ", got back: " + n + " \\* 2 = " + 2 * n + " \\(pid \\d+\\)")
                    .matcher(out).find(), out);
        }
        assertTrue(out.contains("the child's last word: bye"), out);
        assertTrue(out.contains("child doubler exited with code 0"), out);
    }

    @Test
    void poolMapReturnsTheSquaresInInputOrderComputedInOtherProcesses() throws Exception {
        ExampleJvm.Run run = runToTheEnd(PoolSquares.class);

        assertTrue(run.output().contains("[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]"), run.output());
        assertTrue(Pattern.compile("computed in [1-4] worker process\\(es\\) of 4, none of them this one \\(pid \\d+\\): true")
                .matcher(run.output()).find(), run.output());
    }

    @Test
    void applyAsyncCallbacksRunOnThePoolsResultThreadOncePerTask() throws Exception {
        ExampleJvm.Run run = runToTheEnd(ApplyAsyncCallbacks.class);

        Pattern callback = Pattern.compile("callback: task (\\d) done in worker \\d+ {3}\\(on thread (.+)\\)");
        Pattern errorCallback = Pattern.compile(
                "error callback: task 4 failed with java.lang.IllegalStateException: task 4 could not finish {3}\\(on thread (.+)\\)");
        Set<String> threads = new HashSet<>();
        Set<String> tasks = new HashSet<>();
        for (String line : run.output().lines().toList()) {
            Matcher m = callback.matcher(line);
            if (m.matches()) {
                tasks.add(m.group(1));
                threads.add(m.group(2));
            }
            Matcher e = errorCallback.matcher(line);
            if (e.matches()) {
                threads.add(e.group(1));
            }
        }
        assertEquals(Set.of("0", "1", "2", "3", "5"), tasks, run.output());
        assertEquals(1, threads.size(), "every callback on one thread: " + threads);
        String thread = threads.iterator().next();
        assertFalse(thread.equals("main"), "callbacks run on the pool's result thread, not the caller's");
        // the order the callbacks ran in is the order they printed in, and it is a permutation of the tasks
        Matcher order = Pattern.compile("callbacks ran in completion order: \\[(.+)]").matcher(run.output());
        assertTrue(order.find(), run.output());
        List<String> reported = List.of(order.group(1).split(", "));
        assertEquals(6, reported.size(), run.output());
        assertTrue(reported.contains("task 4 (failed)"), run.output());
        List<String> printed = new ArrayList<>();
        for (String line : run.output().lines().toList()) {
            Matcher m = Pattern.compile("^(?:error )?callback: (?:task (\\d) done|task (\\d) failed)").matcher(line);
            if (m.find()) {
                printed.add(m.group(1) != null ? "task " + m.group(1) : "task " + m.group(2) + " (failed)");
            }
        }
        assertEquals(printed, reported, run.output());
        assertTrue(run.output().contains("successful: 5 of 6"), run.output());
    }

    @Test
    void lockKeepsEachWorkersBlockOfLinesTogether() throws Exception {
        ExampleJvm.Run run = runToTheEnd(LockedOutput.class);

        List<String> report = lines(run, Pattern.compile("worker \\d \\(pid \\d+\\): line \\d of 3"));
        assertEquals(12, report.size(), run.output());
        Set<String> workers = new HashSet<>();
        for (int block = 0; block < 4; block++) {
            String worker = report.get(block * 3).substring(0, report.get(block * 3).indexOf(':'));
            assertTrue(workers.add(worker), "a worker wrote two blocks: " + run.output());
            for (int line = 1; line <= 3; line++) {
                assertEquals(worker + ": line " + line + " of 3", report.get(block * 3 + line - 1),
                        "blocks interleaved:\n" + run.output());
            }
        }
    }

    @Test
    void managerListGetsEveryItemOfTheFourWorkers() throws Exception {
        ExampleJvm.Run run = runToTheEnd(ManagerList.class);

        List<String> items = lines(run, Pattern.compile(" {2}worker \\d item \\d"));
        Set<String> expected = new HashSet<>();
        for (int w = 1; w <= 4; w++) {
            for (int i = 1; i <= 5; i++) {
                expected.add("  worker " + w + " item " + i);
            }
        }
        assertEquals(20, items.size(), run.output());
        assertEquals(expected, new HashSet<>(items), run.output());
        assertTrue(run.output().contains("20 items from 4 workers (4 x 5 expected)"), run.output());
        assertTrue(run.output().contains("sorted copy: first worker 1 item 1, last worker 4 item 5"), run.output());
    }

    @Test
    void childsExceptionsArriveThroughTheQueueWithMessageCauseAndTrace() throws Exception {
        ExampleJvm.Run run = runToTheEnd(QueueException.class);

        String out = run.output();
        assertTrue(out.contains("'42' -> 42"), out);
        assertTrue(out.contains("'17' -> 17"), out);
        assertTrue(out.contains("'x9' -> failed in the child with java.lang.IllegalArgumentException: 'x9' is not a percentage"), out);
        assertTrue(out.contains("caused by java.lang.NumberFormatException: For input string: \"x9\""), out);
        assertTrue(out.contains("'256' -> failed in the child with java.lang.IllegalArgumentException: 256 is more than 100 percent"), out);
        assertEquals(2, lines(run, Pattern.compile(
                " {4}thrown at multiprocessing4j\\.examples\\.QueueException\\.parsePercent\\(QueueException\\.java:\\d+\\) in the child"))
                .size(), out);
        assertEquals(2, lines(run, Pattern.compile(" {4}an IllegalArgumentException here too: true")).size(), out);
        assertTrue(out.contains("child parser exited with code 0"), out);
    }

    @Test
    void resizeImagesMakesAThumbnailOfEachImageAndRemovesItsFolders() throws Exception {
        ExampleJvm.Run run = runToTheEnd(ResizeImages.class, "6");

        Matcher drew = Pattern.compile("drew 6 images of 1600 x 1200 in (\\S+)").matcher(run.output());
        assertTrue(drew.find(), run.output());
        List<String> resized = lines(run, Pattern.compile(
                "photo-0[1-6]\\.jpg {2}1600 x 1200, [\\d,]+ bytes {2}-> {2}320 x 240, [\\d,]+ bytes {2}\\(worker \\d+\\)"));
        assertEquals(6, resized.size(), run.output());
        for (int i = 1; i <= 6; i++) {
            assertTrue(resized.get(i - 1).startsWith("photo-0" + i + ".jpg"), "in input order: " + run.output());
        }
        assertTrue(Pattern.compile("resized 6 images with \\d+ worker processes in \\d+ ms \\(pool start-up included\\): "
                + "[\\d,]+ bytes -> [\\d,]+ bytes").matcher(run.output()).find(), run.output());
        assertFalse(Files.exists(Path.of(drew.group(1)).getParent()), "temporary folder left: " + drew.group(1));
    }

    @Test
    void resizeImagesRejectsABadCount() throws Exception {
        ExampleJvm.Run run = ExampleJvm.run(ResizeImages.class, RUN_LIMIT, "many");

        assertTrue(run.exitCode() != 0, run.output());
        assertTrue(run.output().contains("the count must be a whole number, got 'many'"), run.output());
    }

    @Test
    void executorAnswersLikeTheSequentialRunAndPrintsBothTimesAndTheSpeedUp() throws Exception {
        ExampleJvm.Run run = runToTheEnd(ExecutorSpeedup.class);

        String out = run.output();
        for (long n : ExecutorSpeedup.NUMBERS) {
            assertTrue(out.contains(n + " is prime: true"), out);
        }
        assertTrue(out.contains("same answers both ways: true"), out);
        assertTrue(Pattern.compile("one after another in this JVM: +\\d+ ms").matcher(out).find(), out);
        assertTrue(Pattern.compile("\\d worker processes: +\\d+ ms \\(and \\d+ ms before, to start them\\)").matcher(out).find(), out);
        // a shape, never a figure: the box may be loaded
        assertTrue(Pattern.compile("speed-up: \\d+\\.\\d\\dx \\(at best \\d\\.\\d\\dx: 5 tasks in \\d rounds of \\d workers\\)")
                .matcher(out).find(), out);
    }

    @Test
    void poolWorkersAppendToTheManagersListOncePerTask() throws Exception {
        ExampleJvm.Run run = runToTheEnd(PoolManagerList.class);

        String out = run.output();
        assertTrue(out.contains("results, in input order: [1, 4, 9, 16, 25, 36, 49, 64, 81, 100, 121, 144, 169, 196, 225, "
                + "256, 289, 324, 361, 400]"), out);
        assertTrue(out.contains("the manager's list has 20 lines"), out);
        Pattern logLine = Pattern.compile(" {2}worker (\\d+): (\\d+) squared is (\\d+)");
        Set<Integer> seen = new HashSet<>();
        Set<String> workers = new HashSet<>();
        for (String line : out.lines().toList()) {
            Matcher m = logLine.matcher(line);
            if (m.matches()) {
                int x = Integer.parseInt(m.group(2));
                assertEquals(x * x, Integer.parseInt(m.group(3)), line);
                assertTrue(seen.add(x), "logged twice: " + line);
                workers.add(m.group(1));
            }
        }
        assertEquals(20, seen.size(), out);
        assertFalse(workers.contains(String.valueOf(run.pid())), "tasks ran in workers, not in the example's JVM");
        Matcher perWorker = Pattern.compile("tasks per worker: \\{(.+)}").matcher(out);
        assertTrue(perWorker.find(), out);
        int total = 0;
        for (String entry : perWorker.group(1).split(", ")) {
            total += Integer.parseInt(entry.substring(entry.indexOf('=') + 1));
        }
        assertEquals(20, total, out);
    }
}
