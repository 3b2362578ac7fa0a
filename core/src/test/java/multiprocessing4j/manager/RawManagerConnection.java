package multiprocessing4j.manager;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A hand-made client speaking the manager's wire protocol from its written description (not through the
 * library's classes), for sending frames no real client would: it authenticates, then writes raw bytes.
 */
final class RawManagerConnection implements AutoCloseable {
    private static final byte[] MAGIC = "MP4JMGR1".getBytes(StandardCharsets.US_ASCII);

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    RawManagerConnection(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.connect(address, 5_000);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
        out = new DataOutputStream(new java.io.BufferedOutputStream(socket.getOutputStream()));
    }

    /** Runs the client side of the handshake; returns whether the server accepted. */
    boolean authenticate(byte[] key) throws IOException {
        byte[] hello = new byte[MAGIC.length + 32];
        in.readFully(hello);
        byte[] ns = java.util.Arrays.copyOfRange(hello, MAGIC.length, hello.length);
        byte[] nc = new byte[32];
        new SecureRandom().nextBytes(nc);
        out.write(MAGIC);
        out.write(nc);
        out.write(mac(key, "mp4j-manager client", ns, nc));
        out.flush();
        int status = in.read();
        if (status != 1) {
            return false;
        }
        in.readFully(new byte[32 + 4]);
        return true;
    }

    private static byte[] mac(byte[] key, String label, byte[] a, byte[] b) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(label.getBytes(StandardCharsets.US_ASCII));
            mac.update(a);
            mac.update(b);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Writes a frame: its length, then the payload. */
    void writeFrame(byte[] payload) throws IOException {
        out.writeInt(payload.length);
        out.write(payload);
        out.flush();
    }

    /**
     * Reads the server's answer to what was sent.
     *
     * @return the reply payload, or {@code null} if the server closed the connection
     */
    byte[] readReplyOrClose() throws IOException {
        try {
            int length = in.readInt();
            byte[] payload = new byte[length];
            in.readFully(payload);
            return payload;
        } catch (EOFException e) {
            return null;
        } catch (java.net.SocketException e) {
            return null; // reset by the server: closed as well
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server neither answered nor closed within 10 s", e);
        }
    }

    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A valid CALL frame: {@code list.add(value)} on object {@code id}. */
    static byte[] addCall(int id, String value) {
        var bytes = new java.io.ByteArrayOutputStream();
        var data = new DataOutputStream(bytes);
        try {
            data.writeByte(1);
            data.writeInt(id);
            byte[] sig = "add(Ljava/lang/Object;)".getBytes(StandardCharsets.US_ASCII);
            data.writeInt(sig.length);
            data.write(sig);
            data.writeByte(1);
            data.writeByte(6);
            byte[] v = value.getBytes(StandardCharsets.UTF_8);
            data.writeInt(v.length);
            data.write(v);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }
}
