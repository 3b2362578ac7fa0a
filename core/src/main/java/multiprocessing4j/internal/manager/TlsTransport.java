package multiprocessing4j.internal.manager;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

/**
 * A TLS transport over a blocking {@link SSLSocket}. TLS gives confidentiality and integrity on the
 * network; who the peer is, is still proven by the authkey handshake on top, so a self-signed server
 * certificate is enough. No spinning here: TLS is for the network, where the wire dominates.
 */
final class TlsTransport implements Transport {
    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String peer;

    TlsTransport(SSLSocket socket) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        socket.setKeepAlive(true);
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = socket.getOutputStream();
        this.peer = String.valueOf(socket.getRemoteSocketAddress());
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
        out.write(buf, off, len);
        out.flush();
    }

    @Override
    public void readFully(byte[] buf, int off, int len, long timeoutNanos) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (len > 0) {
            if (timeoutNanos >= 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("no data from " + peer + " in time");
                }
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))));
            } else {
                socket.setSoTimeout(0);
            }
            int n = in.read(buf, off, len);
            if (n < 0) {
                throw new EOFException("connection closed by " + peer);
            }
            off += n;
            len -= n;
        }
    }

    @Override
    public String peer() {
        return peer;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing: nothing left to do with the socket either way
        }
    }
}
