package multiprocessing4j.shared;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import multiprocessing4j.internal.shm.SegmentDescriptor;
import multiprocessing4j.internal.shm.SharedSegment;
import multiprocessing4j.internal.sync.LockDescriptor;

/**
 * Layout of a shared array's segment ({@link SharedLongArray}, {@link SharedIntArray},
 * {@link SharedDoubleArray}, {@link SharedByteArray}).
 *
 * <pre>
 *  +---------------------------------------------------------------+
 *  |   Lock cell ({@link LockDescriptor}) of {@code lock()}          |   0
 *  +---------------------------------------------------------------+
 *  |   Length in elements (long), then padding                     |  64
 *  +---------------------------------------------------------------+
 *  |   Elements, 64-byte aligned                                   | 128
 *  +---------------------------------------------------------------+
 * </pre>
 */
final class SharedArrayDescriptor {
    static final int KIND_LONG = SegmentDescriptor.kind("ALNG");
    static final int KIND_INT = SegmentDescriptor.kind("AINT");
    static final int KIND_DOUBLE = SegmentDescriptor.kind("ADBL");
    static final int KIND_BYTE = SegmentDescriptor.kind("ABYT");

    /** The lock cell behind {@code lock()}. */
    static final int LOCK_OFFSET = 0;
    /** Number of elements (long, written once at creation). */
    static final int LENGTH_OFFSET = LOCK_OFFSET + LockDescriptor.LENGTH;
    /** First element. */
    static final int DATA_OFFSET = LENGTH_OFFSET + SegmentDescriptor.CACHE_LINE_LENGTH;

    private SharedArrayDescriptor() {
    }

    /**
     * Payload length for {@code length} elements of {@code elementSize} bytes.
     *
     * @throws IllegalArgumentException for a negative or too large length, naming the type
     */
    static long payloadLength(String type, long length, int elementSize) {
        if (length < 0) {
            throw new IllegalArgumentException(type + " length must not be negative, was " + length);
        }
        if (length > (Long.MAX_VALUE - DATA_OFFSET) / elementSize) {
            throw new IllegalArgumentException(type + " length " + length + " is too large");
        }
        return DATA_OFFSET + length * elementSize;
    }

    /**
     * Checks that the segment's payload matches the length it declares.
     *
     * @throws IllegalArgumentException if it does not
     */
    static void checkLength(String name, long payloadLength, long length, int elementSize) {
        if (length < 0 || length > (payloadLength - DATA_OFFSET) / elementSize) {
            throw new IllegalArgumentException("shared array '" + name + "' declares " + length + " elements of "
                    + elementSize + " bytes but its storage holds " + (payloadLength - DATA_OFFSET) + " bytes of data");
        }
    }

    /**
     * A new segment for {@code length} zeroed elements of {@code elementSize} bytes, its length written.
     *
     * @throws IllegalArgumentException for a negative or too large length, naming the type
     */
    static SharedSegment create(String type, int kind, long length, int elementSize) {
        long payload = payloadLength(type, length, elementSize);
        SharedSegment segment = SharedSegment.create(null, kind, payload);
        segment.payload().set(ValueLayout.JAVA_LONG, LENGTH_OFFSET, length);
        return segment;
    }

    /**
     * The number of elements {@code segment} declares, checked against its size.
     *
     * @throws IllegalArgumentException if the segment is too small for them
     */
    static long length(SharedSegment segment, int elementSize) {
        MemorySegment payload = segment.payload();
        long length = payload.get(ValueLayout.JAVA_LONG, LENGTH_OFFSET);
        checkLength(segment.name(), payload.byteSize(), length, elementSize);
        return length;
    }

    /**
     * Checks that {@code segment} is still mapped in this process before its memory is handed out.
     *
     * @throws IllegalStateException if it is closed, naming the type
     */
    static void checkOpen(SharedSegment segment, String type) {
        if (segment.isClosed()) {
            throw new IllegalStateException(type + " '" + segment.name() + "' is closed in this process: attach again to use it");
        }
    }

    /**
     * {@code length} as the length of a Java array.
     *
     * @throws IllegalStateException if a Java array cannot hold that many elements, naming the type
     */
    static int javaArrayLength(String type, long length) {
        if (length > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException(type + " of " + length + " elements does not fit a Java array: use copyTo with a range");
        }
        return (int) length;
    }
}
