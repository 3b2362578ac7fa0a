package multiprocessing4j.shared;

import multiprocessing4j.internal.shm.SegmentDescriptor;
import multiprocessing4j.internal.sync.LockDescriptor;

/**
 * Layout of a shared value's segment ({@link SharedLong}, {@link SharedInt}, {@link SharedDouble}).
 *
 * <pre>
 *  +---------------------------------------------------------------+
 *  |   Value: long, int or double bits (8 bytes), then padding     |   0
 *  +---------------------------------------------------------------+
 *  |   Lock cell ({@link LockDescriptor}) of {@code lock()}          |  64
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>The value and the lock sit on different cache lines, so lock-free updates of the value and
 * the lock's own traffic do not slow each other down more than they must.
 */
final class SharedValueDescriptor {
    static final int KIND_LONG = SegmentDescriptor.kind("VLNG");
    static final int KIND_INT = SegmentDescriptor.kind("VINT");
    static final int KIND_DOUBLE = SegmentDescriptor.kind("VDBL");

    /** The value (8-byte aligned). */
    static final int VALUE_OFFSET = 0;
    /** The lock cell behind {@code lock()}. */
    static final int LOCK_OFFSET = VALUE_OFFSET + SegmentDescriptor.CACHE_LINE_LENGTH;
    /** Payload length. */
    static final int LENGTH = LOCK_OFFSET + LockDescriptor.LENGTH;

    private SharedValueDescriptor() {
    }
}
