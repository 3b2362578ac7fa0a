package multiprocessing4j.shared;

import java.io.ObjectInputStream;
import java.io.InvalidObjectException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;

import multiprocessing4j.internal.shm.SegmentDescriptor;
import multiprocessing4j.internal.shm.SharedSegment;

/**
 * A block of memory shared between processes by name: Python's
 * {@code multiprocessing.shared_memory.SharedMemory}. One process creates it with a size; others
 * attach to it by {@link #name()}; all of them read and write the same bytes through
 * {@link #segment()}, a {@link MemorySegment}.
 *
 * <pre>{@code
 * try (SharedMemory shm = SharedMemory.create(8 * 1_000_000)) {
 *     MemorySegment data = shm.segment();
 *     ChildProcess.start(() -> {            // the captured handle attaches in the child
 *         MemorySegment there = shm.segment();
 *         for (long i = 0; i < 1_000_000; i++) there.setAtIndex(ValueLayout.JAVA_DOUBLE, i, i * 0.5);
 *     }).join();
 *     double last = data.getAtIndex(ValueLayout.JAVA_DOUBLE, 999_999);   // 499999.5
 *     shm.unlink();
 * }
 * }</pre>
 *
 * <p><b>Storage.</b> The memory is a file in {@code /dev/shm} (Linux only; elsewhere the factory
 * methods throw {@link UnsupportedOperationException}) with mode 0600: readable and writable by
 * the owning user only. It starts zeroed. {@link #segment()} is exactly {@link #size()} bytes long
 * and 64-byte aligned (a small header before it lets {@link #attach} reject files that are not
 * shared memory of this kind).
 *
 * <p><b>Handles.</b> A {@code SharedMemory} is a handle: serializing it (by the library's codec,
 * by JDK serialization, or by capturing it in a lambda sent to a child or a pool worker) sends only
 * the name, and the copy attaches to the same memory in the receiving JVM. Each handle maps the
 * memory once; {@link #close()} unmaps it in this process (twice is harmless). After
 * {@code close}, using a segment obtained from this handle throws {@link IllegalStateException} in
 * every thread of this process (never a crash).
 *
 * <p><b>Lifetime of the name.</b> {@link #unlink()} removes the name: no new attach succeeds,
 * while every existing mapping, in any process, stays valid until closed. Without an explicit
 * {@code unlink}: memory created here and never sent anywhere is unlinked when this JVM exits
 * normally; memory whose handle was sent to another JVM stays until someone unlinks it or until
 * the whole process tree that created it has ended, when the tree's tracker removes it, also if
 * any process of the tree, its root included, was killed with SIGKILL. Nothing outlives the tree.
 *
 * <p><b>Memory consistency.</b> None beyond what the accesses provide: plain reads and writes of
 * {@code segment()} from different processes race as they would between threads. Publish data
 * with a release write (or a {@code VarHandle} in volatile mode, or one of the library's locks or
 * events) and read it with the matching acquire.
 */
public final class SharedMemory implements AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient SharedSegment segment;

    private SharedMemory(SharedSegment segment) {
        this.segment = segment;
    }

    /**
     * Creates shared memory of {@code size} zeroed bytes under a generated name.
     *
     * @throws IllegalArgumentException if {@code size} is not positive or does not fit in /dev/shm
     * @throws UnsupportedOperationException if this is not Linux
     */
    public static SharedMemory create(long size) {
        return new SharedMemory(SharedSegment.create(null, SegmentDescriptor.KIND_RAW, size));
    }

    /**
     * Creates shared memory of {@code size} zeroed bytes under {@code name}.
     *
     * @param name 1 to 200 characters of letters, digits, '.', '_' and '-', not starting with '.',
     *             '-' or {@code mp4j-} (reserved for generated names)
     * @throws IllegalArgumentException for a bad name or size
     * @throws IllegalStateException if memory with that name exists already
     * @throws UnsupportedOperationException if this is not Linux
     */
    public static SharedMemory create(String name, long size) {
        if (name == null) {
            throw new IllegalArgumentException("name must not be null: use create(size) for a generated name");
        }
        return new SharedMemory(SharedSegment.create(name, SegmentDescriptor.KIND_RAW, size));
    }

    /**
     * Attaches to existing shared memory by name.
     *
     * @throws IllegalArgumentException for a bad name, or a file that is not {@code SharedMemory}
     *                                  (another shared object's storage, or a foreign file)
     * @throws IllegalStateException if no shared memory has that name (never created, unlinked, or its tree ended)
     * @throws UnsupportedOperationException if this is not Linux
     */
    public static SharedMemory attach(String name) {
        return new SharedMemory(SharedSegment.attach(name, SegmentDescriptor.KIND_RAW));
    }

    /** The name other processes attach with. */
    public String name() {
        return segment.name();
    }

    /** The size in bytes, as created. */
    public long size() {
        return segment.payload().byteSize();
    }

    /**
     * The shared bytes, {@link #size()} long, 64-byte aligned, usable from every thread of this
     * process until {@link #close()}.
     *
     * @throws IllegalStateException if this handle is closed
     */
    public MemorySegment segment() {
        if (segment.isClosed()) {
            throw new IllegalStateException("SharedMemory '" + name() + "' is closed in this process: attach again to use it");
        }
        return segment.payload();
    }

    /** Unmaps the memory in this process. The name and other processes' mappings are unaffected. Harmless when repeated. */
    @Override
    public void close() {
        segment.close();
    }

    /**
     * Removes the name, so no one can attach any more; the memory goes away once every process has
     * closed it or exited. Harmless when repeated or when the name is gone already. Any process
     * holding a handle may unlink, not only the creator.
     */
    public void unlink() {
        segment.unlink();
    }

    @Override
    public String toString() {
        return "SharedMemory[" + name() + ", " + size() + " bytes" + (segment.isClosed() ? ", closed" : "") + "]";
    }

    @Serial
    private Object writeReplace() {
        // The handle leaves this JVM: this JVM's exit must no longer unlink the name under the receiver.
        segment.markHandedOff();
        return new Handle(segment.name());
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("SharedMemory is serialized as its handle, never directly");
    }

    /** The serialized form: just the name; reading it attaches. */
    private record Handle(String name) implements Serializable {
        @Serial
        private Object readResolve() {
            return SharedMemory.attach(name);
        }
    }
}
