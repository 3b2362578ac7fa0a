package multiprocessing4j.internal.codec;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Predicate;

import org.apache.fory.Fory;
import org.apache.fory.ThreadSafeFory;
import org.apache.fory.config.CompatibleMode;
import org.apache.fory.config.Language;
import org.apache.fory.config.Config;
import org.apache.fory.context.ReadContext;
import org.apache.fory.context.WriteContext;
import org.apache.fory.memory.MemoryBuffer;
import org.apache.fory.serializer.ObjectStreamSerializer;
import org.apache.fory.serializer.Serializer;

/**
 * The default {@link Codec}: Apache Fory in native Java mode.
 *
 * <p>Options, and why:
 * <ul>
 *   <li>{@code requireClassRegistration(false)}: users send arbitrary classes (their own records,
 *       lambdas defined anywhere), and both sides cannot agree on a registration list in advance.
 *       Safety against hostile peers is the job of {@link Codecs#restricted}, which installs a type checker.</li>
 *   <li>{@code withRefTracking(true)}: Java semantics. Cycles and shared references survive (two captures
 *       of the same handle stay one object); costs a little per object, worth it.</li>
 *   <li>{@code SCHEMA_CONSISTENT}: parent and children run the same class path, so there is no schema
 *       evolution to pay for; messages are smaller and faster than in compatible mode.</li>
 *   <li>{@code withCodegen(false)}: measured on JDK 25 / 2 vCPUs, Fory's generated serializers cost
 *       290-440 ms the first time each class is written (Janino compiling on the caller's thread, even with
 *       {@code withAsyncCompilation(true)}), against 80-100 ms for the first class and well under 1 ms for
 *       each later class in interpreted mode; steady state differs by only ≈ 30-80 ns per round trip (114 vs
 *       143 ns for a small record). The first encode/decode in a freshly started child is on the critical
 *       path of starting it, and pool workers meet new task classes all the time, so the interpreter wins.
 *       (Code generation also breaks on the Throwable serializer below: Fory's generated exception serializer
 *       casts it to its own type on the JIT thread.) The ≈ 200 ms of building Fory itself is paid once per
 *       JVM: call {@link Codecs#warmUp()} before a spare child declares itself ready.</li>
 *   <li>A serializer factory that refuses classes that are not {@link java.io.Serializable}: Fory alone
 *       would serialize them, but the contract is Java's. The factory runs once per class when Fory
 *       creates its serializer (cached thereafter), so the check costs nothing on the hot path. When it
 *       refuses, {@link SerializabilityProbe} walks the graph (slowly, but only on this error path) to say
 *       where the class sits.</li>
 *   <li>Throwables go through Fory's {@code ObjectStreamSerializer} (their own {@code writeObject}/
 *       {@code readObject}), so an exception sent as a value keeps its stack trace, cause and suppressed.</li>
 *   <li>Values are wrapped in the {@link FastPath} envelope: byte arrays, strings and boxed primitives (most
 *       queue and pipe messages) are written directly, ≈ 250 ns cheaper each than through Fory; everything
 *       else is Fory's encoding after a one-byte tag.</li>
 *   <li>{@code withMaxDepth}: corrupt bytes cannot recurse the decoder into a {@link StackOverflowError}.</li>
 * </ul>
 */
final class ForyCodec implements Codec {

    private static final int MAX_DEPTH = 2_000;

    private final ThreadSafeFory fory;
    private final Predicate<String> allowed;

    /** @param allowed class names a decoder may instantiate, or {@code null} for any */
    ForyCodec(Predicate<String> allowed) {
        this.allowed = allowed;
        var builder = Fory.builder()
                .withLanguage(Language.JAVA)
                .requireClassRegistration(false)
                .suppressClassRegistrationWarnings(true)
                .withRefTracking(true)
                .withCompatibleMode(CompatibleMode.SCHEMA_CONSISTENT)
                .withCodegen(false)
                .withMaxDepth(MAX_DEPTH)
                .withClassLoader(ForyCodec.class.getClassLoader())
                .withSerializerFactory((resolver, type) -> {
                    if (!SerializabilityProbe.isSerializableType(type)) {
                        throw new RefusedType(type);
                    }
                    if (Throwable.class.isAssignableFrom(type)) {
                        // through Throwable's own writeObject/readObject, which keep the stack trace; Fory's
                        // field copy sees the lazily filled stackTrace field empty and restores none
                        return new ObjectStreamSerializer(resolver, type);
                    }
                    return null; // Fory's own choice of serializer
                });
        if (allowed != null) {
            builder.withTypeChecker((resolver, className) -> allowed.test(className));
        }
        this.fory = builder.buildThreadSafeForyPool(Math.max(2, Runtime.getRuntime().availableProcessors() * 2));
        // Fory has built-in serializers for these non-Serializable classes, so the factory never sees them;
        // refusing them keeps this codec's contract identical to JDK serialization's
        fory.registerCallback(f -> {
            for (Class<?> type : BUILT_IN_NOT_SERIALIZABLE) {
                f.registerSerializer(type, new RefusingSerializer(f.getConfig(), type));
            }
        });
    }

    private static final List<Class<?>> BUILT_IN_NOT_SERIALIZABLE = List.of(Object.class, Optional.class,
            OptionalInt.class, OptionalLong.class, OptionalDouble.class);

    /** Refuses a class that is not Serializable, both ways. */
    private static final class RefusingSerializer extends Serializer<Object> {
        @SuppressWarnings("unchecked")
        RefusingSerializer(Config config, Class<?> type) {
            super(config, (Class<Object>) type);
        }

        @Override
        public void write(WriteContext context, Object value) {
            throw new RefusedType(type);
        }

        @Override
        public Object read(ReadContext context) {
            throw new RefusedType(type);
        }
    }

    /** Thrown out of Fory by the serializer factory; never escapes this class. */
    private static final class RefusedType extends RuntimeException {
        final transient Class<?> type;

        RefusedType(Class<?> type) {
            super(type.getName() + " is not serializable", null, false, false);
            this.type = type;
        }
    }

    @Override
    public byte[] encode(Object value) {
        byte[] fast = FastPath.encode(value);
        if (fast != null) {
            return fast;
        }
        // Through a per-thread buffer, taken out of its slot while in use (a writeReplace may encode again).
        EncodeBuffer[] slot = WRITERS.get();
        EncodeBuffer out = slot[0];
        slot[0] = null;
        if (out == null) {
            out = new EncodeBuffer();
        }
        try {
            int n = encodeWithFory(value, out.clear());
            return Arrays.copyOf(out.array(), n);
        } finally {
            if (out.array().length <= MAX_RETAINED) {
                slot[0] = out;
            }
        }
    }

    /** Largest buffer a thread keeps between calls: beyond that, one large value would pin its memory. */
    private static final int MAX_RETAINED = 1 << 20;

    private static final ThreadLocal<EncodeBuffer[]> WRITERS = ThreadLocal.withInitial(() -> new EncodeBuffer[1]);

    @Override
    public int encode(Object value, EncodeBuffer out) {
        int n = FastPath.encode(value, out);
        return n >= 0 ? n : encodeWithFory(value, out);
    }

    /** Appends {@link FastPath#CODEC} and Fory's encoding; on failure the buffer's length is unchanged. */
    private int encodeWithFory(Object value, EncodeBuffer out) {
        int start = out.length();
        MemoryBuffer buffer = out.codecState instanceof MemoryBuffer b ? b : MemoryBuffer.fromByteArray(out.array());
        out.codecState = buffer;
        buffer.pointTo(out.array(), 0, out.array().length);
        buffer.writerIndex(start);
        buffer.writeByte(FastPath.CODEC);
        try {
            fory.serialize(buffer, value);
        } catch (RuntimeException | StackOverflowError e) {
            throw notSerializable(value, e);
        }
        int end = buffer.writerIndex();
        out.reset(buffer.getHeapMemory(), end);
        return end - start;
    }

    /**
     * One reader buffer per thread, re-pointed at each message so that decoding allocates no wrapper.
     * Taken out of the slot while in use: a {@code readResolve} that decodes again gets a fresh one.
     */
    private static final ThreadLocal<MemoryBuffer[]> READERS = ThreadLocal.withInitial(() -> new MemoryBuffer[1]);

    @Override
    public Object decode(byte[] bytes, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length == 0) {
            throw new CodecException("Cannot decode: no bytes (an encoded value has at least one)");
        }
        if (bytes[offset] != FastPath.CODEC) {
            return FastPath.decode(bytes, offset, length);
        }
        offset++;
        length--;
        MemoryBuffer[] slot = READERS.get();
        MemoryBuffer buffer = slot[0];
        slot[0] = null;
        if (buffer == null) {
            buffer = MemoryBuffer.fromByteArray(bytes, offset, length);
        } else {
            buffer.pointTo(bytes, offset, length);
            buffer.readerIndex(0);
        }
        try {
            return decode(buffer, length);
        } finally {
            buffer.pointTo(EMPTY, 0, 0); // do not keep the caller's array reachable
            slot[0] = buffer;
        }
    }

    private static final byte[] EMPTY = new byte[0];

    @Override
    public Object decode(MemorySegment slice) {
        long size = slice.byteSize();
        if (size > Integer.MAX_VALUE) {
            throw new CodecException("Cannot decode " + size + " bytes: an encoded value is at most 2 GiB");
        }
        if (slice.heapBase().orElse(null) instanceof byte[] array) {
            return decode(array, (int) slice.address(), (int) size);
        }
        if (size == 0) {
            throw new CodecException("Cannot decode: no bytes (an encoded value has at least one)");
        }
        if (slice.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0) != FastPath.CODEC) {
            return FastPath.decode(slice);
        }
        if (slice.isNative()) {
            return decode(MemoryBuffer.fromByteBuffer(slice.asSlice(1).asByteBuffer()), (int) size - 1);
        }
        return decode(slice.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
    }

    private Object decode(MemoryBuffer buffer, int length) {
        int start = buffer.readerIndex();
        Object value;
        try {
            value = fory.deserialize(buffer);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError | LinkageError e) {
            throw decodeFailure(e);
        }
        int consumed = buffer.readerIndex() - start;
        if (consumed != length) {
            throw new CodecException("Corrupt encoding: the value ended after " + consumed + " of " + length + " bytes");
        }
        return value;
    }

    private CodecException decodeFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RefusedType r) {
                return new CodecException("Cannot decode: the bytes name " + r.type.getName()
                        + ", which is not serializable and so cannot have been encoded by this codec", e);
            }
            if (t instanceof ClassNotFoundException || t instanceof NoClassDefFoundError) {
                return new CodecException("Cannot decode: class " + t.getMessage() + " is not present in this JVM "
                        + "(is the class path the same on both sides?)", e);
            }
            if (t instanceof org.apache.fory.exception.InsecureException) {
                return new CodecException("Cannot decode: refused by the allow-list of this restricted codec: "
                        + t.getMessage(), e);
            }
        }
        return new CodecException("Cannot decode: corrupt or truncated bytes (" + e + ")", e);
    }

    private NotSerializableValueException notSerializable(Object value, Throwable failure) {
        Class<?> refused = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RefusedType r) {
                refused = r.type;
            }
        }
        SerializabilityProbe.Finding finding = SerializabilityProbe.explain(value);
        if (finding != null) {
            return new NotSerializableValueException("Cannot serialize " + describe(value) + ": " + finding.message(),
                    finding.offending().getName(), failure);
        }
        String offending = refused != null ? refused.getName() : value == null ? "null" : value.getClass().getName();
        return new NotSerializableValueException("Cannot serialize " + describe(value) + ": "
                + (refused != null ? offending + " in its graph is not serializable" : failure.toString()),
                offending, failure);
    }

    static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        Class<?> type = value.getClass();
        return type.isSynthetic() && type.getName().contains("$$Lambda") ? "a lambda"
                : "a value of type " + type.getName();
    }

    @Override
    public String toString() {
        return allowed == null ? "ForyCodec" : "ForyCodec(restricted)";
    }
}
