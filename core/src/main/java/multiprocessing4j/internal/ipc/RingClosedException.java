package multiprocessing4j.internal.ipc;

import java.io.Serial;

/** Thrown by a ring operation after {@link MpmcRing#shutdown()}: offers are refused, and polls once the ring is drained. */
public final class RingClosedException extends IllegalStateException {
    @Serial
    private static final long serialVersionUID = 1L;

    public RingClosedException(String message) {
        super(message);
    }
}
