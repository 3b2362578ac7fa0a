package multiprocessing4j;

import java.io.Serial;
import java.util.Objects;
import java.util.Optional;

/**
 * An exception thrown in another JVM (a child process, a pool worker, a manager's server), carried
 * back to this one: Python's {@code RemoteTraceback}. It keeps the remote exception's class name,
 * message and <em>whole</em> stack trace (this exception's own stack trace <em>is</em> the remote
 * one), and its cause chain as further {@code RemoteException}s.
 *
 * <pre>{@code
 * child.join();
 * child.failure().ifPresent(e -> {
 *     System.err.println("child failed with " + e.remoteClassName());
 *     e.printStackTrace();                  // the trace as it was in the child
 *     e.original().ifPresent(t -> ...);     // the exception itself, when it could be rebuilt here
 * });
 * }</pre>
 *
 * <p>Where the original exception could be rebuilt in this JVM (its class is present here and it
 * deserialized), {@link #original()} returns it, with the remote stack trace.
 */
public class RemoteException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String remoteClassName;
    private final String remoteMessage;
    private transient Throwable original;

    /**
     * @param remoteClassName the binary name of the exception's class in the remote JVM
     * @param remoteMessage   its message, possibly {@code null}
     * @param remoteTrace     its stack trace in the remote JVM
     * @param cause           the remote cause, or {@code null}
     */
    public RemoteException(String remoteClassName, String remoteMessage, StackTraceElement[] remoteTrace,
                           RemoteException cause) {
        super(remoteClassName + (remoteMessage == null ? "" : ": " + remoteMessage), cause, true, true);
        this.remoteClassName = Objects.requireNonNull(remoteClassName, "remoteClassName");
        this.remoteMessage = remoteMessage;
        setStackTrace(remoteTrace == null ? new StackTraceElement[0] : remoteTrace);
    }

    /** The binary class name of the exception thrown remotely, e.g. {@code java.lang.IllegalStateException}. */
    public String remoteClassName() {
        return remoteClassName;
    }

    /** The remote exception's own message, without the class name; {@code null} if it had none. */
    public String remoteMessage() {
        return remoteMessage;
    }

    /** The original exception object, if it could be rebuilt in this JVM. */
    public Optional<Throwable> original() {
        return Optional.ofNullable(original);
    }

    /**
     * Records the rebuilt original exception; used by the codec when it could deserialize it.
     *
     * @param original the original exception, with the remote stack trace
     * @return this
     */
    public RemoteException withOriginal(Throwable original) {
        this.original = original;
        return this;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // the stack trace is the remote one, set in the constructor
    }
}
