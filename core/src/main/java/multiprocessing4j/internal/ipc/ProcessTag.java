package multiprocessing4j.internal.ipc;

import multiprocessing4j.internal.platform.Pids;
import multiprocessing4j.internal.platform.ProcessTree;

/**
 * A process identity that fits one 64-bit word of shared memory, so that "who holds this" can be
 * written in one store and checked later even after the pid was reused: the pid in the top
 * {@value #PID_BITS} bits, the low bits of its {@link Pids#startTime(long) start time} below.
 * {@code 0} means nobody.
 */
final class ProcessTag {
    static final int PID_BITS = 22;
    private static final int START_BITS = Long.SIZE - PID_BITS;
    private static final long START_MASK = (1L << START_BITS) - 1;

    /** This process's tag. */
    static final long SELF = of(ProcessTree.selfPid(), Pids.selfStartTime());

    private ProcessTag() {
    }

    static long of(long pid, long startTime) {
        if (pid <= 0 || pid >= 1L << PID_BITS) {
            throw new IllegalStateException("pid " + pid + " does not fit the " + PID_BITS + "-bit field of a process tag");
        }
        return pid << START_BITS | (startTime & START_MASK);
    }

    static long pid(long tag) {
        return tag >>> START_BITS;
    }

    /** Whether the process the tag names has ended (or its pid now belongs to another process). {@code 0} is never dead. */
    static boolean isDead(long tag) {
        if (tag == 0) {
            return false;
        }
        long start = Pids.startTime(pid(tag));
        return start == Pids.NO_PROCESS || (start & START_MASK) != (tag & START_MASK);
    }
}
