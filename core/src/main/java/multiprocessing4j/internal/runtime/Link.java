package multiprocessing4j.internal.runtime;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One end of the authenticated connection between a parent JVM and one of its children: the same
 * class on both sides. It carries the runtime's control frames (see {@link Wire}) and, for whatever
 * runs in the child (a {@link ChildEntry}: a single task, a pool's worker loop, a manager), opaque
 * {@linkplain #send(byte[]) messages} in both directions, in order.
 *
 * <p>A reader thread reads every frame as it arrives, so that the end of the connection is seen at
 * once even while nobody is receiving: that is how a child notices its parent's death, whatever
 * the task is doing, and how a parent notices a child's. Messages wait in an unbounded inbox until
 * {@linkplain #receive(Duration) received}; control frames go to the owner's {@link Handler}.
 *
 * <p>{@link #send} is safe from any thread (frames never interleave). Memory consistency: actions
 * before {@code send(m)} in one JVM happen-before the actions after the {@code receive} returning
 * {@code m} in the other, as far as the bytes of {@code m} carry them.
 */
public final class Link implements AutoCloseable {
    /** What the owner does with control frames and with the end of the connection. Called on the reader thread. */
    interface Handler {
        void control(byte type, byte[] payload);

        /** The connection ended: the peer closed it or died, or it broke ({@code failure} non-null). */
        void closed(IOException failure);
    }

    private static final byte[] END = new byte[0];

    private final ReadableByteChannel in;
    private final WritableByteChannel out;
    private final Closeable connection;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final LinkedBlockingQueue<byte[]> inbox = new LinkedBlockingQueue<>();
    private final Handler handler;
    private volatile boolean closed;
    private volatile boolean ended;

    private final Thread reader;

    /** A link over an authenticated socket; nothing is read until {@link #start()}. */
    Link(SocketChannel channel, Handler handler, String threadName) {
        this(channel, channel, channel, handler, threadName);
    }

    /**
     * A link over an authenticated pair of one-way channels (a pair of FIFOs); {@code connection} closes both.
     * The reader must see the end of {@code in} when the peer is gone, and writes to {@code out} must fail then.
     */
    Link(ReadableByteChannel in, WritableByteChannel out, Closeable connection, Handler handler, String threadName) {
        this.in = in;
        this.out = out;
        this.connection = connection;
        this.handler = handler;
        this.reader = new Thread(this::readLoop, threadName);
        this.reader.setDaemon(true);
    }

    /**
     * Starts reading. Separate from the constructor so that the owner can publish the link first: the
     * handler may run (and use the link) as soon as the first frame arrives.
     */
    Link start() {
        reader.start();
        return this;
    }

    private void readLoop() {
        IOException failure = null;
        try {
            Wire.Frame frame;
            while ((frame = Wire.read(in)) != null) {
                if (frame.type() == Wire.MESSAGE) {
                    inbox.add(frame.payload());
                } else {
                    handler.control(frame.type(), frame.payload());
                }
            }
        } catch (IOException e) {
            if (!closed) {
                failure = e;
            }
        } finally {
            ended = true;
            try {
                handler.closed(failure); // first: a receiver woken by the end sees the owner's reaction to it
            } finally {
                inbox.add(END);
            }
        }
    }

    /**
     * Sends one message to the other side.
     *
     * @throws LinkClosedException if the connection is closed or the peer is gone
     */
    public void send(byte[] message) throws LinkClosedException {
        send(message, 0, message.length);
    }

    /** Sends {@code length} bytes of {@code message} from {@code offset} as one message. */
    public void send(byte[] message, int offset, int length) throws LinkClosedException {
        Objects.checkFromIndexSize(offset, length, message.length);
        sendFrame(Wire.MESSAGE, message, offset, length);
    }

    void sendControl(byte type, byte[] payload) throws LinkClosedException {
        sendFrame(type, payload, 0, payload.length);
    }

    private void sendFrame(byte type, byte[] payload, int offset, int length) throws LinkClosedException {
        writeLock.lock();
        try {
            if (closed) {
                throw new LinkClosedException("the link is closed");
            }
            Wire.write(out, type, payload, offset, length);
        } catch (IOException e) {
            throw new LinkClosedException("the other process is gone (" + e.getMessage() + ")", e);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Waits for the next message.
     *
     * @throws LinkClosedException  once every message has been received and the connection has ended
     * @throws InterruptedException if interrupted while waiting
     */
    public byte[] receive() throws InterruptedException, LinkClosedException {
        byte[] m = inbox.take();
        return checkEnd(m);
    }

    /**
     * Waits up to {@code timeout} for the next message.
     *
     * @return the message, or {@code null} if none came in time
     * @throws LinkClosedException  once every message has been received and the connection has ended
     * @throws InterruptedException if interrupted while waiting
     */
    public byte[] receive(Duration timeout) throws InterruptedException, LinkClosedException {
        byte[] m = inbox.poll(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        return m == null ? null : checkEnd(m);
    }

    private byte[] checkEnd(byte[] m) throws LinkClosedException {
        if (m == END) {
            inbox.add(END); // every later receive sees the end too
            throw new LinkClosedException("the connection to the other process has ended");
        }
        return m;
    }

    /** Whether the connection has ended (the peer closed it or is gone, or this side closed it). */
    public boolean isEnded() {
        return ended;
    }

    /** Closes the connection; the peer sees its end. Harmless when repeated. */
    @Override
    public void close() {
        closed = true;
        try {
            connection.close();
        } catch (IOException ignored) {
            // closing a connection that is already broken: nothing left to release
        }
    }
}
