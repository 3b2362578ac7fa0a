package multiprocessing4j.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.stream.Stream;

import multiprocessing4j.RemoteException;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link RemoteFailure}: exceptions cross process boundaries with their remote trace, always. */
class RemoteFailureTest {

    static Stream<Named<Codec>> codecs() {
        return Stream.of(Named.of("fory", Codecs.defaultCodec()), Named.of("jdk", Codecs.jdkCodec()));
    }

    /** What the receiving side sees: the failure after a trip through the codec. */
    private static RemoteFailure sent(Codec codec, Throwable t) {
        return (RemoteFailure) codec.decode(codec.encode(RemoteFailure.capture(t, codec)));
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void serializableExceptionIsRebuiltWithItsTypeAndRemoteTrace(Codec codec) {
        Fixtures.CustomFailure original = new Fixtures.CustomFailure("bad", 7, null);
        Throwable rebuilt = sent(codec, original).rebuild(codec);
        assertEquals(original, rebuilt);
        assertArrayEquals(original.getStackTrace(), rebuilt.getStackTrace());
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void remoteExceptionCarriesClassMessageTraceAndOriginal(Codec codec) {
        IllegalStateException original = new IllegalStateException("broken");
        RemoteException e = sent(codec, original).toRemoteException(codec);
        assertEquals("java.lang.IllegalStateException", e.remoteClassName());
        assertEquals("broken", e.remoteMessage());
        assertArrayEquals(original.getStackTrace(), e.getStackTrace());
        assertInstanceOf(IllegalStateException.class, e.original().orElseThrow());
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void causeChainAndSuppressedSurvive(Codec codec) {
        IOException root = new IOException("disk");
        Fixtures.CustomFailure top = new Fixtures.CustomFailure("top", 1, new UncheckedIOException("wrapped", root));
        top.addSuppressed(new IllegalArgumentException("also"));
        RemoteException e = sent(codec, top).toRemoteException(codec);
        RemoteException cause = (RemoteException) e.getCause();
        assertEquals("java.io.UncheckedIOException", cause.remoteClassName());
        assertEquals("java.io.IOException", ((RemoteException) cause.getCause()).remoteClassName());
        assertEquals("java.lang.IllegalArgumentException", ((RemoteException) e.getSuppressed()[0]).remoteClassName());
        Throwable rebuilt = sent(codec, top).rebuild(codec);
        assertEquals("disk", rebuilt.getCause().getCause().getMessage());
        assertEquals("also", rebuilt.getSuppressed()[0].getMessage());
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void exceptionWithNonSerializableFieldBecomesRemoteException(Codec codec) {
        Fixtures.SocketFailure original = new Fixtures.SocketFailure("socket trouble");
        RemoteFailure failure = sent(codec, original);
        assertFalse(failure.hasOriginal());
        Throwable rebuilt = failure.rebuild(codec);
        RemoteException e = assertInstanceOf(RemoteException.class, rebuilt);
        assertEquals(Fixtures.SocketFailure.class.getName(), e.remoteClassName());
        assertEquals("socket trouble", e.remoteMessage());
        assertArrayEquals(original.getStackTrace(), e.getStackTrace());
        assertTrue(e.original().isEmpty());
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void exceptionWhoseClassIsMissingHereBecomesRemoteException(Codec codec) throws Exception {
        Throwable original = (Throwable) Fixtures.instanceOfMissingClass("phantom.MissingException",
                "java.lang.RuntimeException");
        byte[] bytes = codec.encode(RemoteFailure.capture(original, codec));
        Codec elsewhere = codec instanceof ForyCodec ? new ForyCodec(null) : new JdkCodec(null);
        RemoteFailure failure = (RemoteFailure) elsewhere.decode(bytes);
        assertTrue(failure.hasOriginal());
        RemoteException e = assertInstanceOf(RemoteException.class, failure.rebuild(elsewhere));
        assertEquals("phantom.MissingException", e.remoteClassName());
        assertNull(e.remoteMessage());
        assertArrayEquals(original.getStackTrace(), e.getStackTrace());
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void nonSerializableCauseKeepsTheChainAsData(Codec codec) {
        RuntimeException top = new RuntimeException("top", new Fixtures.SocketFailure("deep"));
        RemoteException e = sent(codec, top).toRemoteException(codec);
        assertTrue(e.original().isEmpty());
        assertEquals("deep", ((RemoteException) e.getCause()).remoteMessage());
    }
}
