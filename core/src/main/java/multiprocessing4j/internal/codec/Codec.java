package multiprocessing4j.internal.codec;

import java.lang.foreign.MemorySegment;

/**
 * Turns objects into bytes and back, for everything that crosses a process boundary: tasks,
 * arguments, results, exceptions, queue messages, manager calls. Get one from {@link Codecs}.
 *
 * <pre>{@code
 * Codec codec = Codecs.defaultCodec();
 * byte[] bytes = codec.encode(task);            // NotSerializableValueException here, in the caller
 * Object copy = codec.decode(bytes);            // CodecException if corrupt, or a class is missing/refused
 *
 * // hot path (queues and pipes in shared memory): no per-message byte[]
 * EncodeBuffer out = new EncodeBuffer();        // one per producer thread, reused
 * int n = codec.encode(item, out.clear());
 * MemorySegment.copy(out.array(), 0, ring, ValueLayout.JAVA_BYTE, slotOffset, n);
 * Object item2 = codec.decode(ring.asSlice(slotOffset, n));
 * }</pre>
 *
 * <p>Contract for every implementation:
 * <ul>
 *   <li>{@link #encode} fails <em>in the caller</em> with {@link NotSerializableValueException}
 *       naming the offending class and where it sits in the object graph (for a lambda: the
 *       capturing method and the captured argument), before anything is sent anywhere. Java's
 *       rule applies: every object in the graph must be {@link java.io.Serializable} (or an enum,
 *       a primitive array, a boxed primitive, a {@code String}); {@code transient} fields are skipped.</li>
 *   <li>{@link #decode} of bytes produced by {@link #encode} in another JVM with the same class
 *       path gives an equal object graph, with shared references and cycles preserved; serializable
 *       lambdas, {@code writeReplace}/{@code readResolve} (how our handles re-attach to shared
 *       objects) work.</li>
 *   <li>{@link #decode} throws only {@link CodecException}: for corrupt or truncated bytes, a class
 *       missing here, or a class refused by a restricted codec ({@link Codecs#restricted}); the
 *       message names the class when there is one.</li>
 *   <li>Implementations are thread-safe. The bytes of one implementation are not readable by another
 *       (the parent and its children must agree on the codec, see {@link Codecs#fromSystemProperty()}).</li>
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
     * Appends the encoding of {@code value} to a caller-owned buffer, growing it if needed; the hot-path
     * form of {@link #encode(Object)}: once the buffer has grown to the largest message, encoding allocates
     * no byte array. On failure the buffer's length is restored to what it was before the call.
     *
     * @param value any object, possibly {@code null}
     * @param out   where to append; not thread-safe, so one per thread
     * @return the number of bytes appended
     * @throws NotSerializableValueException if some part of the graph cannot be serialized
     */
    int encode(Object value, EncodeBuffer out);

    /**
     * @param bytes  a buffer holding a value produced by {@link #encode}
     * @param offset where it starts
     * @param length how long it is (exactly one encoded value)
     * @return the value
     * @throws CodecException if the bytes are not a valid encoding, or a class is missing or refused here
     */
    Object decode(byte[] bytes, int offset, int length);

    /** {@link #decode(byte[], int, int)} of a whole array. */
    default Object decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    /**
     * Decodes one value straight out of a memory segment (heap or native, e.g. a slot of a queue in shared
     * memory), without copying it into a {@code byte[]} first. The segment must hold exactly one encoded
     * value and stay alive and unchanged until this returns; the decoded object does not refer to it.
     * Allocation: for the Fory codec, a native slice costs two small wrappers (a {@code ByteBuffer} view
     * and Fory's buffer, ≈ 160 bytes measured) besides the decoded object; a heap slice or a {@code byte[]} region
     * costs none (a per-thread reader is re-pointed at it).
     *
     * @param slice the encoded value
     * @return the value
     * @throws CodecException if the bytes are not a valid encoding, or a class is missing or refused here
     */
    Object decode(MemorySegment slice);
}
