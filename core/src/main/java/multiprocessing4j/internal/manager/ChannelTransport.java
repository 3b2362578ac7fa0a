package multiprocessing4j.internal.manager;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * A plain TCP transport tuned for round trips: the channel is non-blocking, and a reader may poll it
 * for {@code spinNanos} before it sleeps in a selector (none by default: see
 * {@link ManagerClient#SPIN_MICROS_PROPERTY}). Buffers are direct and reused, and reads take whatever
 * has arrived, so a small frame usually costs one system call to send and one to receive. Clients on the
 * same machine move on to a {@link ShmTransport} after the handshake; this one serves the network.
 *
 * <p>A reader interrupted while it sleeps goes on waiting (a call must not lose its reply half-way)
 * and re-asserts the interrupt afterwards; callers check it between calls.
 */
final class ChannelTransport implements Transport {
    private static final int BUFFER_SIZE = 64 * 1024;

    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private final ByteBuffer in = ByteBuffer.allocateDirect(BUFFER_SIZE);
    private final ByteBuffer out = ByteBuffer.allocateDirect(BUFFER_SIZE);
    private final long spinNanos;
    private final String peer;
    private volatile boolean closed;

    ChannelTransport(SocketChannel channel, long spinNanos) throws IOException {
        this.channel = channel;
        this.spinNanos = spinNanos;
        this.peer = String.valueOf(channel.getRemoteAddress());
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        channel.configureBlocking(false);
        this.selector = Selector.open();
        this.key = channel.register(selector, 0);
        in.flip();
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
        while (len > 0) {
            out.clear();
            int n = Math.min(len, out.capacity());
            out.put(buf, off, n).flip();
            off += n;
            len -= n;
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) {
                    await(SelectionKey.OP_WRITE, Long.MAX_VALUE);
                }
            }
        }
    }

    @Override
    public void readFully(byte[] buf, int off, int len, long timeoutNanos) throws IOException {
        long deadline = timeoutNanos < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutNanos;
        while (len > 0) {
            if (!in.hasRemaining()) {
                fill(deadline);
            }
            int n = Math.min(len, in.remaining());
            in.get(buf, off, n);
            off += n;
            len -= n;
        }
    }

    /** Refills {@code in} with at least one byte: read, poll for a while, then sleep in the selector until the deadline ({@code Long.MAX_VALUE}: none). */
    private void fill(long deadline) throws IOException {
        in.clear();
        try {
            if (readSome()) {
                return;
            }
            long spinEnd = System.nanoTime() + spinNanos;
            while (System.nanoTime() < spinEnd) {
                Thread.onSpinWait();
                if (readSome()) {
                    return;
                }
            }
            while (true) {
                await(SelectionKey.OP_READ, deadline);
                if (readSome()) {
                    return;
                }
            }
        } finally {
            in.flip();
        }
    }

    private boolean readSome() throws IOException {
        int n = channel.read(in);
        if (n < 0) {
            throw new EOFException("connection closed by " + peer);
        }
        return n > 0;
    }

    private void await(int op, long deadline) throws IOException {
        boolean interrupted = false;
        try {
            key.interestOps(op);
            while (true) {
                if (closed) {
                    throw new ClosedChannelException();
                }
                long waitMillis = 0;
                if (deadline != Long.MAX_VALUE) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new SocketTimeoutException("no data from " + peer + " in time");
                    }
                    waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(left + 999_999));
                }
                int ready;
                try {
                    ready = selector.select(waitMillis);
                } catch (ClosedSelectorException e) {
                    throw new ClosedChannelException();
                }
                if (Thread.interrupted()) {
                    interrupted = true;
                }
                if (ready > 0) {
                    selector.selectedKeys().clear();
                    return;
                }
            }
        } finally {
            if (key.isValid()) {
                key.interestOps(0);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Whether the peer has closed its end: a non-blocking look at a socket that carries nothing any more
     * (its traffic moved to a {@link ShmTransport}). Any byte arriving is a protocol violation and counts
     * as closed too.
     */
    boolean peerClosed() {
        try {
            in.clear();
            int n = channel.read(in);
            in.position(0).limit(0);
            return n != 0;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public String peer() {
        return peer;
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing: nothing left to do with the channel either way
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // as above
        }
    }
}
