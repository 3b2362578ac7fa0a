package multiprocessing4j.internal.shm;

import java.io.File;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import multiprocessing4j.internal.platform.Pids;
import multiprocessing4j.internal.platform.ProcessTree;

/**
 * The process that removes a process tree's shared segments once the whole tree is gone, however
 * it ended (normal exit, exception, SIGKILL of any process including the root). Python's
 * {@code resource_tracker}, redesigned so that it cannot itself be the leak.
 *
 * <p><b>Lifecycle.</b> The first JVM of a tree that creates a segment starts one tracker for the
 * tree (root pid R): a lean JVM ({@code -Xshare:auto -XX:+UseSerialGC -XX:TieredStopAtLevel=1
 * -Xmx16m}) running this class's {@link #main} on this library's code location only, started
 * through {@code setsid --fork}: in its own session, so that a terminal's Ctrl-C or hang-up aimed
 * at the tree does not reach it, and reparented away from the tree, so that it is neither a child
 * that dies with its parent nor a descendant that a tree-wide kill reaches. It holds an exclusive
 * lock on {@code /dev/shm/mp4j-R-tracker}; a second tracker for the same tree sees the lock and
 * exits at once, and a JVM creating a segment starts a tracker only when no one holds that lock.
 *
 * <p><b>Watching.</b> Every {@value #POLL_MILLIS} ms it checks whether R (pid and start time, so pid
 * reuse cannot fool it) is alive. Once R is gone it waits until no process has
 * {@code -Dmp4j.root.pid=R} as a command-line argument (read from {@code /proc/<pid>/cmdline}):
 * the runtime's contract is that every child JVM of the tree carries it. Then it sweeps and exits;
 * it never outlives its tree by more than a poll interval.
 *
 * <p><b>Sweeping.</b> It unlinks every {@code /dev/shm/mp4j-R-*} file whose header (if it has one)
 * names R with R's start time, and every user-named segment listed in {@code /dev/shm/mp4j-R-names}
 * (appended to by every creator of the tree) whose header names R with R's start time; the list,
 * and the lock file last.
 */
public final class SegmentTracker {
    /** How often the tracker looks at the tree. */
    public static final int POLL_MILLIS = 100;

    private static final String ROOT_ARG = "-D" + ProcessTree.ROOT_PID_PROPERTY + "=";
    private static volatile boolean ensured;

    private SegmentTracker() {
    }

    /** The start time of this tree's root, as recorded in segment headers. */
    static long rootStartTime() {
        return ProcessTree.rootStartTime();
    }

    static Path lockFile(long rootPid) {
        return SharedSegment.SHM_DIR.resolve(SharedSegment.PREFIX + rootPid + "-tracker");
    }

    static Path namesFile(long rootPid) {
        return SharedSegment.SHM_DIR.resolve(SharedSegment.PREFIX + rootPid + "-names");
    }

    /**
     * Makes sure a tracker watches this JVM's tree; cheap after the first call in a JVM. Called by
     * {@link SharedSegment#create} before the file exists, so no segment is ever untracked.
     */
    static void ensureRunning() {
        if (ensured) {
            return;
        }
        synchronized (SegmentTracker.class) {
            if (ensured) {
                return;
            }
            long root = ProcessTree.rootPid();
            if (!isTrackerRunning(root)) {
                start(root, rootStartTime());
            }
            ensured = true;
        }
    }

    /** Whether some process holds the tracker lock of the tree rooted at {@code rootPid}. */
    static boolean isTrackerRunning(long rootPid) {
        // Never creates the lock file: only a tracker does, and it removes the file when it is done, so a
        // check made after a tracker finished must not leave a file behind in /dev/shm.
        try (FileChannel channel = FileChannel.open(lockFile(rootPid), StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new IllegalStateException("cannot check the shared-memory tracker lock " + lockFile(rootPid), e);
        }
    }

    private static void start(long rootPid, long rootStart) {
        String codeLocation;
        try {
            codeLocation = Path.of(SegmentTracker.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            throw new IllegalStateException("cannot find this library's code location to start the shared-memory tracker", e);
        }
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            // New session (no terminal signals) and forked away, so the tracker is not among this
            // JVM's descendants: whoever kills a tree's processes by ancestry does not kill it.
            command.add("/usr/bin/setsid");
            command.add("--fork");
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xshare:auto", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx16m", "-Xss512k",
                "-XX:-UsePerfData", "-cp", codeLocation, SegmentTracker.class.getName(),
                Long.toString(rootPid), Long.toString(rootStart)));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the shared-memory tracker (" + command.get(0) + "): " + e.getMessage(), e);
        }
    }

    /** Appends a user-chosen segment name to the tree's list, so the tracker can find it. */
    static void recordUserName(String name) {
        Path list = namesFile(ProcessTree.rootPid());
        try (FileChannel channel = FileChannel.open(list, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            // One short O_APPEND write: lines from concurrent creators never interleave.
            channel.write(ByteBuffer.wrap((name + "\n").getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot record shared segment name in " + list, e);
        }
    }

    /**
     * Tracker entry point: {@code <rootPid> <rootStartTime>}.
     */
    public static void main(String[] args) throws Exception {
        long root = Long.parseLong(args[0]);
        long start = Long.parseLong(args[1]);
        Path lockPath = lockFile(root);
        try (FileChannel channel = FileChannel.open(lockPath, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
             FileLock lock = channel.tryLock()) {
            if (lock == null) {
                return;
            }
            while (Pids.isAlive(root, start)) {
                Thread.sleep(POLL_MILLIS);
            }
            while (treeHasLiveProcess(root)) {
                Thread.sleep(POLL_MILLIS);
            }
            sweep(root, start);
        }
    }

    /** Whether a process other than this one carries {@code -Dmp4j.root.pid=<rootPid>}. */
    static boolean treeHasLiveProcess(long rootPid) throws IOException {
        byte[] marker = (ROOT_ARG + rootPid).getBytes(StandardCharsets.US_ASCII);
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path proc : procs) {
                String pid = proc.getFileName().toString();
                if (pid.isEmpty() || !Character.isDigit(pid.charAt(0)) || pid.equals(Long.toString(self))) {
                    continue;
                }
                byte[] cmdline;
                try {
                    cmdline = Files.readAllBytes(proc.resolve("cmdline"));
                } catch (IOException gone) {
                    continue;
                }
                if (hasArgument(cmdline, marker)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean hasArgument(byte[] cmdline, byte[] argument) {
        int i = 0;
        while (i < cmdline.length) {
            int end = i;
            while (end < cmdline.length && cmdline[end] != 0) {
                end++;
            }
            if (end - i == argument.length && java.util.Arrays.equals(cmdline, i, end, argument, 0, argument.length)) {
                return true;
            }
            i = end + 1;
        }
        return false;
    }

    /** Unlinks what the tree rooted at ({@code rootPid}, {@code rootStart}) left behind. */
    static void sweep(long rootPid, long rootStart) throws IOException {
        Path names = namesFile(rootPid);
        try {
            for (String name : Files.readAllLines(names, StandardCharsets.US_ASCII)) {
                try {
                    SharedSegment.checkName(name);
                } catch (IllegalArgumentException e) {
                    continue;
                }
                Path p = SharedSegment.SHM_DIR.resolve(name);
                if (belongsTo(p, rootPid, rootStart, false)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (NoSuchFileException none) {
            // No user-named segments in this tree.
        }
        String prefix = SharedSegment.PREFIX + rootPid + "-";
        Path lock = lockFile(rootPid);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(SharedSegment.SHM_DIR, prefix + "*")) {
            for (Path p : files) {
                if (!p.equals(lock) && !p.equals(names) && belongsTo(p, rootPid, rootStart, true)) {
                    Files.deleteIfExists(p);
                }
            }
        }
        Files.deleteIfExists(names);
        Files.deleteIfExists(lock);
    }

    /**
     * Whether the file's header names this tree. A file without a complete header counts as the
     * tree's only when its name is generated ({@code headerless}): a creator died between creating
     * and initialising it.
     */
    private static boolean belongsTo(Path p, long rootPid, long rootStart, boolean headerless) {
        try (FileChannel channel = FileChannel.open(p, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(SegmentDescriptor.HEADER_LENGTH).order(ByteOrder.nativeOrder());
            while (header.hasRemaining() && channel.read(header) > 0) {
                // Read the whole header.
            }
            MemorySegment h = MemorySegment.ofBuffer(header.flip());
            if (h.byteSize() < SegmentDescriptor.HEADER_LENGTH
                    || h.get(ValueLayout.JAVA_LONG_UNALIGNED, SegmentDescriptor.MAGIC_OFFSET) != SegmentDescriptor.MAGIC) {
                return headerless;
            }
            long headerStart = h.get(ValueLayout.JAVA_LONG_UNALIGNED, SegmentDescriptor.ROOT_START_TIME_OFFSET);
            // A process that created a segment after its root had died could not read the root's
            // start time (NO_PROCESS); its segment is still this tree's.
            return h.get(ValueLayout.JAVA_LONG_UNALIGNED, SegmentDescriptor.ROOT_PID_OFFSET) == rootPid
                    && (headerStart == rootStart || headerStart == Pids.NO_PROCESS || rootStart == Pids.NO_PROCESS);
        } catch (IOException e) {
            return false;
        }
    }
}
