package multiprocessing4j.internal.codec;

/**
 * Turns objects into bytes and back, for everything that crosses a process boundary: tasks,
 * arguments, results, exceptions, queue messages, manager calls.
 *
 * <p>Contract for every implementation:
 * <ul>
 *   <li>{@link #encode} fails <em>in the caller</em> with {@link NotSerializableValueException}
 *       naming the offending class and where it sits in the object graph (for a lambda: the
 *       captured variable), before anything is sent anywhere.</li>
 *   <li>{@link #decode} of bytes produced by {@link #encode} in another JVM with the same class
 *       path gives an equal object graph; serializable lambdas, {@code writeReplace}/{@code readResolve}
 *       (how our handles re-attach to shared objects) work.</li>
 *   <li>Implementations are thread-safe.</li>
 * </ul>
 */
public interface Codec {

    /**
     * @param value any object, possibly {@code null}
     * @return its serialized form
     * @throws NotSerializableValueException if some part of the graph cannot be serialized
     */
    byte[] encode(Object value);

    /**
     * @param bytes  a buffer holding a value produced by {@link #encode}
     * @param offset where it starts
     * @param length how long it is
     * @return the value
     * @throws CodecException if the bytes are not a valid encoding, or a class is missing or refused here
     */
    Object decode(byte[] bytes, int offset, int length);

    /** {@link #decode(byte[], int, int)} of a whole array. */
    default Object decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }
}
