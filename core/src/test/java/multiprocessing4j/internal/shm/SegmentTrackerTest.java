package multiprocessing4j.internal.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import multiprocessing4j.internal.platform.TestJvm;
import org.junit.jupiter.api.Test;

/**
 * The cleanup guarantee, end to end: real process trees (a root JVM and a child JVM carrying
 * {@code -Dmp4j.root.pid}), killed with SIGKILL or exiting normally.
 */
class SegmentTrackerTest {
    /** What a started tree printed. */
    private record Tree(Process root, long rootPid, long childPid, List<Path> segments) {
    }

    private static Tree startTree(String rootMode, String childMode, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of(rootMode, childMode));
        args.addAll(List.of(more));
        Process root = TestJvm.start(TreeMember.class, List.of(), args.toArray(String[]::new));
        BufferedReader out = TestJvm.reader(root);
        List<Path> segments = new ArrayList<>();
        long childPid = -1;
        int started = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (started < 2 && System.nanoTime() < deadline) {
            String line = out.readLine();
            if (line == null) {
                break;
            }
            if (line.startsWith("SEG ")) {
                segments.add(Path.of("/dev/shm", line.substring(4)));
            } else if (line.startsWith("CHILD ")) {
                childPid = Long.parseLong(line.substring(6));
            } else if (line.startsWith("STARTED ")) {
                started++;
            }
        }
        assertEquals(2, started, "both processes of the tree should have started");
        return new Tree(root, root.pid(), childPid, segments);
    }

    private static void kill(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    private static void awaitGone(List<Path> files, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (files.stream().anyMatch(Files::exists) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(files.stream().noneMatch(Files::exists), "still in /dev/shm: " + files.stream().filter(Files::exists).toList());
    }

    private static void awaitDeath(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static List<Path> withTrackerFiles(Tree tree) {
        List<Path> all = new ArrayList<>(tree.segments());
        all.add(SegmentTracker.lockFile(tree.rootPid()));
        all.add(SegmentTracker.namesFile(tree.rootPid()));
        return all;
    }

    @Test
    void sigkillOfTheRootAndItsChildRemovesEverySegmentOfTheTree() throws Exception {
        Tree tree = null;
        try {
            tree = startTree("kept", "kept");
            assertEquals(4, tree.segments().size());
            assertTrue(tree.segments().stream().allMatch(Files::exists));

            tree.root().destroyForcibly();
            kill(tree.childPid());

            awaitGone(withTrackerFiles(tree), Duration.ofSeconds(10));
        } finally {
            if (tree != null) {
                kill(tree.childPid());
                TestJvm.destroy(tree.root());
            }
        }
    }

    @Test
    void segmentsStayWhileAProcessOfTheTreeStillRunsAfterTheRootDied() throws Exception {
        Tree tree = null;
        try {
            tree = startTree("kept", "kept");
            tree.root().destroyForcibly();
            awaitDeath(tree.rootPid());

            // The tracker looks every 100 ms; give it ten looks in which it must not sweep.
            Thread.sleep(SegmentTracker.POLL_MILLIS * 10L);
            assertTrue(tree.segments().stream().allMatch(Files::exists), "swept while the child still runs");

            kill(tree.childPid());
            awaitGone(withTrackerFiles(tree), Duration.ofSeconds(10));
        } finally {
            if (tree != null) {
                kill(tree.childPid());
                TestJvm.destroy(tree.root());
            }
        }
    }

    @Test
    void aNormalExitUnlinksWhatTheJvmCreatedAndNeverHandedOff() throws Exception {
        Tree tree = null;
        try {
            tree = startTree("private", "kept", "exit");
            Path rootsPrivate = tree.segments().getFirst();
            List<Path> childs = tree.segments().subList(1, tree.segments().size());

            assertTrue(tree.root().waitFor(20, TimeUnit.SECONDS));

            assertFalse(Files.exists(rootsPrivate), "the root's shutdown hook should have unlinked it");
            assertTrue(childs.stream().allMatch(Files::exists), "handed-off segments of a live child must stay");

            kill(tree.childPid());
            awaitGone(withTrackerFiles(tree), Duration.ofSeconds(10));
        } finally {
            if (tree != null) {
                kill(tree.childPid());
                TestJvm.destroy(tree.root());
            }
        }
    }

    @Test
    void aSegmentCreatedByAChildAfterTheRootDiedIsStillRemoved() throws Exception {
        Path report = Files.createTempFile("mp4j-late", ".txt");
        Files.delete(report);
        Process root = TestJvm.start(TreeMember.class, List.of(), "none", "late:" + report);
        long childPid = -1;
        try {
            BufferedReader out = TestJvm.reader(root);
            childPid = Long.parseLong(TestJvm.awaitLine(root, out, "CHILD ", Duration.ofSeconds(30)));
            TestJvm.awaitLine(root, out, "STARTED ", Duration.ofSeconds(30));
            TestJvm.awaitLine(root, out, "STARTED ", Duration.ofSeconds(30));

            root.destroyForcibly();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!(Files.exists(report) && Files.size(report) > 0) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Path late = Path.of("/dev/shm", Files.readString(report).strip());
            assertTrue(Files.exists(late));
            kill(childPid);

            awaitGone(List.of(late, SegmentTracker.lockFile(root.pid()), SegmentTracker.namesFile(root.pid())),
                    Duration.ofSeconds(10));
        } finally {
            kill(childPid);
            TestJvm.destroy(root);
            Files.deleteIfExists(report);
        }
    }
}
