package multiprocessing4j.internal.codec;

import java.io.Serial;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import multiprocessing4j.RemoteException;

/**
 * An exception thrown in one JVM, in a form that always crosses to another: class name, message, whole
 * stack trace, cause chain and suppressed exceptions as plain data, plus the original exception encoded
 * when it is serializable. What a child, a pool worker or a manager sends back instead of a
 * {@link Throwable}, because a {@code Throwable} may not be serializable (a field holding a socket) or its
 * class may be missing on the other side.
 *
 * <pre>{@code
 * // in the child
 * catch (Throwable t) { send(codec.encode(RemoteFailure.capture(t, codec))); }
 * // in the parent
 * RemoteFailure f = (RemoteFailure) codec.decode(bytes);
 * future.completeExceptionally(f.toRemoteException(codec));   // or f.rebuild(codec)
 * }</pre>
 *
 * <p>{@link #toRemoteException(Codec)} gives a {@link RemoteException} whose stack trace is the remote one,
 * whose causes are {@code RemoteException}s for the remote causes, with the remote suppressed exceptions
 * attached, and with {@link RemoteException#original()} set when the original could be rebuilt here.
 * {@link #rebuild(Codec)} gives the original exception itself (its stack trace is the remote one, as Java
 * serialization keeps it) when it can be rebuilt here, else that {@code RemoteException}.
 *
 * <p>Immutable; its only dependencies are {@code String}, {@code StackTraceElement} and {@code byte[]}, so
 * a {@linkplain Codecs#restricted restricted} codec accepts it.
 */
public final class RemoteFailure implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final StackTraceElement[] NO_TRACE = new StackTraceElement[0];
    private static final RemoteFailure[] NONE = new RemoteFailure[0];

    private final String className;
    private final String message;
    private final StackTraceElement[] stackTrace;
    private final RemoteFailure cause;
    private final RemoteFailure[] suppressed;
    /** The original throwable as encoded by the capturing codec, or {@code null} if it was not serializable. */
    private final byte[] original;

    private RemoteFailure(String className, String message, StackTraceElement[] stackTrace, RemoteFailure cause,
                          RemoteFailure[] suppressed, byte[] original) {
        this.className = className;
        this.message = message;
        this.stackTrace = stackTrace;
        this.cause = cause;
        this.suppressed = suppressed;
        this.original = original;
    }

    /**
     * Captures {@code failure}; never throws for a non-serializable exception (it keeps the data and drops
     * the original).
     *
     * @param failure the exception to send
     * @param codec   the codec the receiving side will use for {@link #rebuild(Codec)}
     */
    public static RemoteFailure capture(Throwable failure, Codec codec) {
        // describe first: getStackTrace() materialises each throwable's stackTrace field, which a codec
        // reading fields directly (Fory) would otherwise find empty
        RemoteFailure described = describe(failure, null, Collections.newSetFromMap(new IdentityHashMap<>()));
        byte[] encoded;
        try {
            encoded = codec.encode(failure);
        } catch (RuntimeException | StackOverflowError notSerializable) {
            return described;
        }
        return new RemoteFailure(described.className, described.message, described.stackTrace, described.cause,
                described.suppressed, encoded);
    }

    /** {@link #capture(Throwable, Codec)} with {@link Codecs#fromSystemProperty()}. */
    public static RemoteFailure capture(Throwable failure) {
        return capture(failure, Codecs.fromSystemProperty());
    }

    private static RemoteFailure describe(Throwable t, byte[] encoded, Set<Throwable> seen) {
        seen.add(t);
        Throwable c = t.getCause();
        RemoteFailure cause = c == null || seen.contains(c) ? null : describe(c, null, seen);
        Throwable[] sup = t.getSuppressed();
        RemoteFailure[] suppressed = sup.length == 0 ? NONE : new RemoteFailure[sup.length];
        int n = 0;
        for (Throwable s : sup) {
            if (!seen.contains(s)) {
                suppressed[n++] = describe(s, null, seen);
            }
        }
        String message;
        try {
            message = t.getMessage();
        } catch (RuntimeException broken) {
            message = "(getMessage() threw " + broken + ")";
        }
        StackTraceElement[] trace = t.getStackTrace();
        return new RemoteFailure(t.getClass().getName(), message, trace == null ? NO_TRACE : trace, cause,
                n == suppressed.length ? suppressed : Arrays.copyOf(suppressed, n), encoded);
    }

    /** The binary class name of the remote exception. */
    public String className() {
        return className;
    }

    /** The remote exception's message, possibly {@code null}. */
    public String message() {
        return message;
    }

    /** A copy of the remote stack trace. */
    public StackTraceElement[] stackTrace() {
        return stackTrace.clone();
    }

    /** The remote cause, or {@code null}. */
    public RemoteFailure cause() {
        return cause;
    }

    /** The remote suppressed exceptions. */
    public List<RemoteFailure> suppressed() {
        return List.of(suppressed);
    }

    /** Whether the original exception was serializable and travelled along. */
    public boolean hasOriginal() {
        return original != null;
    }

    /** {@link #toRemoteException(Codec)} with {@link Codecs#fromSystemProperty()}. */
    public RemoteException toRemoteException() {
        return toRemoteException(Codecs.fromSystemProperty());
    }

    /**
     * The remote exception as a {@link RemoteException} (with the original attached when it decodes here).
     *
     * @param codec the codec the capturing side used
     */
    public RemoteException toRemoteException(Codec codec) {
        RemoteException e = plain();
        Throwable rebuilt = original(codec);
        return rebuilt == null ? e : e.withOriginal(rebuilt);
    }

    /** {@link #rebuild(Codec)} with {@link Codecs#fromSystemProperty()}. */
    public Throwable rebuild() {
        return rebuild(Codecs.fromSystemProperty());
    }

    /**
     * The original exception when it can be rebuilt here (its class is present and it decodes), with the
     * remote stack trace; otherwise {@link #toRemoteException(Codec)}.
     *
     * @param codec the codec the capturing side used
     */
    public Throwable rebuild(Codec codec) {
        Throwable rebuilt = original(codec);
        return rebuilt != null ? rebuilt : plain();
    }

    private Throwable original(Codec codec) {
        if (original == null) {
            return null;
        }
        try {
            if (codec.decode(original) instanceof Throwable t) {
                restoreTraces(t, this, Collections.newSetFromMap(new IdentityHashMap<>()));
                return t;
            }
            return null;
        } catch (CodecException missingHere) {
            return null;
        }
    }

    /** Gives the rebuilt chain the remote traces, whatever the codec kept of them. */
    private static void restoreTraces(Throwable t, RemoteFailure f, Set<Throwable> seen) {
        if (t == null || f == null || !seen.add(t) || !t.getClass().getName().equals(f.className)) {
            return;
        }
        t.setStackTrace(f.stackTrace);
        restoreTraces(t.getCause(), f.cause, seen);
        Throwable[] sup = t.getSuppressed();
        for (int i = 0; i < Math.min(sup.length, f.suppressed.length); i++) {
            restoreTraces(sup[i], f.suppressed[i], seen);
        }
    }

    private RemoteException plain() {
        RemoteException e = new RemoteException(className, message, stackTrace,
                cause == null ? null : cause.plain());
        for (RemoteFailure s : suppressed) {
            e.addSuppressed(s.plain());
        }
        return e;
    }

    @Override
    public String toString() {
        return "RemoteFailure[" + className + (message == null ? "" : ": " + message) + "]";
    }
}
