package multiprocessing4j.internal.pool;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads {@link WireFormat} frames from a non-blocking socket: spins for a short while when data is
 * expected soon (a waking thread on the other CPU costs ≈ 25 µs here, a spin sees the bytes in well
 * under one), then blocks in a selector so that an idle reader burns nothing. Reads in bulk: many
 * frames arrive with one system call. One reader per connection, used by one thread at a time.
 */
final class FrameReader implements AutoCloseable {
    /** What {@link #next} returns when it gave way to another thread (see {@code yieldTo}); never a frame. */
    static final ByteBuffer YIELDED = ByteBuffer.allocate(0);

    private final SocketChannel channel;
    private final Selector selector;
    /** While positive, {@link #next} returns {@link #YIELDED} instead of waiting; null: never yield. */
    private final AtomicInteger yieldTo;
    private ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private int frameEnd = -1;
    private int frameStart = -1;
    private boolean endOfStream;

    FrameReader(SocketChannel channel) throws IOException {
        this(channel, null);
    }

    /**
     * @param yieldTo while positive, a thread blocked or spinning in {@link #next} returns {@link #YIELDED}
     *                (whoever increments it calls {@link #wakeup()}), so that another thread can read instead
     */
    FrameReader(SocketChannel channel, AtomicInteger yieldTo) throws IOException {
        this.channel = channel;
        this.yieldTo = yieldTo;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        buffer.flip();
    }

    /**
     * The next frame: a buffer positioned at its type byte with its limit at the frame's end, valid until
     * the next call; {@code null} at a clean end of stream; {@link #YIELDED} if it gave way before a whole
     * frame was there (what was read stays buffered for the next call, by whichever thread).
     *
     * @param spinNanos how long to spin before blocking, 0 to block at once
     * @throws EOFException if the stream ends inside a frame
     */
    ByteBuffer next(long spinNanos) throws IOException {
        releaseFrame();
        int got = ensure(4, spinNanos, true);
        if (got <= 0) {
            return got == 0 ? null : YIELDED;
        }
        int length = buffer.getInt(buffer.position());
        if (length < 1) {
            throw new IOException("corrupt frame: length " + length);
        }
        if (ensure(4 + length, spinNanos, false) < 0) {
            return YIELDED;
        }
        return frame(length);
    }

    private ByteBuffer frame(int length) {
        frameStart = buffer.position();
        int start = frameStart + 4;
        limitBeforeFrame = buffer.limit();
        frameEnd = start + length;
        buffer.position(start);
        buffer.limit(frameEnd);
        return buffer;
    }

    /**
     * The next frame if a whole one is buffered or can be read without waiting, else null (see
     * {@link #endOfStream()}). Never blocks; for a thread that reads in place of the usual reader.
     */
    ByteBuffer tryNext() throws IOException {
        // At the end of the stream poll() is true for a partial frame too (so that next() reports it): a
        // helper takes only whole frames and leaves the rest to the reader thread.
        if (!poll() || !wholeFrameBuffered()) {
            return null;
        }
        int length = buffer.getInt(buffer.position());
        if (length < 1) {
            throw new IOException("corrupt frame: length " + length);
        }
        return frame(length);
    }

    private boolean wholeFrameBuffered() {
        return buffer.remaining() >= 4 && buffer.remaining() >= 4 + buffer.getInt(buffer.position());
    }

    /** Puts back the frame last returned, whole: the next call returns it again. */
    void unread() {
        if (frameEnd >= 0) {
            buffer.limit(limitBeforeFrame);
            buffer.position(frameStart);
            frameEnd = -1;
        }
    }

    /** Whether the peer closed its end (some frames may still be buffered). */
    boolean endOfStream() {
        return endOfStream;
    }

    /** Makes a thread blocked in {@link #next} return, to look at {@code yieldTo}. Any thread. */
    void wakeup() {
        selector.wakeup();
    }

    private boolean yielding() {
        return yieldTo != null && yieldTo.get() > 0;
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
        if (wholeFrameBuffered()) {
            return true;
        }
        compactForRead(4);
        int n = channel.read(buffer);
        buffer.flip();
        if (n < 0) {
            endOfStream = true;
            return buffer.hasRemaining();
        }
        return wholeFrameBuffered();
    }

    /** 1: {@code needed} bytes are buffered; 0: clean end of stream; -1: gave way (see {@code yieldTo}). */
    private int ensure(int needed, long spinNanos, boolean eofAllowed) throws IOException {
        if (buffer.remaining() >= needed) {
            return 1;
        }
        compactForRead(needed);
        try {
            long spinUntil = spinNanos > 0 ? System.nanoTime() + spinNanos : 0;
            int spins = 0;
            while (buffer.position() < needed) {
                int n = channel.read(buffer);
                if (n < 0) {
                    endOfStream = true;
                    if (eofAllowed && buffer.position() == 0) {
                        return 0;
                    }
                    throw new EOFException("stream ended inside a frame");
                }
                if (n > 0) {
                    continue;
                }
                if (yielding()) {
                    return -1;
                }
                if (spinUntil != 0 && ((++spins & 0xff) != 0 || System.nanoTime() < spinUntil)) {
                    Thread.onSpinWait();
                    continue;
                }
                spinUntil = 0;
                selector.select();
                selector.selectedKeys().clear();
            }
            return 1;
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
