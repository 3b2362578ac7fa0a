package multiprocessing4j.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link FastPath}: byte arrays, strings, boxed primitives and {@code null} are written directly by every codec,
 * come back exactly (same class, same bits), and corrupt envelopes fail with {@link CodecException} only.
 */
class FastPathTest {

    /** Encoder and decoder: each codec with itself, and with its restricted twin (as a manager server decodes). */
    static Stream<Named<Codec[]>> pairs() {
        return Stream.of(
                Named.of("fory", new Codec[] {Codecs.defaultCodec(), Codecs.defaultCodec()}),
                Named.of("jdk", new Codec[] {Codecs.jdkCodec(), Codecs.jdkCodec()}),
                Named.of("fory→restricted", new Codec[] {Codecs.defaultCodec(), Codecs.restricted(name -> false)}),
                Named.of("jdk→restricted", new Codec[] {Codecs.jdkCodec(), Codecs.restrictedJdk(name -> false)}));
    }

    static Stream<Named<Codec>> codecs() {
        return Stream.of(Named.of("fory", Codecs.defaultCodec()), Named.of("jdk", Codecs.jdkCodec()));
    }

    private static final String UNPAIRED_SURROGATE = "a\uD800b";

    /** One of each fast-path type, with the edge values. */
    static List<Object> samples() {
        List<Object> values = new ArrayList<>(List.of(
                new byte[0], new byte[] {-1}, bytes(1000), bytes(100_000),
                "", "ascii", "Latin-1: é ÿ", "€ beyond Latin-1", "😀 supplementary", UNPAIRED_SURROGATE, "\0",
                0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 1234567,
                0L, Long.MIN_VALUE, Long.MAX_VALUE,
                0.0d, -0.0d, Double.NaN, Double.longBitsToDouble(0x7ff8_0000_dead_beefL), Double.NEGATIVE_INFINITY,
                Double.MIN_VALUE, 1.0f, -0.0f, Float.intBitsToFloat(0x7fc0_1234), Float.MAX_VALUE,
                (short) -32768, (short) 7, (byte) -128, (byte) 1, 'c', '\uFFFF', '\uD800', true, false));
        values.add("x".repeat(70_000));
        values.add("ü".repeat(70_000) + "€");
        return values;
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31);
        }
        return b;
    }

    private static void assertExact(Object expected, Object actual) {
        if (expected == null) {
            assertNull(actual);
            return;
        }
        assertInstanceOf(expected.getClass(), actual);
        assertEquals(expected.getClass(), actual.getClass());
        switch (expected) {
            case byte[] b -> assertArrayEquals(b, (byte[]) actual);
            case Double d -> assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits((Double) actual));
            case Float f -> assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits((Float) actual));
            default -> assertEquals(expected, actual);
        }
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void everyFastPathTypeRoundTripsWithItsClassAndBits(Codec[] pair) {
        List<Object> values = samples();
        values.add(null);
        for (Object v : values) {
            byte[] encoded = pair[0].encode(v);
            assertTrue(encoded[0] != FastPath.CODEC, "fast path for " + v);
            assertExact(v, pair[1].decode(encoded));
        }
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void fastAndCodecValuesMixInOneBufferAndDecodeFromRegions(Codec[] pair) {
        List<Object> values = new ArrayList<>();
        for (Object v : samples()) {
            values.add(v);
            values.add(List.of("boxed in a list", 1)); // through the codec proper
        }
        EncodeBuffer out = new EncodeBuffer(1);
        int[] ends = new int[values.size()];
        for (int i = 0; i < values.size(); i++) {
            pair[0].encode(values.get(i), out);
            ends[i] = out.length();
        }
        for (int i = 0; i < values.size(); i++) {
            int start = i == 0 ? 0 : ends[i - 1];
            assertExact(values.get(i), pair[1].decode(out.array(), start, ends[i] - start));
        }
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void decodesFromNativeAndHeapSegments(Codec[] pair) {
        try (Arena arena = Arena.ofConfined()) {
            for (Object v : samples()) {
                byte[] encoded = pair[0].encode(v);
                MemorySegment ring = arena.allocate(encoded.length + 16);
                MemorySegment.copy(MemorySegment.ofArray(encoded), 0, ring, 16, encoded.length);
                assertExact(v, pair[1].decode(ring.asSlice(16, encoded.length)));
                assertExact(v, pair[1].decode(MemorySegment.ofArray(encoded)));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void bothEncodeFormsProduceTheSameBytes(Codec codec) {
        for (Object v : samples()) {
            EncodeBuffer out = new EncodeBuffer(0);
            int n = codec.encode(v, out);
            assertArrayEquals(codec.encode(v), Arrays.copyOf(out.array(), n), String.valueOf(v));
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void byteArraysInsideOtherValuesStillGoThroughTheCodec(Codec codec) {
        List<byte[]> value = List.of(new byte[] {1, 2}, new byte[0]);
        byte[] encoded = codec.encode(value);
        assertEquals(FastPath.CODEC, encoded[0]);
        @SuppressWarnings("unchecked")
        List<byte[]> copy = (List<byte[]>) codec.decode(encoded);
        assertArrayEquals(value.get(0), copy.get(0));
        assertArrayEquals(value.get(1), copy.get(1));
        int[] ints = {1, 2, 3};
        assertArrayEquals(ints, (int[]) codec.decode(codec.encode(ints)));
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void truncatedOrOverlongEnvelopesFailWithCodecException(Codec codec) {
        for (Object v : List.of(new byte[] {1, 2, 3}, new byte[0], "abc", "€", 5, 5L, 5.0d, 5.0f, (short) 5, (byte) 5, 'c', true)) {
            byte[] encoded = codec.encode(v);
            for (int n = 0; n < encoded.length; n++) {
                byte[] prefix = Arrays.copyOf(encoded, n);
                assertThrows(CodecException.class, () -> codec.decode(prefix), v + ": prefix of " + n);
            }
            byte[] longer = Arrays.copyOf(encoded, encoded.length + 1);
            assertThrows(CodecException.class, () -> codec.decode(longer), v + ": one byte too many");
        }
        byte[] nullEncoded = codec.encode(null);
        assertThrows(CodecException.class, () -> codec.decode(Arrays.copyOf(nullEncoded, 2)));
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void lengthFieldsThatLieFailWithCodecException(Codec codec) {
        byte[] encoded = codec.encode(new byte[] {1, 2, 3, 4});
        for (int lie : new int[] {-1, Integer.MIN_VALUE, Integer.MAX_VALUE, 3, 5}) {
            byte[] corrupt = encoded.clone();
            corrupt[1] = (byte) lie;
            corrupt[2] = (byte) (lie >> 8);
            corrupt[3] = (byte) (lie >> 16);
            corrupt[4] = (byte) (lie >> 24);
            assertThrows(CodecException.class, () -> codec.decode(corrupt), "length " + lie);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment slice = arena.allocate(corrupt.length);
                MemorySegment.copy(MemorySegment.ofArray(corrupt), 0, slice, 0, corrupt.length);
                assertThrows(CodecException.class, () -> codec.decode(slice), "length " + lie + " in a native segment");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void unknownTagFailsWithCodecException(Codec codec) {
        CodecException e = assertThrows(CodecException.class, () -> codec.decode(new byte[] {99, 0, 0}));
        assertTrue(e.getMessage().contains("tag"), e.getMessage());
        assertThrows(CodecException.class, () -> codec.decode(new byte[0]));
    }
}
