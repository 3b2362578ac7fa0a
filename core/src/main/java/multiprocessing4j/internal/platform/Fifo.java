package multiprocessing4j.internal.platform;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * Named pipes (FIFOs): {@code mkfifo(3)} through the FFM API, which the JDK has no call for. The runtime
 * links a parent to each child JVM through a pair of them: a child opens a FIFO with plain {@code java.io} in
 * well under a millisecond, where its first Unix-domain socket costs 40-50 ms (the JDK's NIO provider lookup
 * and the {@code SecureRandom} that {@code sun.nio.ch.UnixDomainSockets} seeds when it initialises).
 *
 * <p>Available on Linux when this module has native access; {@link #available()} says so (and never warns:
 * without native access the restricted call is not made). The downcall is linked on first use, which costs
 * tens of milliseconds in a JVM that has made none yet ({@link #prepare()} does it ahead of time).
 */
public final class Fifo {
    private static final int EEXIST = 17;

    private Fifo() {
    }

    /** Whether {@link #create} works here; links the downcall if it was not linked yet. */
    public static boolean available() {
        return Linked.REASON == null;
    }

    /** Why {@link #create} does not work here, or {@code null}. */
    public static String unavailableReason() {
        return Linked.REASON;
    }

    /** Links the downcall now (in the background, typically), so that a first {@link #create} costs no more than later ones. */
    public static void prepare() {
        available();
    }

    /**
     * Creates a FIFO at {@code path}, readable and writable by its owner only ({@code 0600}).
     *
     * @throws IOException                   if the system call fails (errno named)
     * @throws UnsupportedOperationException if FIFOs cannot be made here (see {@link #unavailableReason()})
     */
    public static void create(Path path) throws IOException {
        if (Linked.REASON != null) {
            throw new UnsupportedOperationException("cannot make a FIFO: " + Linked.REASON);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocateFrom(path.toString());
            MemorySegment capture = arena.allocate(NativeAccess.ERRNO_CAPTURE);
            int result = (int) Linked.MKFIFO.invokeExact(capture, name, 0600);
            if (result != 0) {
                int errno = (int) NativeAccess.ERRNO.get(capture, 0L);
                throw new IOException("mkfifo(" + path + ") failed: errno " + errno
                        + (errno == EEXIST ? " (it exists already)" : ""));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The downcall, linked when first needed. */
    private static final class Linked {
        static final MethodHandle MKFIFO;
        static final String REASON;

        static {
            String reason = NativeAccess.unavailableReason();
            MethodHandle mkfifo = null;
            if (reason == null) {
                try {
                    mkfifo = link();
                } catch (RuntimeException | LinkageError e) {
                    reason = "linking mkfifo failed: " + e;
                }
            }
            MKFIFO = mkfifo;
            REASON = reason;
        }

        /** Only called once native access is known to be enabled, so the restricted call cannot warn. */
        @SuppressWarnings("restricted")
        private static MethodHandle link() {
            Linker linker = Linker.nativeLinker();
            return linker.downcallHandle(linker.defaultLookup().find("mkfifo").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
                    Linker.Option.captureCallState("errno"));
        }
    }
}
