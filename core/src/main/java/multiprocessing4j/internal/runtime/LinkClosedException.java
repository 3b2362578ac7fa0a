package multiprocessing4j.internal.runtime;

import java.io.IOException;
import java.io.Serial;

/** The connection between a parent and a child JVM has ended: the other process exited, died, or closed it. */
public final class LinkClosedException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;

    LinkClosedException(String message) {
        super(message);
    }

    LinkClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
