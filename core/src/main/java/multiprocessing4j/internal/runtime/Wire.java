package multiprocessing4j.internal.runtime;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * The frame format spoken between a parent and a child JVM over their pair of FIFOs (or their Unix-domain
 * socket, see {@link Listener}), and the frame types of the runtime's own protocol.
 *
 * <pre>
 *   0        4        5
 *   +--------+--------+---------------------------+
 *   | length |  type  |  payload (length - 1 bytes) |
 *   +--------+--------+---------------------------+
 *   length: int32 big-endian, counts the type byte and the payload
 * </pre>
 *
 * <p>Why not the child's stdout: the JVM itself prints warnings on stdout, and the
 * user's task prints there too. The child's stdout and stderr are plain output, pumped by the parent.
 *
 * <p>The conversation, in order:
 * <ol>
 *   <li>child → parent {@link #HELLO}: {@code int64 launchId, 32 bytes secret, int64 pid}. The parent
 *       refuses the connection unless the secret is the one it gave that launch (over the child's stdin).</li>
 *   <li>child → parent {@link #READY}: classes loaded and the first native call linked; the JVM is now a warm spare.</li>
 *   <li>parent → child {@link #ENTRY}: {@code UTF name, int8 codec, int32 length, encoded} {@link ChildEntry}, the
 *       codec being {@link #ENTRY_SYSTEM_CODEC} or {@link #ENTRY_JDK_CODEC}; or {@link #ENTRY_BY_CLASS}, and then
 *       {@code encoded} is {@code UTF class name} and the bytes its constructor gets. The child runs it.</li>
 *   <li>either way, any number of {@link #MESSAGE}s: opaque bytes for the entry (pools and managers speak here).</li>
 *   <li>child → parent, at the end: {@link #FAILURE} (the entry threw: the encoded exception), then
 *       {@link #EXITING} (an orderly exit: {@code System.exit} or the entry's end) or {@link #SIGNALLED}
 *       ({@code int32 signal}: a SIGTERM/SIGINT/SIGHUP caught, hooks run). Neither before EOF: killed by a signal.</li>
 *   <li>parent → child {@link #RELEASE}, just before the parent closes a link on purpose ({@link ChildJvm#close()}):
 *       the child exits as for a lost parent, but knows its parent lives on. An end of the link without it
 *       means the parent died, and the child removes the socket directory a killed parent may have left.</li>
 * </ol>
 */
final class Wire {
    static final byte HELLO = 1;
    static final byte READY = 2;
    static final byte ENTRY = 3;
    static final byte MESSAGE = 4;
    static final byte FAILURE = 5;
    static final byte EXITING = 6;
    static final byte SIGNALLED = 7;
    static final byte RELEASE = 8;

    /** An entry encoded with the codec both sides use ({@code -Dmp4j.codec}). */
    static final byte ENTRY_SYSTEM_CODEC = 0;
    /** An entry encoded with JDK serialization: for a cold child, which need not build the system codec. */
    static final byte ENTRY_JDK_CODEC = 1;
    /** The entry is not serialized: the child constructs it, from a class name and bytes. */
    static final byte ENTRY_BY_CLASS = 2;

    /** Length of the per-launch secret, in bytes. */
    static final int SECRET_LENGTH = 32;
    /** Frames beyond this are refused: a corrupt length must not make us allocate gigabytes. */
    static final int MAX_FRAME_LENGTH = Integer.MAX_VALUE - 16;
    private static final int HEADER_LENGTH = 5;

    private Wire() {
    }

    /** One frame as read. */
    record Frame(byte type, byte[] payload) {
    }

    /**
     * Writes one frame; the caller serializes concurrent writers.
     */
    static void write(WritableByteChannel channel, byte type, byte[] payload, int offset, int length) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH);
        header.putInt(length + 1).put(type).flip();
        ByteBuffer body = ByteBuffer.wrap(payload, offset, length);
        ByteBuffer[] both = {header, body};
        if (channel instanceof java.nio.channels.GatheringByteChannel gathering) {
            while (header.hasRemaining() || body.hasRemaining()) {
                gathering.write(both);
            }
        } else {
            while (header.hasRemaining()) {
                channel.write(header);
            }
            while (body.hasRemaining()) {
                channel.write(body);
            }
        }
    }

    /**
     * Reads one frame, or returns {@code null} at a clean end of stream (the peer closed between frames).
     *
     * @throws EOFException if the stream ends inside a frame
     */
    static Frame read(ReadableByteChannel channel) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH);
        if (!fill(channel, header, true)) {
            return null;
        }
        header.flip();
        int length = header.getInt();
        byte type = header.get();
        if (length < 1 || length > MAX_FRAME_LENGTH) {
            throw new IOException("corrupt frame: length " + length);
        }
        ByteBuffer body = ByteBuffer.allocate(length - 1);
        fill(channel, body, false);
        return new Frame(type, body.array());
    }

    private static boolean fill(ReadableByteChannel channel, ByteBuffer buffer, boolean eofAllowedAtStart) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer);
            if (n < 0) {
                if (eofAllowedAtStart && buffer.position() == 0) {
                    return false;
                }
                throw new EOFException("connection closed inside a frame");
            }
        }
        return true;
    }
}
