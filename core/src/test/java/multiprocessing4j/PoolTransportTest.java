package multiprocessing4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import multiprocessing4j.internal.platform.ProcessTree;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How tasks and results travel between a pool and its workers, on both transports: shared-memory rings
 * (the default) and sockets ({@code -Dmp4j.pool.transport=socket}). Frames larger than a ring, deaths
 * while the pool waits on the wire, results written just before a death, and the rings' shared memory.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
@ExtendWith(NoLeftoverProcesses.class)
class PoolTransportTest {
    private static final String TRANSPORT = "mp4j.pool.transport";

    @TempDir
    Path dir;
    private String transportBefore;

    @BeforeEach
    void saveTransport() {
        transportBefore = System.getProperty(TRANSPORT);
    }

    /** Workers launched from now on in this test (replacements too) use {@code transport}. */
    static void use(String transport) {
        System.setProperty(TRANSPORT, transport);
    }

    @AfterEach
    void restoreTransport() {
        if (transportBefore == null) {
            System.clearProperty(TRANSPORT);
        } else {
            System.setProperty(TRANSPORT, transportBefore);
        }
    }

    static ProcessPool onePool(String transport) {
        use(transport);
        return ProcessPool.builder().processes(1).build();
    }

    static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        return bytes;
    }

    @ParameterizedTest
    @ValueSource(strings = {"shm", "socket"})
    void aResultLargerThanTheRingsArrivesWhole(String transport) {
        // given: a result of 6 MiB, far more than a ring holds (it travels in fragments)
        try (ProcessPool pool = onePool(transport)) {
            // when
            byte[] result = pool.apply(() -> pattern(6 << 20));
            // then
            assertArrayEquals(pattern(6 << 20), result);
            assertEquals(1, pool.apply(() -> 1), "the wire goes on after it");
            long worker = pool.workerPids().get(0);
            assertEquals(transport.equals("shm"), mapsAnUnlinkedSegment(worker), "the worker's wire is " + transport);
            // (with the runtime's link on a socket, or the direct launcher's workers, there are sockets anyway)
            if (!"socket".equals(System.getProperty("mp4j.link")) && !"direct".equals(System.getProperty("mp4j.pool.launcher"))) {
                assertEquals(transport.equals("socket"), holdsASocket(worker),
                        "a worker on the rings has no connection to its pool but the runtime's link (FIFOs)");
            }
        }
    }

    /** Whether the process has a socket open. */
    static boolean holdsASocket(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException gone) {
                    return false;
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"shm", "socket"})
    void anInitializerLargerThanTheRingsReachesEveryWorker(String transport) {
        // given: an initializer carrying 1 MiB, four times a ring (its INIT is written before the worker attaches)
        byte[] big = pattern(1 << 20);
        long expected = checksum(big);
        use(transport);
        try (ProcessPool pool = ProcessPool.builder().processes(2)
                .initializer(() -> System.setProperty("mp4j.test.big", Long.toString(checksum(big)))).build()) {
            // then: each worker ran it whole before its tasks
            List<String> seen = pool.map(x -> {
                PoolFaultsTest.sleep(50);
                return System.getProperty("mp4j.test.big");
            }, List.of(1, 2, 3, 4), 1);
            assertEquals(List.of(expected, expected, expected, expected), seen.stream().map(Long::parseLong).toList());
        }
    }

    /** Whether the process maps a segment file whose name was unlinked (as a worker's rings are). */
    static boolean mapsAnUnlinkedSegment(long pid) {
        try (Stream<String> maps = Files.lines(Path.of("/proc", Long.toString(pid), "maps"))) {
            return maps.anyMatch(line -> line.contains("/dev/shm/mp4j-") && line.endsWith("(deleted)"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"shm", "socket"})
    void anArgumentLargerThanTheRingsArrivesWhole(String transport) {
        try (ProcessPool pool = onePool(transport)) {
            byte[] argument = pattern(5 << 20);
            long expected = checksum(argument);
            assertEquals(expected, pool.<byte[], Long>apply(PoolTransportTest::checksum, argument));
            assertEquals(List.of(expected, 3L), pool.map(a -> a.length == 3 ? 3L : checksum(a),
                    List.of(argument, new byte[3]), 1), "large and small chunks in one map");
        }
    }

    static long checksum(byte[] bytes) {
        long sum = 0;
        for (int i = 0; i < bytes.length; i++) {
            sum = sum * 31 + bytes[i];
        }
        return sum;
    }

    @ParameterizedTest
    @ValueSource(strings = {"shm", "socket"})
    void aWorkerKilledWhileThePoolWaitsForItsResultFailsThatTaskAndIsReplaced(String transport) throws Exception {
        // given: a task running, its caller and the pool's reader waiting on the wire
        try (ProcessPool pool = onePool(transport)) {
            Path started = dir.resolve("started-" + transport);
            String path = started.toString();
            AsyncResult<Integer> r = pool.applyAsync(() -> {
                Files.writeString(Path.of(path), Long.toString(ProcessHandle.current().pid()));
                Thread.sleep(60_000);
                return 1;
            });
            PoolFaultsTest.waitUntil("the task started", () -> PoolFaultsTest.size(started) > 0);
            long pid = Long.parseLong(Files.readString(started));
            // when: its worker is killed from outside
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            // then: the waiting call fails with the signal, and the pool goes on
            ExecutionException e = assertThrows(ExecutionException.class, () -> r.get(Duration.ofSeconds(60)));
            WorkerDiedException died = assertInstanceOf(WorkerDiedException.class, e.getCause());
            assertEquals(9, died.signal().orElseThrow());
            assertEquals(2, pool.apply(() -> 2));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"shm", "socket"})
    void everyResultAWorkerSentBeforeItDiedIsDelivered(String transport) {
        // given: one worker that runs 100 one-item tasks and halts in the 51st
        try (ProcessPool pool = onePool(transport)) {
            List<Object> out = new ArrayList<>();
            try (ResultIterator<Integer> it = pool.imap(x -> {
                if (x == 50) {
                    Runtime.getRuntime().halt(9);
                }
                return x;
            }, ProcessPoolTest.range(100), 1)) {
                while (it.hasNext()) {
                    try {
                        out.add(it.next());
                    } catch (WorkerDiedException e) {
                        out.add("died");
                    }
                }
            }
            // then: the 50 results it sent before are there, the rest ran on its replacement
            List<Object> expected = new ArrayList<>(ProcessPoolTest.range(100));
            expected.set(50, "died");
            assertEquals(expected, out);
        }
    }

    /** This JVM's tree's segment files, but for the tracker's own. */
    static Set<String> segmentFiles() {
        String prefix = "mp4j-" + ProcessTree.rootPid() + "-";
        try (Stream<Path> files = Files.list(Path.of("/dev/shm"))) {
            Set<String> names = new TreeSet<>();
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(prefix) && !n.endsWith("-tracker") && !n.endsWith("-names"))
                    .forEach(names::add);
            return names;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theRingsLeaveNoFileInDevShmWhileWorkersRunNorAfterTheyEnd() throws Exception {
        Set<String> before = segmentFiles();
        use("shm");
        ProcessPool pool = ProcessPool.create(2);
        try {
            // given: both workers attached to their rings (each ran a task beside the other)
            Set<Long> pids = new TreeSet<>();
            for (int attempt = 0; attempt < 100 && pids.size() < 2; attempt++) {
                pids.addAll(pool.map(x -> {
                    PoolFaultsTest.sleep(100);
                    return ProcessHandle.current().pid();
                }, List.of(1, 2), 1));
            }
            assertEquals(2, pids.size(), "both workers ran tasks");
            // then: a worker unlinks its segment's name as soon as it attached
            assertEquals(before, segmentFiles(), "no segment file while the workers run");
            // when: one is killed and replaced, then the pool closes
            ProcessHandle.of(pids.iterator().next()).ifPresent(ProcessHandle::destroyForcibly);
            PoolFaultsTest.waitUntil("the killed worker is replaced",
                    () -> pool.workerPids().size() == 2 && !pool.workerPids().containsAll(pids));
            assertEquals(5, pool.apply(() -> 5));
        } finally {
            pool.close();
        }
        assertTrue(pool.join(Duration.ofSeconds(30)));
        assertEquals(before, segmentFiles(), "no segment file after the pool closed");
    }

    @Test
    void aWorkerThatNeverConnectsLeavesNoSegmentBehind() {
        Set<String> before = segmentFiles();
        use("shm");
        try (ProcessPool pool = ProcessPool.builder().processes(1).jvmOptions("-XX:+ThisOptionDoesNotExist").build()) {
            assertThrows(RuntimeException.class, () -> pool.apply(() -> 1));
        }
        assertEquals(before, segmentFiles());
    }
}
