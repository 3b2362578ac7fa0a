package multiprocessing4j.internal.manager;

import java.io.Serial;

/**
 * A frame that does not follow {@link Protocol}: truncated, an unknown opcode or tag, a negative or
 * impossible length. The connection that sent it is dropped.
 */
final class MalformedFrameException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    MalformedFrameException(String message) {
        super(message);
    }
}
