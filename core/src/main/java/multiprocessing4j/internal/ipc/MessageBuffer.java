package multiprocessing4j.internal.ipc;

import java.util.Arrays;

/**
 * A growable, reusable byte array a ring copies a received message into: a consumer keeps one per
 * thread, so receiving allocates nothing once it has grown to the largest message. Bytes
 * {@code [0, length())} of {@link #array()} are the message. Not thread-safe.
 */
public final class MessageBuffer {
    private byte[] array;
    private int length;

    public MessageBuffer() {
        this(256);
    }

    /** @param initialCapacity bytes reserved up front; {@code 0} makes the first message's array exactly its size */
    public MessageBuffer(int initialCapacity) {
        array = new byte[initialCapacity];
    }

    /** The backing array (replaced when the buffer grows); the message is {@code [0, length())}. */
    public byte[] array() {
        return array;
    }

    /** Length of the last message received into this buffer. */
    public int length() {
        return length;
    }

    /** The message as an array of exactly its length (the backing array itself when it fits exactly). */
    public byte[] toByteArray() {
        return array.length == length ? array : Arrays.copyOf(array, length);
    }

    /** Lets go of a backing array grown beyond {@code maxRetained} bytes (after a huge message). */
    public void trim(int maxRetained) {
        if (array.length > maxRetained) {
            array = new byte[Math.min(256, maxRetained)];
            length = 0;
        }
    }

    /** Makes room for {@code capacity} bytes without keeping the old contents; sets the length. */
    byte[] prepare(int capacity) {
        if (array.length < capacity) {
            array = new byte[array.length == 0 ? capacity : Math.max(capacity, (int) Math.min(Integer.MAX_VALUE - 8, array.length * 2L))];
        }
        length = capacity;
        return array;
    }

    /** Takes over a fully written array as the message. */
    void adopt(byte[] message, int messageLength) {
        array = message;
        length = messageLength;
    }
}
