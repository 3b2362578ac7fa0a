package multiprocessing4j.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad frames from an authenticated peer, and bad handshakes: the offending connection is dropped; the
 * server and its other clients do not notice.
 */
class ManagerFrameTest {
    private static final byte[] KEY = "frame-test-key".getBytes(StandardCharsets.UTF_8);

    private Manager manager;
    private List<String> bystander;

    @BeforeEach
    void start() {
        manager = Manager.builder().maxFrameLength(4096).serve(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), KEY);
        bystander = manager.list();
        bystander.add("before");
    }

    @AfterEach
    void stop() {
        manager.close();
    }

    private RawManagerConnection authenticated() throws IOException {
        RawManagerConnection raw = new RawManagerConnection(manager.address());
        assertTrue(raw.authenticate(KEY));
        return raw;
    }

    private void assertBystanderUnaffected() {
        bystander.add("after");
        assertEquals(List.of("before", "after"), bystander);
    }

    @Test
    void wellFormedRawFrameIsServed() throws IOException {
        try (RawManagerConnection raw = authenticated()) {
            raw.writeFrame(RawManagerConnection.addCall(1, "raw"));

            byte[] reply = raw.readReplyOrClose();

            assertNotNull(reply);
            assertEquals(0, reply[0], "OK");
        }
        assertEquals("raw", bystander.get(1));
    }

    @Test
    void oversizedFrameDropsTheConnection() throws IOException {
        try (RawManagerConnection raw = authenticated()) {
            raw.writeRaw(ByteBuffer.allocate(4).putInt(1 << 30).array());

            assertNull(raw.readReplyOrClose());
        }
        assertBystanderUnaffected();
    }

    @Test
    void negativeLengthDropsTheConnection() throws IOException {
        try (RawManagerConnection raw = authenticated()) {
            raw.writeRaw(ByteBuffer.allocate(4).putInt(-5).array());

            assertNull(raw.readReplyOrClose());
        }
        assertBystanderUnaffected();
    }

    @Test
    void truncatedFrameDropsTheConnection() throws IOException {
        try (RawManagerConnection raw = authenticated()) {
            raw.writeRaw(ByteBuffer.allocate(14).putInt(100).put(new byte[10]).array());
            raw.shutdownOutput();

            assertNull(raw.readReplyOrClose());
        }
        assertBystanderUnaffected();
    }

    @Test
    void unknownOpcodeDropsTheConnection() throws IOException {
        try (RawManagerConnection raw = authenticated()) {
            raw.writeFrame(new byte[] {99});

            assertNull(raw.readReplyOrClose());
        }
        assertBystanderUnaffected();
    }

    @Test
    void lyingElementCountDropsTheConnection() throws IOException {
        // CALL add on object 1 with an Object[] claiming two billion elements
        ByteBuffer frame = ByteBuffer.allocate(64);
        byte[] sig = "add(Ljava/lang/Object;)".getBytes(StandardCharsets.US_ASCII);
        frame.put((byte) 1).putInt(1).putInt(sig.length).put(sig).put((byte) 1).put((byte) 12).putInt(2_000_000_000);
        try (RawManagerConnection raw = authenticated()) {
            raw.writeFrame(java.util.Arrays.copyOf(frame.array(), frame.position()));

            assertNull(raw.readReplyOrClose());
        }
        assertBystanderUnaffected();
    }

    @Test
    void wrongKeyIsToldAndDropped() throws IOException {
        try (RawManagerConnection raw = new RawManagerConnection(manager.address())) {
            assertFalse(raw.authenticate("not the key".getBytes(StandardCharsets.UTF_8)));
            assertNull(raw.readReplyOrClose());
        }
        assertBystanderUnaffected();
    }

    @Test
    void garbageInsteadOfAHandshakeIsDropped() throws IOException {
        try (RawManagerConnection raw = new RawManagerConnection(manager.address())) {
            raw.writeRaw(new byte[200]);
            byte[] hello = new byte[40];
            assertNotNull(hello);
            assertNull(drain(raw));
        }
        assertBystanderUnaffected();
    }

    /** Reads what the server sends until it closes; returns null once closed. */
    private static byte[] drain(RawManagerConnection raw) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (raw.readReplyOrClose() == null) {
                return null;
            }
        }
        throw new AssertionError("the server kept talking to a peer that sent garbage");
    }

    @Test
    void clientVanishingMidCallLeavesOthersServed() throws IOException {
        try (RawManagerConnection raw = authenticated()) {
            byte[] call = RawManagerConnection.addCall(1, "half");
            raw.writeRaw(ByteBuffer.allocate(4 + call.length / 2).putInt(call.length).put(call, 0, call.length / 2)
                    .array());
        }
        assertBystanderUnaffected();
    }
}
