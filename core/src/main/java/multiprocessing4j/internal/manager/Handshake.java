package multiprocessing4j.internal.manager;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mutual challenge-response authentication over the authkey, as laid out in {@link Protocol}: each side
 * sends a fresh random nonce and checks the other's HMAC-SHA256 over both nonces and a direction label.
 * The key never crosses the wire; a replayed or reflected proof does not verify.
 */
final class Handshake {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** How the client side ended: what the server told us. */
    record Accepted(int maxFrameLength) {
    }

    /** The peer did not prove it knows the authkey, or is not speaking this protocol. */
    static final class Failed extends IOException {
        private static final long serialVersionUID = 1L;

        Failed(String message) {
            super(message);
        }
    }

    private Handshake() {
    }

    /**
     * The server's side.
     *
     * @throws Failed if the client is not a manager client or does not know the key (it has been told so)
     */
    static void serve(Transport t, byte[] key, int maxFrameLength, long timeoutNanos) throws IOException {
        byte[] ns = nonce();
        byte[] hello = concat(Protocol.MAGIC, ns);
        t.write(hello, 0, hello.length);
        byte[] answer = new byte[Protocol.MAGIC.length + Protocol.NONCE_LENGTH + Protocol.MAC_LENGTH];
        t.readFully(answer, 0, answer.length, timeoutNanos);
        if (!Arrays.equals(answer, 0, Protocol.MAGIC.length, Protocol.MAGIC, 0, Protocol.MAGIC.length)) {
            throw new Failed("not a multiprocessing4j manager client (bad greeting)");
        }
        byte[] nc = Arrays.copyOfRange(answer, Protocol.MAGIC.length, Protocol.MAGIC.length + Protocol.NONCE_LENGTH);
        byte[] proof = Arrays.copyOfRange(answer, Protocol.MAGIC.length + Protocol.NONCE_LENGTH, answer.length);
        if (!MessageDigest.isEqual(proof, mac(key, Protocol.CLIENT_LABEL, ns, nc))) {
            byte[] no = {Protocol.REJECTED};
            t.write(no, 0, 1);
            throw new Failed("wrong authkey");
        }
        byte[] ok = new byte[1 + Protocol.MAC_LENGTH + 4];
        ok[0] = Protocol.ACCEPTED;
        System.arraycopy(mac(key, Protocol.SERVER_LABEL, nc, ns), 0, ok, 1, Protocol.MAC_LENGTH);
        ok[ok.length - 4] = (byte) (maxFrameLength >>> 24);
        ok[ok.length - 3] = (byte) (maxFrameLength >>> 16);
        ok[ok.length - 2] = (byte) (maxFrameLength >>> 8);
        ok[ok.length - 1] = (byte) maxFrameLength;
        t.write(ok, 0, ok.length);
    }

    /**
     * The client's side.
     *
     * @throws Failed if the server refused our key, or could not prove it knows it
     */
    static Accepted connect(Transport t, byte[] key, long timeoutNanos) throws IOException {
        byte[] hello = new byte[Protocol.MAGIC.length + Protocol.NONCE_LENGTH];
        t.readFully(hello, 0, hello.length, timeoutNanos);
        if (!Arrays.equals(hello, 0, Protocol.MAGIC.length, Protocol.MAGIC, 0, Protocol.MAGIC.length)) {
            throw new Failed("not a multiprocessing4j manager (bad greeting)");
        }
        byte[] ns = Arrays.copyOfRange(hello, Protocol.MAGIC.length, hello.length);
        byte[] nc = nonce();
        byte[] answer = concat(concat(Protocol.MAGIC, nc), mac(key, Protocol.CLIENT_LABEL, ns, nc));
        t.write(answer, 0, answer.length);
        byte[] status = new byte[1];
        t.readFully(status, 0, 1, timeoutNanos);
        if (status[0] != Protocol.ACCEPTED) {
            throw new Failed("the manager refused the authkey");
        }
        byte[] rest = new byte[Protocol.MAC_LENGTH + 4];
        t.readFully(rest, 0, rest.length, timeoutNanos);
        if (!MessageDigest.isEqual(Arrays.copyOf(rest, Protocol.MAC_LENGTH), mac(key, Protocol.SERVER_LABEL, nc, ns))) {
            throw new Failed("the server did not prove that it knows the authkey");
        }
        int max = ((rest[32] & 0xFF) << 24) | ((rest[33] & 0xFF) << 16) | ((rest[34] & 0xFF) << 8) | (rest[35] & 0xFF);
        return new Accepted(max);
    }

    private static byte[] nonce() {
        byte[] n = new byte[Protocol.NONCE_LENGTH];
        RANDOM.nextBytes(n);
        return n;
    }

    static byte[] mac(byte[] key, String label, byte[] first, byte[] second) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(label.getBytes(StandardCharsets.US_ASCII));
            mac.update(first);
            mac.update(second);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
