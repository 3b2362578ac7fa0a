package multiprocessing4j.internal.pool;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * Reads {@link WireFormat} frames from a non-blocking socket: spins for a short while when data is
 * expected soon (a waking thread on the other CPU costs ≈ 25 µs here, a spin sees the bytes in well
 * under one), then blocks in a selector so that an idle reader burns nothing. Reads in bulk: many
 * frames arrive with one system call. One reader per connection, used by one thread at a time.
 */
final class FrameReader implements AutoCloseable {
    private final SocketChannel channel;
    private final Selector selector;
    private ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private int frameEnd = -1;

    FrameReader(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        buffer.flip();
    }

    /**
     * The next frame: a buffer positioned at its type byte with its limit at the frame's end, valid until
     * the next call; {@code null} at a clean end of stream.
     *
     * @param spinNanos how long to spin before blocking, 0 to block at once
     * @throws EOFException if the stream ends inside a frame
     */
    ByteBuffer next(long spinNanos) throws IOException {
        releaseFrame();
        if (!ensure(4, spinNanos, true)) {
            return null;
        }
        int length = buffer.getInt(buffer.position());
        if (length < 1) {
            throw new IOException("corrupt frame: length " + length);
        }
        ensure(4 + length, spinNanos, false);
        int start = buffer.position() + 4;
        limitBeforeFrame = buffer.limit();
        frameEnd = start + length;
        buffer.position(start);
        buffer.limit(frameEnd);
        return buffer;
    }

    private int limitBeforeFrame;

    private void releaseFrame() {
        if (frameEnd >= 0) {
            buffer.limit(limitBeforeFrame);
            buffer.position(frameEnd);
            frameEnd = -1;
        }
    }

    /** Whether a frame can be read without waiting (some bytes are buffered or the socket has some). */
    boolean poll() throws IOException {
        releaseFrame();
        if (buffer.remaining() >= 4 && buffer.remaining() >= 4 + buffer.getInt(buffer.position())) {
            return true;
        }
        compactForRead(4);
        int n = channel.read(buffer);
        buffer.flip();
        if (n < 0) {
            return buffer.hasRemaining();
        }
        return buffer.remaining() >= 4 && buffer.remaining() >= 4 + buffer.getInt(buffer.position());
    }

    private boolean ensure(int needed, long spinNanos, boolean eofAllowed) throws IOException {
        if (buffer.remaining() >= needed) {
            return true;
        }
        compactForRead(needed);
        try {
            long spinUntil = spinNanos > 0 ? System.nanoTime() + spinNanos : 0;
            int spins = 0;
            while (buffer.position() < needed) {
                int n = channel.read(buffer);
                if (n < 0) {
                    if (eofAllowed && buffer.position() == 0) {
                        return false;
                    }
                    throw new EOFException("stream ended inside a frame");
                }
                if (n > 0) {
                    continue;
                }
                if (spinUntil != 0 && ((++spins & 0xff) != 0 || System.nanoTime() < spinUntil)) {
                    Thread.onSpinWait();
                    continue;
                }
                spinUntil = 0;
                selector.select();
                selector.selectedKeys().clear();
            }
            return true;
        } finally {
            buffer.flip();
        }
    }

    /** Leaves the buffer in write mode with the unread bytes at its start and room for {@code needed}. */
    private void compactForRead(int needed) {
        if (buffer.capacity() < needed) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(needed, buffer.capacity() * 2));
            bigger.put(buffer);
            buffer = bigger;
        } else {
            buffer.compact();
        }
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing a selector only releases its epoll descriptor
        }
    }
}
