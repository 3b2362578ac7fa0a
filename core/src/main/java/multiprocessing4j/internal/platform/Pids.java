package multiprocessing4j.internal.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Liveness of a process, robust to pid reuse. A pid alone is not an identity: once a process is
 * gone the kernel hands its pid to the next process. A (pid, start time) pair is, because the
 * start time of a pid's current process never repeats. So whoever records "process P owns this"
 * in shared memory records {@link #startTime(long)} with it, and later asks
 * {@link #isAlive(long, long)}.
 *
 * <p>On Linux the start time is field 22 of {@code /proc/<pid>/stat} (clock ticks since boot).
 * Elsewhere it is the start instant {@link ProcessHandle.Info} reports, in milliseconds. Either
 * way it is opaque: compare it only with other values from this class on the same machine.
 * A zombie (exited, not yet reaped) counts as dead.
 */
public final class Pids {
    /** Returned by {@link #startTime(long)} when there is no live process with that pid. */
    public static final long NO_PROCESS = -1;

    private static final boolean PROC = Files.isDirectory(Path.of("/proc/self"));

    private Pids() {
    }

    /** The start time of this JVM's process. */
    public static long selfStartTime() {
        return startTime(ProcessTree.selfPid());
    }

    /**
     * The start time of the process that has {@code pid} now, or {@link #NO_PROCESS} if there is
     * none or it is a zombie.
     */
    public static long startTime(long pid) {
        if (pid <= 0) {
            return NO_PROCESS;
        }
        if (!PROC) {
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .flatMap(h -> h.info().startInstant()).map(i -> i.toEpochMilli()).orElse(NO_PROCESS);
        }
        String stat;
        try {
            stat = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "stat")), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return NO_PROCESS;
        } catch (IOException e) {
            // The process vanished between the directory lookup and the read (ESRCH surfaces as IOException).
            return NO_PROCESS;
        }
        // The command name (field 2) is in parentheses and may itself contain spaces and ')'.
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return NO_PROCESS;
        }
        String[] fields = stat.substring(close + 2).split(" ");
        // fields[0] is field 3 (state), so field 22 (starttime) is fields[19].
        if (fields.length < 20) {
            return NO_PROCESS;
        }
        char state = fields[0].isEmpty() ? '?' : fields[0].charAt(0);
        if (state == 'Z' || state == 'X' || state == 'x') {
            return NO_PROCESS;
        }
        return Long.parseLong(fields[19]);
    }

    /** Whether the process identified by {@code pid} and {@code startTime} still runs (and is not a zombie). */
    public static boolean isAlive(long pid, long startTime) {
        return startTime != NO_PROCESS && startTime(pid) == startTime;
    }

    /** Whether some process (any process) has {@code pid} now; prefer {@link #isAlive(long, long)}. */
    public static boolean isAlive(long pid) {
        return startTime(pid) != NO_PROCESS;
    }
}
