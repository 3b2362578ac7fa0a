package multiprocessing4j.internal.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The envelope every codec here writes: one tag byte, then either a common value written directly
 * or the codec's own encoding. Most messages on queues and pipes are byte arrays, strings and
 * boxed numbers; a general serializer spends ≈ 250 ns on each (type resolution, reference tracking,
 * a header), this path ≈ 10 ns plus the copy.
 *
 * <p>Layout (little-endian), by tag:
 * <pre>
 *   CODEC  0   the codec's own encoding of the value follows (anything not below)
 *   NULL   1   nothing follows
 *   BYTES  2   int32 length n, n bytes                          (exactly byte[], not a subclass view)
 *   LATIN1 3   int32 length n, n bytes, one per char            (a String whose chars are all &lt; 256)
 *   UTF16  4   int32 length n, 2n bytes, one char each          (any other String, unpaired surrogates kept)
 *   INT 5 · LONG 6 · DOUBLE 7 · FLOAT 8 · SHORT 9 · BYTE 10 · CHAR 11   the value's 4/8/8/4/2/1/2 bytes (raw bits)
 *   FALSE 12 · TRUE 13                                          nothing follows
 *   JDK   14   a JDK serialization stream follows (written by {@link WarmingCodec} while Fory is not warm)
 * </pre>
 * Only exact classes take this path (the boxes and {@code String} are final), so a value comes back
 * with the class it had. Every type here is one {@link Codecs#BUILT_INS} accepts, so a restricted
 * codec's allow-list has nothing to refuse on this path; anything else goes through the codec and its
 * checks as before. Lengths are explicit so that truncated or over-long input is detected
 * ({@link CodecException}), as the codecs' own formats detect it.
 */
final class FastPath {
    static final byte CODEC = 0;
    static final byte NULL = 1;
    static final byte BYTES = 2;
    static final byte LATIN1 = 3;
    static final byte UTF16 = 4;
    static final byte INT = 5;
    static final byte LONG = 6;
    static final byte DOUBLE = 7;
    static final byte FLOAT = 8;
    static final byte SHORT = 9;
    static final byte BYTE = 10;
    static final byte CHAR = 11;
    static final byte FALSE = 12;
    static final byte TRUE = 13;
    static final byte JDK = 14;

    /** Tag plus int32 length: the header of BYTES, LATIN1 and UTF16. */
    static final int ARRAY_HEADER = 5;

    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt SEG_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private FastPath() {
    }

    /** Whether {@code value} travels on this path (its encoding then fails only for a value of 2 GiB or more). */
    static boolean handles(Object value) {
        if (value == null) {
            return true;
        }
        Class<?> type = value.getClass();
        return type == byte[].class || type == String.class || type == Integer.class || type == Long.class
                || type == Double.class || type == Boolean.class || type == Float.class || type == Short.class
                || type == Byte.class || type == Character.class;
    }

    /**
     * Appends the encoding of {@code value} if it is one of ours.
     *
     * @return the bytes appended, or {@code -1} (nothing appended) if the codec must encode it
     */
    static int encode(Object value, EncodeBuffer out) {
        int start = out.length();
        if (value == null) {
            out.ensureCapacity(start + 1);
            out.array()[start] = NULL;
            out.setLength(start + 1);
            return 1;
        }
        Class<?> type = value.getClass();
        if (type == byte[].class) {
            byte[] bytes = (byte[]) value;
            int n = bytes.length;
            checkSize(start, n, "byte[]");
            out.ensureCapacity(start + ARRAY_HEADER + n);
            byte[] a = out.array();
            a[start] = BYTES;
            INT_LE.set(a, start + 1, n);
            System.arraycopy(bytes, 0, a, start + ARRAY_HEADER, n);
            return end(out, start, start + ARRAY_HEADER + n);
        }
        if (type == String.class) {
            return encodeString((String) value, out, start);
        }
        if (type == Integer.class) {
            return putInt(out, start, INT, (Integer) value);
        }
        if (type == Long.class) {
            return putLong(out, start, LONG, (Long) value);
        }
        if (type == Double.class) {
            return putLong(out, start, DOUBLE, Double.doubleToRawLongBits((Double) value));
        }
        if (type == Boolean.class) {
            out.ensureCapacity(start + 1);
            out.array()[start] = (Boolean) value ? TRUE : FALSE;
            return end(out, start, start + 1);
        }
        if (type == Float.class) {
            return putInt(out, start, FLOAT, Float.floatToRawIntBits((Float) value));
        }
        if (type == Short.class) {
            return putShort(out, start, SHORT, (Short) value);
        }
        if (type == Character.class) {
            return putShort(out, start, CHAR, (short) (char) (Character) value);
        }
        if (type == Byte.class) {
            out.ensureCapacity(start + 2);
            out.array()[start] = BYTE;
            out.array()[start + 1] = (Byte) value;
            return end(out, start, start + 2);
        }
        return -1;
    }

    /** The encoding of {@code value} as an array of exactly its length, or {@code null} if the codec must encode it. */
    static byte[] encode(Object value) {
        if (!handles(value)) {
            return null;
        }
        // Exact for byte arrays and Latin-1 strings (no copy at the end); a UTF-16 string grows once.
        int size = value instanceof byte[] b ? ARRAY_HEADER + b.length
                : value instanceof String str ? ARRAY_HEADER + str.length() : 16;
        EncodeBuffer out = new EncodeBuffer(size);
        encode(value, out);
        return out.array().length == out.length() ? out.array() : out.toByteArray();
    }

    private static int encodeString(String s, EncodeBuffer out, int start) {
        int n = s.length();
        checkSize(start, 2L * n, "String");
        out.ensureCapacity(start + ARRAY_HEADER + n);
        byte[] a = out.array();
        int at = start + ARRAY_HEADER;
        int i = 0;
        // Optimistically one byte per char; most strings are Latin-1 (Java keeps them so internally too).
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c > 0xFF) {
                break;
            }
            a[at + i] = (byte) c;
        }
        if (i == n) {
            a[start] = LATIN1;
            INT_LE.set(a, start + 1, n);
            return end(out, start, at + n);
        }
        out.ensureCapacity(start + ARRAY_HEADER + 2 * n);
        a = out.array();
        a[start] = UTF16;
        INT_LE.set(a, start + 1, n);
        for (int j = 0; j < n; j++) {
            SHORT_LE.set(a, at + 2 * j, (short) s.charAt(j));
        }
        return end(out, start, at + 2 * n);
    }

    /** Longest encoding a buffer holds: arrays cannot be larger. */
    private static final int MAX_ENCODED = Integer.MAX_VALUE - 16;

    private static void checkSize(int start, long payload, String type) {
        if (start + ARRAY_HEADER + payload > MAX_ENCODED) {
            throw new NotSerializableValueException("Cannot serialize a " + type + " whose encoding could take up to "
                    + (ARRAY_HEADER + payload) + " bytes" + (start > 0 ? " after the " + start + " already in the buffer" : "")
                    + ": an encoded value is less than 2 GiB", type.equals("String") ? "java.lang.String" : "[B", null);
        }
    }

    /** Sets the buffer's length to {@code end}; returns what was appended since {@code start}. */
    private static int end(EncodeBuffer out, int start, int end) {
        out.setLength(end);
        return end - start;
    }

    private static int putInt(EncodeBuffer out, int start, byte tag, int v) {
        out.ensureCapacity(start + 5);
        out.array()[start] = tag;
        INT_LE.set(out.array(), start + 1, v);
        return end(out, start, start + 5);
    }

    private static int putLong(EncodeBuffer out, int start, byte tag, long v) {
        out.ensureCapacity(start + 9);
        out.array()[start] = tag;
        LONG_LE.set(out.array(), start + 1, v);
        return end(out, start, start + 9);
    }

    private static int putShort(EncodeBuffer out, int start, byte tag, short v) {
        out.ensureCapacity(start + 3);
        out.array()[start] = tag;
        SHORT_LE.set(out.array(), start + 1, v);
        return end(out, start, start + 3);
    }

    /**
     * Decodes a value whose tag is not {@link #CODEC}.
     *
     * @throws CodecException if the tag is unknown or the length does not match the tag
     */
    static Object decode(byte[] b, int off, int len) {
        byte tag = b[off];
        if (tag == BYTES) {
            // The commonest message first, and small enough to inline into the caller.
            int n = arrayLength(len, len >= ARRAY_HEADER ? (int) INT_LE.get(b, off + 1) : -1, tag);
            return Arrays.copyOfRange(b, off + ARRAY_HEADER, off + ARRAY_HEADER + n);
        }
        return decodeOther(b, off, len, tag);
    }

    private static Object decodeOther(byte[] b, int off, int len, byte tag) {
        switch (tag) {
            case NULL -> {
                expect(len, 1, tag);
                return null;
            }
            case LATIN1, UTF16 -> {
                int n = arrayLength(len, len >= ARRAY_HEADER ? (int) INT_LE.get(b, off + 1) : -1, tag);
                int at = off + ARRAY_HEADER;
                if (tag == LATIN1) {
                    return new String(b, at, n, StandardCharsets.ISO_8859_1);
                }
                char[] chars = new char[n];
                for (int j = 0; j < n; j++) {
                    chars[j] = (char) (short) SHORT_LE.get(b, at + 2 * j);
                }
                return new String(chars);
            }
            case INT -> {
                expect(len, 5, tag);
                return (int) INT_LE.get(b, off + 1);
            }
            case LONG -> {
                expect(len, 9, tag);
                return (long) LONG_LE.get(b, off + 1);
            }
            case DOUBLE -> {
                expect(len, 9, tag);
                return Double.longBitsToDouble((long) LONG_LE.get(b, off + 1));
            }
            case FLOAT -> {
                expect(len, 5, tag);
                return Float.intBitsToFloat((int) INT_LE.get(b, off + 1));
            }
            case SHORT -> {
                expect(len, 3, tag);
                return (short) SHORT_LE.get(b, off + 1);
            }
            case CHAR -> {
                expect(len, 3, tag);
                return (char) (short) SHORT_LE.get(b, off + 1);
            }
            case BYTE -> {
                expect(len, 2, tag);
                return b[off + 1];
            }
            case FALSE, TRUE -> {
                expect(len, 1, tag);
                return tag == TRUE;
            }
            default -> throw new CodecException("Cannot decode: corrupt bytes (unknown value tag " + tag + ")");
        }
    }

    /**
     * {@link #decode(byte[], int, int)} straight from a (native) segment: a byte array or a string is copied
     * once, from the segment into the value.
     */
    static Object decode(MemorySegment s) {
        long size = s.byteSize();
        byte tag = s.get(ValueLayout.JAVA_BYTE, 0);
        if ((tag == BYTES || tag == LATIN1) && size >= ARRAY_HEADER) {
            int n = arrayLength(size, s.get(SEG_INT, 1), tag);
            byte[] bytes = new byte[n];
            MemorySegment.copy(s, ValueLayout.JAVA_BYTE, ARRAY_HEADER, bytes, 0, n);
            return tag == BYTES ? bytes : new String(bytes, StandardCharsets.ISO_8859_1);
        }
        byte[] bytes = s.toArray(ValueLayout.JAVA_BYTE);
        return decode(bytes, 0, bytes.length);
    }

    private static int arrayLength(long len, int n, byte tag) {
        long perElement = tag == UTF16 ? 2 : 1;
        if (n < 0 || len != ARRAY_HEADER + perElement * n) {
            throw new CodecException("Corrupt encoding: " + len + " bytes do not hold a value of tag " + tag
                    + (n < 0 ? "" : " and length " + n));
        }
        return n;
    }

    private static void expect(int len, int expected, byte tag) {
        if (len != expected) {
            throw new CodecException("Corrupt encoding: a value of tag " + tag + " takes " + expected + " bytes, not " + len);
        }
    }
}
