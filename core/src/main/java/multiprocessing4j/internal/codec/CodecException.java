package multiprocessing4j.internal.codec;

import java.io.Serial;

/** Bytes that could not be turned back into an object: corrupt, truncated, or naming a class missing or refused here. */
public class CodecException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }

    public CodecException(String message) {
        super(message);
    }
}
