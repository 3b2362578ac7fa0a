package multiprocessing4j.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzes the server's frame decoding over a real connection: random payloads, and valid calls with bytes
 * flipped, inserted or cut. Whatever arrives, the server answers or drops that one connection, and goes
 * on serving everyone else. Bounded tries keep it quick.
 */
class ManagerFrameFuzzTest {
    private static final byte[] KEY = "fuzz-test-key".getBytes(StandardCharsets.UTF_8);

    private static Manager manager;
    private static List<String> bystander;

    @BeforeContainer
    static void start() {
        manager = Manager.builder().maxFrameLength(1 << 16)
                .serve(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), KEY);
        bystander = manager.list();
    }

    @AfterContainer
    static void stop() {
        manager.close();
    }

    private static void sendAndCheckServerAlive(byte[] payload) throws IOException {
        try (RawManagerConnection raw = new RawManagerConnection(manager.address())) {
            assertTrue(raw.authenticate(KEY));
            raw.writeFrame(payload);
            byte[] reply = raw.readReplyOrClose();
            if (reply != null) {
                assertTrue(reply.length > 0 && reply[0] >= 0 && reply[0] <= 2, "a reply has a status");
            }
        }
        int before = bystander.size();
        bystander.add("x");
        assertEquals(before + 1, bystander.size());
    }

    @Property(tries = 150)
    void randomPayloadsNeverHurtTheServer(@ForAll("payloads") byte[] payload) throws IOException {
        sendAndCheckServerAlive(payload);
    }

    @Property(tries = 150)
    void mutatedCallsNeverHurtTheServer(@ForAll("mutatedCalls") byte[] payload) throws IOException {
        sendAndCheckServerAlive(payload);
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(300);
        // start with a real opcode and object id often, to get past the first checks
        Arbitrary<byte[]> opcodeFirst = Arbitraries.integers().between(1, 6).flatMap(op -> random.map(b -> {
            b[0] = (byte) (int) op;
            return b;
        }));
        return Arbitraries.oneOf(random, opcodeFirst);
    }

    @Provide
    Arbitrary<byte[]> mutatedCalls() {
        byte[] valid = RawManagerConnection.addCall(1, "fuzz");
        Arbitrary<byte[]> flipped = Arbitraries.integers().between(0, valid.length - 1)
                .flatMap(at -> Arbitraries.bytes().map(v -> {
                    byte[] b = valid.clone();
                    b[at] = v;
                    return b;
                }));
        Arbitrary<byte[]> cut = Arbitraries.integers().between(1, valid.length - 1)
                .map(n -> java.util.Arrays.copyOf(valid, n));
        Arbitrary<byte[]> extended = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(20).map(tail -> {
            byte[] b = java.util.Arrays.copyOf(valid, valid.length + tail.length);
            System.arraycopy(tail, 0, b, valid.length, tail.length);
            return b;
        });
        Arbitrary<byte[]> tagged = Arbitraries.integers().between(0, 20).map(tag -> {
            byte[] b = valid.clone();
            b[valid.length - 9] = (byte) (int) tag;
            return b;
        });
        return Arbitraries.oneOf(flipped, cut, extended, tagged);
    }
}
