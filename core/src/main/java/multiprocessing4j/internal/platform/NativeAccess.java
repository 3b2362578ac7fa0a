package multiprocessing4j.internal.platform;

import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * What every downcall of this package needs: whether it may be made here at all, and {@code errno} as captured
 * after it ({@code Linker.Option.captureCallState("errno")}).
 */
final class NativeAccess {
    /** The layout a downcall linked with {@code captureCallState("errno")} writes into. */
    static final StructLayout ERRNO_CAPTURE = Linker.Option.captureStateLayout();
    /** {@code errno} in {@link #ERRNO_CAPTURE}: coordinates {@code (MemorySegment, long offset)}. */
    static final VarHandle ERRNO = ERRNO_CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private NativeAccess() {
    }

    /**
     * Why this package's downcalls cannot be made here (not Linux, or no native access for this module, in
     * which case the restricted linking call is not even tried: it would warn), or {@code null}.
     */
    static String unavailableReason() {
        String os = System.getProperty("os.name", "");
        Module module = NativeAccess.class.getModule();
        if (!os.startsWith("Linux")) {
            return "this is " + os + ", not Linux";
        }
        if (!module.isNativeAccessEnabled()) {
            return "native access is not enabled for " + (module.isNamed() ? "module " + module.getName() : "the class path")
                    + "; start the JVM with --enable-native-access=" + (module.isNamed() ? module.getName() : "ALL-UNNAMED");
        }
        return null;
    }
}
