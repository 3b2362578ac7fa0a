package multiprocessing4j.internal.pool;

/**
 * The frames a pool and its workers exchange, written down once. By default they travel through a pair of
 * shared-memory rings ({@link RingWire}; each ring message is one frame without its length): <em>tasks</em>
 * (pool → worker) and <em>results</em> (worker → pool), so that each end reads one and writes the other and
 * neither ever waits on its own peer's writes. The worker learns the rings' name from its entry
 * ({@link WorkerEntry}), and the pool writes {@code INIT} (and, to a ready spare, the first tasks) before the
 * worker has even attached. With socket transport, or the direct launcher, the same frames travel on two
 * Unix-domain stream connections in the same directions; with the direct launcher the pool's first frame is
 * {@code RINGS}, and from then on the frames travel in the rings it names while the sockets only tell each side
 * when the other one's process is gone.
 *
 * <p>Every frame: {@code int length} (of what follows, big-endian) then {@code byte type} then the body.
 *
 * <pre>
 * pool → worker (tasks ring or connection)
 *   RINGS   segment name, UTF-8                                          first frame on a socket, if any: go on in its rings
 *   INIT    byte[] initializer (length 0: none)                         first frame (after RINGS), exactly once
 *   TASKS   int count, then count times:
 *             long taskId, byte kind, long fnId, int fnLength, fn bytes, int argLength, arg bytes
 *             (fnLength -1: the function is the one last sent with this fnId: not resent)
 *   CANCEL  long taskId                                                  skip it if not started yet
 *   STOP    (empty)                                                      finish what was sent, then exit 0
 *
 * worker → pool (results ring or connection)
 *   READY        long pid                                                initializer ran
 *   INIT_FAILED  RemoteFailure bytes                                     initializer threw; the worker exits
 *   RESULT       long taskId, byte status, int length, bytes            one per task, sent as soon as it ends
 *   DYING        long taskId, RemoteFailure bytes                       a VirtualMachineError; halts next
 * </pre>
 *
 * A worker runs the tasks it was sent one after another, in the order sent, and writes each result before it
 * starts the next task: so when a worker dies, every result it produced is already in the pool's socket
 * buffer (or ring), and the first task without a result is exactly the one that was running.
 */
final class WireFormat {
    static final int HEADER_LENGTH = 5;

    static final byte INIT = 1;
    static final byte TASKS = 2;
    static final byte CANCEL = 3;
    static final byte STOP = 4;
    static final byte RINGS = 5;

    static final byte READY = 11;
    static final byte INIT_FAILED = 12;
    static final byte RESULT = 13;
    static final byte DYING = 14;

    /** Task kinds. */
    static final byte KIND_CALL = 0;      // fn: Callable, no argument
    static final byte KIND_RUN = 1;       // fn: Runnable, no argument, result null
    static final byte KIND_APPLY = 2;     // fn: Function, one argument
    static final byte KIND_CHUNK = 3;     // fn: Function, argument: Object[] items; result Object[]

    /** Result statuses. */
    static final byte STATUS_OK = 0;      // bytes: the value (KIND_CHUNK: Object[] with RemoteFailure for failed items)
    static final byte STATUS_FAILED = 1;  // bytes: RemoteFailure
    static final byte STATUS_SKIPPED = 2; // cancelled before it started; no bytes

    /** Function bytes not resent: the worker reuses the function it last decoded under this id. */
    static final int FN_CACHED = -1;

    /** Bytes the worker sends on each connection first: the secret, then which connection it is. */
    static final int SECRET_LENGTH = 32;
    static final byte CONNECTION_TASKS = 1;
    static final byte CONNECTION_RESULTS = 2;

    private WireFormat() {
    }
}
