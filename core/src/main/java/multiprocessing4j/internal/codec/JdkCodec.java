package multiprocessing4j.internal.codec;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamException;
import java.io.OutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Predicate;

/**
 * The fallback {@link Codec}: JDK serialization ({@code -Dmp4j.codec=jdk}). Slower and larger than Fory
 * (≈ 8 µs for a lambda round trip against ≈ 0.5 µs), but with no dependency on a third-party format.
 *
 * <p>Values are wrapped in the {@link FastPath} envelope: byte arrays, strings and boxed primitives are
 * written directly (JDK serialization spends microseconds on each), everything else as a serialization stream.
 *
 * <p>Every stream is read through an {@link ObjectInputFilter}: it caps the graph depth (corrupt or hostile
 * bytes cannot recurse into a {@link StackOverflowError}) and, for a restricted codec, refuses classes the
 * allow-list does not name.
 */
final class JdkCodec implements Codec {

    private static final long MAX_DEPTH = 2_000;

    private final Predicate<String> allowed;

    /** @param allowed class names a decoder may instantiate, or {@code null} for any */
    JdkCodec(Predicate<String> allowed) {
        this.allowed = allowed;
    }

    /** A filter for one stream; {@code rejected[0]} receives the name of what it refused. */
    private ObjectInputFilter filter(String[] rejected) {
        return info -> {
            if (info.depth() > MAX_DEPTH) {
                rejected[0] = "(graph deeper than " + MAX_DEPTH + ")";
                return ObjectInputFilter.Status.REJECTED;
            }
            Class<?> type = info.serialClass();
            if (type != null && allowed != null) {
                Class<?> element = type;
                while (element.isArray()) {
                    element = element.getComponentType();
                }
                if (!element.isPrimitive() && !allowed.test(element.getName())) {
                    rejected[0] = element.getName();
                    return ObjectInputFilter.Status.REJECTED;
                }
            }
            return ObjectInputFilter.Status.UNDECIDED;
        };
    }

    @Override
    public byte[] encode(Object value) {
        byte[] fast = FastPath.encode(value);
        if (fast != null) {
            return fast;
        }
        EncodeBuffer out = new EncodeBuffer(128);
        encode(value, out);
        return out.toByteArray();
    }

    @Override
    public int encode(Object value, EncodeBuffer out) {
        int fast = FastPath.encode(value, out);
        if (fast >= 0) {
            return fast;
        }
        int start = out.length();
        out.write(CODEC_TAG, 0, 1);
        try (ObjectOutputStream oos = new ObjectOutputStream(new BufferStream(out))) {
            oos.writeObject(value);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            out.reset(out.array(), start);
            SerializabilityProbe.Finding finding = SerializabilityProbe.explain(value);
            if (finding != null) {
                throw new NotSerializableValueException("Cannot serialize " + ForyCodec.describe(value) + ": "
                        + finding.message(), finding.offending().getName(), e);
            }
            String offending = e instanceof NotSerializableException nse ? nse.getMessage()
                    : value == null ? "null" : value.getClass().getName();
            throw new NotSerializableValueException("Cannot serialize " + ForyCodec.describe(value) + ": " + e,
                    offending, e);
        }
        return out.length() - start;
    }

    @Override
    public Object decode(byte[] bytes, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length == 0) {
            throw new CodecException("Cannot decode: no bytes (an encoded value has at least one)");
        }
        if (bytes[offset] != FastPath.CODEC) {
            return FastPath.decode(bytes, offset, length);
        }
        return decodeStream(bytes, offset + 1, length - 1);
    }

    /** Decodes the serialization stream that follows a value's tag: {@code length} bytes at {@code offset}. */
    Object decodeStream(byte[] bytes, int offset, int length) {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes, offset, length);
        String[] rejected = new String[1];
        try (ObjectInputStream ois = new ObjectInputStream(in)) {
            ois.setObjectInputFilter(filter(rejected));
            Object value = ois.readObject();
            if (in.available() != 0) {
                throw new CodecException("Corrupt encoding: " + in.available() + " bytes left after the value");
            }
            return value;
        } catch (ClassNotFoundException e) {
            throw new CodecException("Cannot decode: class " + e.getMessage() + " is not present in this JVM "
                    + "(is the class path the same on both sides?)", e);
        } catch (InvalidClassException e) {
            if (rejected[0] != null) {
                throw new CodecException("Cannot decode: class " + rejected[0] + " refused by the input filter "
                        + (allowed == null ? "" : "(not on the allow-list of this restricted codec)"), e);
            }
            throw new CodecException("Cannot decode: incompatible class " + e.classname + ": " + e.getMessage(), e);
        } catch (EOFException e) {
            throw new CodecException("Cannot decode: truncated bytes", e);
        } catch (ObjectStreamException e) {
            throw new CodecException("Cannot decode: corrupt bytes (" + e + ")", e);
        } catch (CodecException e) {
            throw e;
        } catch (IOException | RuntimeException | StackOverflowError | OutOfMemoryError | LinkageError e) {
            throw new CodecException("Cannot decode: corrupt or truncated bytes (" + e + ")", e);
        }
    }

    @Override
    public Object decode(MemorySegment slice) {
        if (slice.heapBase().orElse(null) instanceof byte[] array) {
            return decode(array, (int) slice.address(), Math.toIntExact(slice.byteSize()));
        }
        if (slice.byteSize() > 0 && slice.get(ValueLayout.JAVA_BYTE, 0) != FastPath.CODEC) {
            return FastPath.decode(slice);
        }
        return decode(slice.toArray(ValueLayout.JAVA_BYTE));
    }

    private static final byte[] CODEC_TAG = {FastPath.CODEC};

    /** Writes straight into the caller's buffer. */
    private static final class BufferStream extends OutputStream {
        private final EncodeBuffer out;

        BufferStream(EncodeBuffer out) {
            this.out = out;
        }

        @Override
        public void write(int b) {
            out.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            out.write(b, off, len);
        }
    }

    @Override
    public String toString() {
        return allowed == null ? "JdkCodec" : "JdkCodec(restricted)";
    }
}
