package multiprocessing4j.internal.platform;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.time.Duration;

/**
 * Wait and wake on a 32-bit word in shared memory, across threads and processes: Linux's futex,
 * called through the FFM API. This is the one blocking mechanism every cross-process primitive
 * uses; each primitive keeps its state in a shared-memory cell and calls
 * {@link #awaitChange(MemorySegment, long, int, long)} to block until a word of that cell changes
 * and {@link #wake(MemorySegment, long, int)} after changing it.
 *
 * <pre>{@code
 * // waiter                                        // signaller
 * int seen = (int) Futex.INT.getAcquire(cell, 0L);  Futex.INT.setRelease(cell, 0L, seen + 1);
 * while (seen == state I wait to leave)            Futex.wakeAll(cell, 0L);
 *     Futex.awaitChange(cell, 0L, seen, timeoutNanos);
 * }</pre>
 *
 * <p><b>Protocol.</b> {@code wait(w, expected)} blocks only if the word still holds
 * {@code expected} when the kernel looks (atomically with enqueueing the waiter), so a waker that
 * changes the word <em>then</em> calls {@code wake} can never be missed. Waits may return
 * spuriously: callers always re-read the word and loop. The shared (non-private) futex operations
 * are used: the private ones key the wait on this process's address space and silently reach
 * nobody in another process.
 *
 * <p><b>Interruption.</b> A thread blocked in the futex system call cannot be woken by
 * {@link Thread#interrupt()} (the JDK has no hook to turn an interrupt into a futex wake). So a
 * wait is split into slices of at most {@value #MAX_SLICE_MILLIS} ms; between slices the interrupt
 * flag is checked and {@link InterruptedException} thrown. Interruption is therefore noticed
 * within {@value #MAX_SLICE_MILLIS} ms, and an idle waiter costs one system call per slice
 * (20 per second, no measurable CPU). Waking the waiter explicitly on interrupt would need every
 * interrupter to know the word the thread waits on, which the JDK cannot tell us.
 *
 * <p><b>Virtual threads.</b> A futex wait is a native call, so a virtual thread blocked in it pins
 * its carrier for one slice at a time; in the polling fallback it unmounts (it sleeps).
 *
 * <p><b>Spin, then block.</b> Waking a process on another CPU costs about 25 µs here, while a
 * shared-memory round trip between two running processes costs about 0.1 µs. So
 * {@code awaitChange} first spins with {@link Thread#onSpinWait()} for a short, per-thread adaptive
 * time (longer after spins that paid off, shorter after spins that did not, none on a single CPU),
 * then blocks. {@code LockSupport.parkNanos} polling is never used (50 µs timer slack).
 *
 * <p><b>Without native access.</b> If this module is not allowed native access
 * ({@code --enable-native-access=ALL-UNNAMED}, or the module's name, or the jar manifest's
 * {@code Enable-Native-Access}), or the platform is not Linux on x86-64 or AArch64, the class still
 * works: {@code wait} polls the word with a backoff from a few microseconds up to one millisecond,
 * and {@code wake} does nothing. Wake-ups are then slower (up to a millisecond) but never lost.
 * This is decided once, when the class initialises, and logged once as a warning. Mixing modes
 * works but is slow: a JVM in the fallback cannot wake a native waiter in another JVM, which then
 * notices the change only at the end of its current slice (up to {@value #MAX_SLICE_MILLIS} ms);
 * the runtime therefore starts every child with native access.
 *
 * <p><b>Memory consistency.</b> The futex calls themselves order nothing for Java: callers publish
 * state with release writes (or volatile/atomic access) before {@code wake} and read it with
 * acquire reads after a wait returns; {@link #INT} gives those accesses.
 */
public final class Futex {
    /** Longest single futex wait, so that interruption is noticed; see the class comment. */
    public static final int MAX_SLICE_MILLIS = 50;

    /** {@code wait} result: woken by {@code wake}, or spuriously; re-read the word. */
    public static final int WOKEN = 0;
    /** {@code wait} result: the word did not hold the expected value (any more). */
    public static final int VALUE_CHANGED = 1;
    /** {@code wait} result: the timeout elapsed with the word still holding the expected value. */
    public static final int TIMED_OUT = 2;

    /** Pass as {@code waitersOffset} to keep no waiter count. */
    public static final long NO_WAITER_COUNT = -1;

    /** Access to 32-bit words: coordinates {@code (MemorySegment, long offset)}; use its acquire/release/CAS modes. */
    public static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private static final System.Logger LOG = System.getLogger("multiprocessing4j.platform");

    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int EFAULT = 14;
    private static final int ETIMEDOUT = 110;

    private static final long MAX_SLICE_NANOS = MAX_SLICE_MILLIS * 1_000_000L;
    private static final long MAX_SPIN_NANOS = 20_000;
    private static final long MIN_SPIN_NANOS = 500;
    private static final boolean MULTI_CPU = Runtime.getRuntime().availableProcessors() > 1;

    private static final long SYS_FUTEX;
    private static final MethodHandle SYSCALL;
    private static final StructLayout CAPTURE_LAYOUT;
    private static final VarHandle ERRNO;
    private static final String FALLBACK_REASON;

    static {
        String arch = System.getProperty("os.arch", "");
        long nr = switch (arch) {
            case "amd64", "x86_64" -> 202;
            case "aarch64" -> 98;
            default -> -1;
        };
        String reason = NativeAccess.unavailableReason();
        if (reason == null && nr < 0) {
            reason = "the futex system call number is not known for " + arch;
        }
        MethodHandle syscall = null;
        if (reason == null) {
            try {
                // long syscall(long number, ...): variadic after the first argument. Every argument is
                // passed as a 64-bit value, which is what glibc's syscall() reads them as.
                syscall = linkSyscall(Linker.nativeLinker());
            } catch (RuntimeException | LinkageError e) {
                reason = "linking the syscall function failed: " + e;
            }
        }
        SYS_FUTEX = nr;
        SYSCALL = syscall;
        CAPTURE_LAYOUT = syscall == null ? null : NativeAccess.ERRNO_CAPTURE;
        ERRNO = NativeAccess.ERRNO;
        FALLBACK_REASON = reason;
        if (reason != null) {
            LOG.log(System.Logger.Level.WARNING, "multiprocessing4j: futex wait/wake unavailable (" + reason
                    + "); cross-process waits fall back to polling, with slower wake-ups");
        }
    }

    /** Only called once native access is known to be enabled, so the restricted call cannot warn. */
    @SuppressWarnings("restricted")
    private static MethodHandle linkSyscall(Linker linker) {
        return linker.downcallHandle(
                linker.defaultLookup().find("syscall").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG),
                Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
    }

    /** Per-thread native scratch memory (the timespec and the errno capture) and the adaptive spin budget. */
    private static final class Scratch {
        final MemorySegment timespec = Arena.ofAuto().allocate(16, 8);
        final MemorySegment capture = CAPTURE_LAYOUT == null ? null : Arena.ofAuto().allocate(CAPTURE_LAYOUT);
        long spinNanos = MULTI_CPU ? MAX_SPIN_NANOS / 4 : 0;
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Futex() {
    }

    /** Whether real futex calls are used (else the polling fallback; see the class comment). */
    public static boolean isNative() {
        return SYSCALL != null;
    }

    /** Why the polling fallback is used, or {@code null} when futexes are native. */
    public static String fallbackReason() {
        return FALLBACK_REASON;
    }

    /**
     * Links and runs the futex downcall once, so that the first real wait or wake in this JVM does
     * not pay the 50-115 ms linking cost. The runtime calls this before a spare JVM is declared
     * ready. Cheap after the first call.
     */
    public static void prepare() {
        if (SYSCALL == null) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(ValueLayout.JAVA_INT);
            wake(word, 0, 1);
            try {
                waitNanos(word, 0, 1, 0);
                waitNanos(word, 0, 0, 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Blocks while the word at {@code offset} holds {@code expected}, at most {@code timeoutNanos}
     * (use {@link Long#MAX_VALUE} for no timeout), without spinning first.
     *
     * @return {@link #WOKEN} (maybe spuriously), {@link #VALUE_CHANGED} or {@link #TIMED_OUT}
     * @throws InterruptedException if the thread is interrupted before or while waiting
     * @throws IllegalArgumentException if the word is outside the segment, not 4-byte aligned, or the segment is not native
     * @throws IllegalStateException if the segment's mapping was closed
     */
    public static int waitNanos(MemorySegment segment, long offset, int expected, long timeoutNanos)
            throws InterruptedException {
        checkWord(segment, offset);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if ((int) INT.getAcquire(segment, offset) != expected) {
            return VALUE_CHANGED;
        }
        if (timeoutNanos <= 0) {
            return TIMED_OUT;
        }
        long deadline = deadline(timeoutNanos);
        return SYSCALL != null
                ? futexWait(segment, offset, expected, deadline)
                : pollWait(segment, offset, expected, deadline);
    }

    /**
     * Spin briefly, then block, until the word at {@code offset} no longer holds {@code expected}
     * or {@code timeoutNanos} elapse. This is the waiting loop every primitive uses.
     *
     * @return {@code true} once the word was seen holding another value, {@code false} on timeout
     * @throws InterruptedException if the thread is interrupted (checked at least every {@value #MAX_SLICE_MILLIS} ms)
     */
    public static boolean awaitChange(MemorySegment segment, long offset, int expected, long timeoutNanos)
            throws InterruptedException {
        return awaitChange(segment, offset, expected, NO_WAITER_COUNT, timeoutNanos);
    }

    /**
     * {@link #awaitChange(MemorySegment, long, int, long)} that also keeps a count of blocked
     * waiters in the int at {@code waitersOffset} (incremented just before blocking, decremented
     * after), so that signallers call {@link #wakeIfWaiting} and skip the wake system call while
     * everyone is still spinning. Pass {@link #NO_WAITER_COUNT} to keep no count.
     */
    public static boolean awaitChange(MemorySegment segment, long offset, int expected, long waitersOffset,
                                      long timeoutNanos) throws InterruptedException {
        checkWord(segment, offset);
        if (waitersOffset != NO_WAITER_COUNT) {
            checkWord(segment, waitersOffset);
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if ((int) INT.getAcquire(segment, offset) != expected) {
            return true;
        }
        if (timeoutNanos <= 0) {
            return false;
        }
        long start = System.nanoTime();
        long deadline = deadline(timeoutNanos);
        Scratch scratch = SCRATCH.get();
        long spin = Math.min(scratch.spinNanos, timeoutNanos);
        if (spin > 0) {
            long spinEnd = start + spin;
            for (int i = 1; ; i++) {
                Thread.onSpinWait();
                if ((int) INT.getAcquire(segment, offset) != expected) {
                    scratch.spinNanos = Math.min(MAX_SPIN_NANOS, scratch.spinNanos * 2);
                    return true;
                }
                if ((i & 63) == 0 && System.nanoTime() - spinEnd >= 0) {
                    break;
                }
            }
            scratch.spinNanos = Math.max(MIN_SPIN_NANOS, scratch.spinNanos / 2);
        }
        if (waitersOffset != NO_WAITER_COUNT) {
            // getAndAdd is a full fence: either the signaller sees our count, or we see its new value below.
            INT.getAndAdd(segment, waitersOffset, 1);
        }
        try {
            while (true) {
                long remaining = deadline - System.nanoTime();
                if ((int) INT.getAcquire(segment, offset) != expected) {
                    return true;
                }
                if (remaining <= 0) {
                    return false;
                }
                int r = SYSCALL != null
                        ? futexWait(segment, offset, expected, deadline)
                        : pollWait(segment, offset, expected, deadline);
                if (r == TIMED_OUT) {
                    return (int) INT.getAcquire(segment, offset) != expected;
                }
            }
        } finally {
            if (waitersOffset != NO_WAITER_COUNT) {
                INT.getAndAdd(segment, waitersOffset, -1);
            }
        }
    }

    /**
     * Wakes up to {@code count} waiters on the word at {@code offset} if the waiter count at
     * {@code waitersOffset} (kept by the five-argument {@code awaitChange}) says someone blocks.
     * Call it after changing the word.
     *
     * @return how many were woken
     */
    public static int wakeIfWaiting(MemorySegment segment, long offset, long waitersOffset, int count) {
        // Orders the caller's write of the word before the read of the count (the other half of the
        // handshake in awaitChange), so a waiter that is about to block is never missed.
        VarHandle.fullFence();
        if ((int) INT.getVolatile(segment, waitersOffset) <= 0) {
            return 0;
        }
        return wake(segment, offset, count);
    }

    /** {@link #awaitChange(MemorySegment, long, int, long)} with a {@link Duration}; {@code null} means no timeout. */
    public static boolean awaitChange(MemorySegment segment, long offset, int expected, Duration timeout)
            throws InterruptedException {
        return awaitChange(segment, offset, expected, timeout == null ? Long.MAX_VALUE : saturatedNanos(timeout));
    }

    /**
     * Wakes at most {@code count} threads (of any process) waiting on the word at {@code offset}.
     * Costs a system call (about a microsecond) even when nobody waits: primitives that can tell
     * (a waiter count in their cell) skip it.
     *
     * @return how many were woken (always 0 in the polling fallback, where waiters notice by themselves)
     */
    public static int wake(MemorySegment segment, long offset, int count) {
        checkWord(segment, offset);
        if (count <= 0) {
            throw new IllegalArgumentException("wake count must be positive, was " + count);
        }
        if (SYSCALL == null) {
            return 0;
        }
        Scratch scratch = SCRATCH.get();
        long r;
        try {
            r = (long) SYSCALL.invokeExact(scratch.capture, SYS_FUTEX, word(segment, offset), (long) FUTEX_WAKE,
                    (long) count, MemorySegment.NULL, MemorySegment.NULL, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("futex wake failed", t);
        }
        if (r < 0) {
            int errno = (int) ERRNO.get(scratch.capture, 0L);
            if (errno == EFAULT) {
                throw new IllegalStateException("futex wake on an unmapped address: the shared segment was closed");
            }
            throw new IllegalStateException("futex wake failed with errno " + errno);
        }
        return (int) r;
    }

    /** Wakes every waiter on the word. */
    public static int wakeAll(MemorySegment segment, long offset) {
        return wake(segment, offset, Integer.MAX_VALUE);
    }

    private static int futexWait(MemorySegment segment, long offset, int expected, long deadline)
            throws InterruptedException {
        Scratch scratch = SCRATCH.get();
        MemorySegment address = word(segment, offset);
        while (true) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return TIMED_OUT;
            }
            long slice = Math.min(remaining, MAX_SLICE_NANOS);
            scratch.timespec.set(ValueLayout.JAVA_LONG, 0, slice / 1_000_000_000L);
            scratch.timespec.set(ValueLayout.JAVA_LONG, 8, slice % 1_000_000_000L);
            long r;
            try {
                r = (long) SYSCALL.invokeExact(scratch.capture, SYS_FUTEX, address, (long) FUTEX_WAIT,
                        (long) expected, scratch.timespec, MemorySegment.NULL, 0L);
            } catch (Throwable t) {
                throw new IllegalStateException("futex wait failed", t);
            }
            if (r == 0) {
                return WOKEN;
            }
            int errno = (int) ERRNO.get(scratch.capture, 0L);
            switch (errno) {
                case EAGAIN:
                    return VALUE_CHANGED;
                case ETIMEDOUT, EINTR:
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                    if (!segment.scope().isAlive()) {
                        throw new IllegalStateException("the shared segment was closed while waiting on it");
                    }
                    break;
                case EFAULT:
                    throw new IllegalStateException("futex wait on an unmapped address: the shared segment was closed");
                default:
                    throw new IllegalStateException("futex wait failed with errno " + errno);
            }
        }
    }

    private static int pollWait(MemorySegment segment, long offset, int expected, long deadline)
            throws InterruptedException {
        long sleepNanos = 2_000;
        while (true) {
            if ((int) INT.getAcquire(segment, offset) != expected) {
                return VALUE_CHANGED;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return TIMED_OUT;
            }
            Thread.sleep(Duration.ofNanos(Math.min(sleepNanos, remaining)));
            sleepNanos = Math.min(1_000_000, sleepNanos * 2);
        }
    }

    private static MemorySegment word(MemorySegment segment, long offset) {
        // A raw address, not a slice: a slice would keep the segment's arena "acquired" for the whole
        // (possibly long) system call, and closing the mapping from another thread would then fail.
        // The kernel copes with the mapping vanishing underneath a waiter; we check liveness after.
        return MemorySegment.ofAddress(segment.address() + offset);
    }

    private static void checkWord(MemorySegment segment, long offset) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException("futex words must live in native (mapped) memory, not a heap segment");
        }
        if (offset < 0 || offset > segment.byteSize() - 4) {
            throw new IllegalArgumentException("futex word at offset " + offset + " is outside the segment of "
                    + segment.byteSize() + " bytes");
        }
        if (((segment.address() + offset) & 3) != 0) {
            throw new IllegalArgumentException("futex word at offset " + offset + " is not 4-byte aligned");
        }
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException("the shared segment is closed");
        }
    }

    private static long deadline(long timeoutNanos) {
        // Wrapping arithmetic: deadline - System.nanoTime() stays exact even for Long.MAX_VALUE.
        return System.nanoTime() + timeoutNanos;
    }

    private static long saturatedNanos(Duration timeout) {
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return timeout.isNegative() ? 0 : Long.MAX_VALUE;
        }
    }
}
