package multiprocessing4j.internal.codec;

import java.io.Serial;

/**
 * A value could not be serialized: thrown in the caller, before anything is sent, naming the class
 * that is not serializable and the path to it in the object graph. An {@link IllegalArgumentException},
 * since the argument (a task, an item, a message) is what is wrong.
 */
public class NotSerializableValueException extends IllegalArgumentException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String offendingClass;

    public NotSerializableValueException(String message, String offendingClass, Throwable cause) {
        super(message, cause);
        this.offendingClass = offendingClass;
    }

    /** The binary name of the class that could not be serialized. */
    public String offendingClass() {
        return offendingClass;
    }
}
