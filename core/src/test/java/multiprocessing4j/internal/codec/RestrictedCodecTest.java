package multiprocessing4j.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import multiprocessing4j.SerializableCallable;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Codecs#restricted}: a decoder for untrusted peers refuses every class its allow-list does not accept. */
class RestrictedCodecTest {

    static Stream<Named<Codec[]>> pairs() {
        return Stream.of(
                Named.of("fory", new Codec[] {Codecs.defaultCodec(), Codecs.restricted(name -> false)}),
                Named.of("jdk", new Codec[] {Codecs.jdkCodec(), Codecs.restrictedJdk(name -> false)}));
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void builtInTypesAreAccepted(Codec[] pair) {
        Map<String, Object> value = new HashMap<>();
        value.put("list", new ArrayList<>(List.of(1L, 2.5d, "s")));
        value.put("date", LocalDate.of(2024, 1, 2));
        value.put("array", new String[] {"a"});
        value.put("ints", new int[] {1});
        Object decoded = pair[1].decode(pair[0].encode(value));
        assertEquals(value.get("list"), ((Map<?, ?>) decoded).get("list"));
        assertEquals(value.get("date"), ((Map<?, ?>) decoded).get("date"));
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void userClassNotOnTheListIsRefusedByName(Codec[] pair) {
        byte[] bytes = pair[0].encode(new Fixtures.Point(1, 2));
        CodecException e = assertThrows(CodecException.class, () -> pair[1].decode(bytes));
        assertTrue(e.getMessage().contains("multiprocessing4j.internal.codec.Fixtures$Point"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void userClassNestedInACollectionIsRefused(Codec[] pair) {
        byte[] bytes = pair[0].encode(new ArrayList<>(List.of("ok", new Fixtures.Point(1, 2))));
        CodecException e = assertThrows(CodecException.class, () -> pair[1].decode(bytes));
        assertTrue(e.getMessage().contains("Fixtures$Point"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void arrayOfARefusedClassIsRefused(Codec[] pair) {
        byte[] bytes = pair[0].encode(new Fixtures.Point[] {new Fixtures.Point(1, 2)});
        assertThrows(CodecException.class, () -> pair[1].decode(bytes));
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void lambdasAreRefused(Codec[] pair) {
        SerializableCallable<Integer> task = () -> 1;
        byte[] bytes = pair[0].encode(task);
        assertThrows(CodecException.class, () -> pair[1].decode(bytes));
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void remoteFailureIsAccepted(Codec[] pair) {
        RemoteFailure failure = RemoteFailure.capture(new IllegalStateException("boom"), pair[0]);
        RemoteFailure copy = (RemoteFailure) pair[1].decode(pair[0].encode(failure));
        assertEquals("java.lang.IllegalStateException", copy.className());
    }

    @Test
    void classAcceptedByPrefixDecodes() {
        Codec restricted = Codecs.restricted(Set.of("multiprocessing4j.internal.codec.Fixtures$"));
        Fixtures.Line line = new Fixtures.Line(new Fixtures.Point(1, 2), new Fixtures.Point(3, 4), "l");
        assertEquals(line, restricted.decode(Codecs.defaultCodec().encode(line)));
    }

    @Test
    void builtInsAdmitOnlyTheLibrarysExportedPackagesNotEverythingNamedMultiprocessing4j() {
        assertTrue(Codecs.BUILT_INS.test("multiprocessing4j.shared.SharedLong$Handle"));
        assertTrue(Codecs.BUILT_INS.test("multiprocessing4j.RemoteException"));
        assertTrue(Codecs.BUILT_INS.test("[Lmultiprocessing4j.sync.ProcessLock;"));
        org.junit.jupiter.api.Assertions.assertFalse(Codecs.BUILT_INS.test("multiprocessing4j.internal.pool.Task"));
        org.junit.jupiter.api.Assertions.assertFalse(Codecs.BUILT_INS.test("multiprocessing4j.examples.LockedOutput"));
        org.junit.jupiter.api.Assertions.assertFalse(Codecs.BUILT_INS.test("multiprocessing4j.cli.Main"));
    }
}
