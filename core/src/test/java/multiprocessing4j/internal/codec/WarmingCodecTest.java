package multiprocessing4j.internal.codec;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import multiprocessing4j.SerializableFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the pools' codec speaks JDK serialization until Fory is warm on both sides, and reads both throughout. */
@Timeout(60)
class WarmingCodecTest {
    record Point(int x, String label) implements java.io.Serializable {
    }

    @Test
    void whileThePeersDoNotReadForyAValueTravelsAsAJdkStreamNamedInItsFirstByte() {
        WarmingCodec codec = new WarmingCodec(() -> false);
        byte[] bytes = codec.encode(new Point(1, "a"));
        assertEquals(FastPath.JDK, bytes[0]);
        assertEquals(new Point(1, "a"), codec.decode(bytes));
    }

    @Test
    void foryBytesAreReadAtAnyTimeSoThatTheTwoSidesNeverHaveToAgreeOnWhenToSwitch() {
        WarmingCodec cold = new WarmingCodec(() -> false);
        byte[] fory = Codecs.defaultCodec().encode(List.of(new Point(2, "b")));
        assertEquals(FastPath.CODEC, fory[0]);
        assertEquals(List.of(new Point(2, "b")), cold.decode(fory));
    }

    @Test
    void lambdasTravelBeforeForyIsWarm() {
        WarmingCodec codec = new WarmingCodec(() -> false);
        int offset = 40;
        SerializableFunction<Integer, Integer> plus = x -> x + offset;
        @SuppressWarnings("unchecked")
        SerializableFunction<Integer, Integer> copy = (SerializableFunction<Integer, Integer>) codec.decode(codec.encode(plus));
        assertEquals(42, copy.apply(2));
    }

    @Test
    void afterAFirstRoundTripForyWarmsUpAndIsSpokenOnceThePeersSayTheyReadIt() throws InterruptedException {
        AtomicBoolean peersReadFory = new AtomicBoolean();
        WarmingCodec codec = new WarmingCodec(peersReadFory::get);
        codec.decode(codec.encode(new Point(3, "c")));
        CountDownLatch warm = new CountDownLatch(1);
        codec.whenWarm(warm::countDown);
        assertTrue(warm.await(30, TimeUnit.SECONDS), "Fory did not warm up");
        assertEquals(FastPath.JDK, codec.encode(new Point(4, "d"))[0], "Fory before the peers read it");

        peersReadFory.set(true);
        byte[] bytes = codec.encode(new Point(4, "d"));

        assertEquals(FastPath.CODEC, bytes[0]);
        assertEquals(new Point(4, "d"), codec.decode(bytes));
    }

    @Test
    void commonValuesTakeTheFastPathWhateverTheState() {
        WarmingCodec codec = new WarmingCodec(() -> false);
        assertEquals(FastPath.INT, codec.encode(7)[0]);
        assertEquals(7, codec.decode(codec.encode(7)));
        EncodeBuffer out = new EncodeBuffer();
        int n = codec.encode(new Point(5, "e"), out);
        assertEquals(FastPath.JDK, out.array()[0]);
        assertEquals(new Point(5, "e"), codec.decode(out.array(), 0, n));
    }
}
