package multiprocessing4j.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import multiprocessing4j.SerializableCallable;
import multiprocessing4j.SerializableFunction;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link Codec} contract, checked for every codec: Fory (default), JDK serialization (fallback), and the
 * pools' {@link WarmingCodec} both while it speaks JDK serialization and once it speaks Fory.
 */
class CodecContractTest {

    static Stream<Named<Codec>> codecs() {
        Codecs.warmUpDefault(); // so that the second warming codec speaks Fory from its first value
        return Stream.of(Named.of("fory", Codecs.defaultCodec()), Named.of("jdk", Codecs.jdkCodec()),
                Named.of("warming, peers cold", new WarmingCodec(() -> false)),
                Named.of("warming, all warm", new WarmingCodec(() -> true)));
    }

    private static Object roundTrip(Codec codec, Object value) {
        return codec.decode(codec.encode(value));
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void primitivesAndStringsRoundTrip(Codec codec) {
        for (Object v : List.of(42, 42L, 3.5d, 2.5f, (short) 7, (byte) 1, 'c', true, "héllo", "")) {
            assertEquals(v, roundTrip(codec, v));
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void nullRoundTrips(Codec codec) {
        assertNull(roundTrip(codec, null));
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void collectionsAndArraysRoundTrip(Codec codec) {
        Map<String, List<Integer>> map = new HashMap<>(Map.of("a", List.of(1, 2), "b", new ArrayList<>(List.of(3))));
        assertEquals(map, roundTrip(codec, map));
        assertEquals(new TreeSet<>(List.of("x", "y")), roundTrip(codec, new TreeSet<>(List.of("y", "x"))));
        assertArrayEquals(new long[] {1, 2, 3}, (long[]) roundTrip(codec, new long[] {1, 2, 3}));
        assertArrayEquals(new String[] {"a", null}, (String[]) roundTrip(codec, new String[] {"a", null}));
        assertEquals(Duration.ofSeconds(5), roundTrip(codec, Duration.ofSeconds(5)));
        assertEquals(Instant.EPOCH, roundTrip(codec, Instant.EPOCH));
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void nestedRecordsRoundTrip(Codec codec) {
        Fixtures.Line line = new Fixtures.Line(new Fixtures.Point(1, 2), new Fixtures.Point(3, 4), "l");
        assertEquals(line, roundTrip(codec, line));
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void cyclesAndSharedReferencesSurvive(Codec codec) {
        Fixtures.Node a = new Fixtures.Node("a");
        Fixtures.Node b = new Fixtures.Node("b");
        a.next = b;
        b.next = a;
        Fixtures.Node copy = (Fixtures.Node) roundTrip(codec, a);
        assertEquals("b", copy.next.name);
        assertSame(copy, copy.next.next);
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void serializableLambdaWithCapturesRuns(Codec codec) throws Exception {
        int base = 40;
        String suffix = "!";
        SerializableCallable<String> task = () -> (base + 2) + suffix;
        @SuppressWarnings("unchecked")
        SerializableCallable<String> copy = (SerializableCallable<String>) roundTrip(codec, task);
        assertEquals("42!", copy.call());
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void serializableMethodReferenceRuns(Codec codec) {
        SerializableFunction<String, Integer> f = String::length;
        @SuppressWarnings("unchecked")
        SerializableFunction<String, Integer> copy = (SerializableFunction<String, Integer>) roundTrip(codec, f);
        assertEquals(5, copy.apply("hello"));
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void writeReplaceAndReadResolveReattachHandles(Codec codec) {
        Fixtures.Handle handle = new Fixtures.Handle("q1", new Object());
        Fixtures.Handle copy = (Fixtures.Handle) roundTrip(codec, handle);
        assertEquals("q1", copy.name);
        assertEquals("re-attached:q1", copy.attached);
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void lambdaCapturingAThreadFailsNamingCaptureAndMethod(Codec codec) {
        SerializableCallable<String> task = new Fixtures.Job().capturingThread(Thread.currentThread());
        NotSerializableValueException e = assertThrows(NotSerializableValueException.class, () -> codec.encode(task));
        assertTrue(e.getMessage().contains("lambda in multiprocessing4j.internal.codec.Fixtures$Job.capturingThread()"
                + " captures arg 1 of type java.lang.Thread, which is not serializable"), e.getMessage());
        assertEquals("java.lang.Thread", e.offendingClass());
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void lambdaCapturingAnInputStreamFailsNamingTheStreamClass(Codec codec) {
        SerializableCallable<String> task = new Fixtures.Job().capturingStream(new ByteArrayInputStream(new byte[0]));
        NotSerializableValueException e = assertThrows(NotSerializableValueException.class, () -> codec.encode(task));
        assertEquals("java.io.ByteArrayInputStream", e.offendingClass());
        assertTrue(e.getMessage().contains("captures arg 1 of type java.io.ByteArrayInputStream"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void nestedNonSerializableFieldFailsWithItsPath(Codec codec) {
        NotSerializableValueException e = assertThrows(NotSerializableValueException.class,
                () -> codec.encode(new Fixtures.Order()));
        assertTrue(e.getMessage().contains("Order.customer -> SerializableCustomer.socket (java.net.Socket)"),
                e.getMessage());
        assertEquals("java.net.Socket", e.offendingClass());
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void plainNonSerializableUserObjectIsRefused(Codec codec) {
        NotSerializableValueException e = assertThrows(NotSerializableValueException.class,
                () -> codec.encode(new Fixtures.OrderWithPlainCustomer()));
        assertEquals(Fixtures.Customer.class.getName(), e.offendingClass());
        assertTrue(e.getMessage().contains("OrderWithPlainCustomer.customer (" + Fixtures.Customer.class.getName()),
                e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void nonSerializableElementOfACollectionIsNamedByIndex(Codec codec) {
        Fixtures.Holder holder = new Fixtures.Holder();
        holder.items.add("fine");
        holder.items.add(new Object());
        NotSerializableValueException e = assertThrows(NotSerializableValueException.class, () -> codec.encode(holder));
        assertTrue(e.getMessage().contains("Holder.items[1] (java.lang.Object)"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void nonSerializableLambdaIsRefusedWithAdvice(Codec codec) {
        Runnable plain = () -> { };
        NotSerializableValueException e = assertThrows(NotSerializableValueException.class, () -> codec.encode(plain));
        assertTrue(e.getMessage().contains("SerializableRunnable"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void missingClassFailsWithCodecExceptionNamingIt(Codec codec) throws Exception {
        byte[] bytes = codec.encode(Fixtures.instanceOfMissingClass("phantom.Missing", "java.lang.Object"));
        boolean fory = codec instanceof ForyCodec || codec instanceof WarmingCodec && bytes[0] == FastPath.CODEC;
        Codec elsewhere = fory ? new ForyCodec(null) // fresh caches, like another JVM
                : codec instanceof WarmingCodec ? new WarmingCodec(() -> false) : new JdkCodec(null);
        CodecException e = assertThrows(CodecException.class, () -> elsewhere.decode(bytes));
        assertTrue(e.getMessage().contains("phantom.Missing"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void truncatedBytesFailWithCodecException(Codec codec) {
        byte[] bytes = codec.encode(new Fixtures.Line(new Fixtures.Point(1, 2), new Fixtures.Point(3, 4), "label"));
        for (int n = 0; n < bytes.length; n++) {
            byte[] prefix = Arrays.copyOf(bytes, n);
            assertThrows(CodecException.class, () -> codec.decode(prefix), "prefix of " + n + " bytes");
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void corruptBytesFailOnlyWithCodecException(Codec codec) {
        byte[] bytes = codec.encode(new Fixtures.Line(new Fixtures.Point(1, 2), new Fixtures.Point(3, 4), "label"));
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < 500; i++) {
            byte[] corrupt = bytes.clone();
            corrupt[random.nextInt(corrupt.length)] = (byte) random.nextInt();
            corrupt[random.nextInt(corrupt.length)] = (byte) random.nextInt();
            try {
                codec.decode(corrupt);
            } catch (CodecException expected) {
                // the only exception allowed; a decoded (wrong) value is also acceptable for a flipped byte
            }
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void trailingGarbageIsRejected(Codec codec) {
        byte[] bytes = codec.encode("value");
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);
        assertThrows(CodecException.class, () -> codec.decode(longer));
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void encodeIntoReusableBufferAppendsAndDecodesFromAnArrayRegion(Codec codec) {
        EncodeBuffer out = new EncodeBuffer(1);
        int first = codec.encode("first", out);
        int second = codec.encode(new Fixtures.Point(5, 6), out);
        assertEquals(first + second, out.length());
        assertEquals("first", codec.decode(out.array(), 0, first));
        assertEquals(new Fixtures.Point(5, 6), codec.decode(out.array(), first, second));
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void failedEncodeLeavesTheBufferAsItWas(Codec codec) {
        EncodeBuffer out = new EncodeBuffer();
        int n = codec.encode("kept", out);
        assertThrows(NotSerializableValueException.class, () -> codec.encode(new Object(), out));
        assertEquals(n, out.length());
        assertEquals("kept", codec.decode(out.array(), 0, n));
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void decodesFromANativeSegmentSlice(Codec codec) {
        EncodeBuffer out = new EncodeBuffer();
        int n = codec.encode(List.of(1, 2, 3), out.clear());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ring = arena.allocate(4096);
            MemorySegment.copy(out.segment(), 0, ring, 100, n);
            assertEquals(List.of(1, 2, 3), codec.decode(ring.asSlice(100, n)));
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void decodesFromAHeapSegmentSlice(Codec codec) {
        byte[] bytes = codec.encode("heap");
        byte[] padded = new byte[bytes.length + 10];
        System.arraycopy(bytes, 0, padded, 7, bytes.length);
        assertEquals("heap", codec.decode(MemorySegment.ofArray(padded).asSlice(7, bytes.length)));
        assertEquals(bytes.length, MemorySegment.ofArray(bytes).byteSize());
        assertInstanceOf(String.class, codec.decode(MemorySegment.ofArray(bytes)));
        assertEquals((byte) bytes[0], MemorySegment.ofArray(bytes).get(ValueLayout.JAVA_BYTE, 0));
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void exceptionSentAsAValueKeepsItsStackTraceAndCause(Codec codec) {
        IllegalStateException original = new IllegalStateException("top", new java.io.IOException("root"));
        Throwable copy = (Throwable) roundTrip(codec, original);
        assertArrayEquals(original.getStackTrace(), copy.getStackTrace());
        assertEquals("root", copy.getCause().getMessage());
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void successiveDecodesOnOneThreadAreIndependent(Codec codec) {
        byte[] longer = codec.encode(List.of("a", "bb", "ccc", 4, 5L));
        byte[] shorter = codec.encode(7);
        byte[] padded = new byte[shorter.length + 5];
        System.arraycopy(shorter, 0, padded, 5, shorter.length);
        for (int i = 0; i < 3; i++) {
            assertEquals(List.of("a", "bb", "ccc", 4, 5L), codec.decode(longer));
            assertEquals(7, codec.decode(padded, 5, shorter.length));
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void optionalIsRefusedAsJavaSerializationDoes(Codec codec) {
        NotSerializableValueException e = assertThrows(NotSerializableValueException.class,
                () -> codec.encode(List.of(java.util.Optional.of(1))));
        assertEquals("java.util.Optional", e.offendingClass());
    }
}
