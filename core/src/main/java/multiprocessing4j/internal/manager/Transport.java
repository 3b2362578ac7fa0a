package multiprocessing4j.internal.manager;

import java.io.Closeable;
import java.io.IOException;

/**
 * A byte stream between a manager's client and server: a plain TCP channel that spins briefly before it
 * blocks ({@link ChannelTransport}), or a TLS socket ({@link TlsTransport}). One thread uses a transport
 * at a time; {@link #close()} may come from any thread and wakes a blocked reader.
 */
interface Transport extends Closeable {

    /** Writes the bytes, blocking while the socket's send buffer is full. */
    void write(byte[] buf, int off, int len) throws IOException;

    /**
     * Reads exactly {@code len} bytes.
     *
     * @param timeoutNanos how long to wait for them at most, or a negative number to wait as long as the
     *                     peer is alive
     * @throws java.io.EOFException             if the peer closed the connection first
     * @throws java.net.SocketTimeoutException  if the time ran out
     */
    void readFully(byte[] buf, int off, int len, long timeoutNanos) throws IOException;

    /** The peer's address, for messages. */
    String peer();

    @Override
    void close();
}
