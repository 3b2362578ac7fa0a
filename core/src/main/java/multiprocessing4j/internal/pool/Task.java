package multiprocessing4j.internal.pool;

/**
 * One unit of work as the pool schedules it: a call, an {@code apply} of a function to one argument, or
 * one chunk of a {@code map}. Its function and argument are encoded when it is created, in the caller's
 * thread, so that what cannot be serialized fails there. Scheduling fields are guarded by the engine's lock.
 */
public final class Task {
    final long id;
    final byte kind;
    final long fnId;
    final byte[] fn;
    final byte[] arg;
    final TaskOwner owner;
    /** What the owner needs back (a chunk's first index and items, the original callable), or null. */
    final Object attachment;
    final long firstIndex;
    final int itemCount;

    /** The worker holding it, while it is sent and not finished (volatile: a waiting caller reads it). */
    volatile PoolEngine.Slot slot;
    /** Why the pool killed the worker running it (timeout, cancellation, termination), if it did. */
    Throwable killReason;
    boolean finished;
    long timeoutNanos;

    Task(long id, byte kind, long fnId, byte[] fn, byte[] arg, TaskOwner owner, Object attachment,
         long firstIndex, int itemCount) {
        this.id = id;
        this.kind = kind;
        this.fnId = fnId;
        this.fn = fn;
        this.arg = arg;
        this.owner = owner;
        this.attachment = attachment;
        this.firstIndex = firstIndex;
        this.itemCount = itemCount;
    }

    public long id() {
        return id;
    }

    public TaskOwner owner() {
        return owner;
    }

    public Object attachment() {
        return attachment;
    }

    public long firstIndex() {
        return firstIndex;
    }

    public int itemCount() {
        return itemCount;
    }

    /** How exceptions name this task: "task 17" or "task 17 (map items 300..399)". */
    public String describe() {
        if (kind == WireFormat.KIND_CHUNK) {
            return "task " + id + " (map items " + firstIndex + ".." + (firstIndex + itemCount - 1) + ")";
        }
        return "task " + id;
    }

    @Override
    public String toString() {
        return describe();
    }
}
