package multiprocessing4j.internal.codec;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A growable, reusable byte buffer that a {@link Codec} encodes into: the hot path of queues and
 * pipes keeps one per producing thread, so that encoding a message allocates no {@code byte[]}
 * once the buffer has grown to the largest message.
 *
 * <pre>{@code
 * EncodeBuffer out = new EncodeBuffer();
 * for (Object item : items) {
 *     int n = codec.encode(item, out.clear());
 *     MemorySegment.copy(out.array(), 0, slot, ValueLayout.JAVA_BYTE, 0, n);   // allocation-free
 * }
 * }</pre>
 *
 * <p>Not thread-safe. Bytes {@code [0, length())} are valid; {@link #array()} may be longer.
 */
public final class EncodeBuffer {

    private byte[] array;
    private int length;
    /** Codec-private state reused across calls (Fory's buffer wrapper), so a call allocates nothing. */
    Object codecState;

    public EncodeBuffer() {
        this(256);
    }

    /** @param initialCapacity bytes reserved up front; the buffer grows as needed */
    public EncodeBuffer(int initialCapacity) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("initialCapacity must be >= 0, got " + initialCapacity);
        }
        this.array = new byte[initialCapacity];
    }

    /** Forgets the contents, keeps the memory. @return this */
    public EncodeBuffer clear() {
        length = 0;
        return this;
    }

    /** The number of valid bytes. */
    public int length() {
        return length;
    }

    /** The backing array; valid bytes are {@code [0, length())}. Replaced when the buffer grows. */
    public byte[] array() {
        return array;
    }

    /** A heap segment over the valid bytes (allocates two small views: on the hot path copy from {@link #array()}). */
    public MemorySegment segment() {
        return MemorySegment.ofArray(array).asSlice(0, length);
    }

    /** A copy of the valid bytes. */
    public byte[] toByteArray() {
        return Arrays.copyOf(array, length);
    }

    void ensureCapacity(int capacity) {
        if (capacity > array.length) {
            array = Arrays.copyOf(array, Math.max(capacity, (int) Math.min(Integer.MAX_VALUE - 8, array.length * 2L)));
        }
    }

    void write(byte[] bytes, int offset, int count) {
        ensureCapacity(length + count);
        System.arraycopy(bytes, offset, array, length, count);
        length += count;
    }

    /** Marks bytes {@code [0, length)} valid after a codec wrote into {@link #array()} directly. */
    void setLength(int length) {
        this.length = length;
    }

    /** Adopts the array a codec wrote into directly (it may have grown it) and the new length. */
    void reset(byte[] newArray, int newLength) {
        this.array = newArray;
        this.length = newLength;
    }
}
