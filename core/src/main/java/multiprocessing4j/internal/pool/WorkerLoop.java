package multiprocessing4j.internal.pool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;

import multiprocessing4j.internal.codec.Codec;

/**
 * What a worker JVM does: reads tasks, runs them one after another in the order received, and writes
 * each result before starting the next task (see {@link WireFormat}). After a task it spins briefly for
 * the next one before it blocks, so that a stream of short tasks never pays a wake-up. The frames come and go
 * on the shared-memory rings the worker was given ({@link RingWire}), or on the two sockets, or, when the pool's
 * first frame on them is {@code RINGS}, on the rings it names. The worker closes its end of the rings when it is
 * done.
 *
 * <p>A task that throws fails alone. A {@link VirtualMachineError} ({@code OutOfMemoryError},
 * {@code StackOverflowError}) leaves the JVM in doubt: the worker reports it ({@code DYING}) and halts,
 * and the pool fails the task with a {@code WorkerDiedException} whose cause is that error.
 */
final class WorkerLoop {
    /** How long an idle worker spins for the next task before it blocks. */
    static final long SPIN_NANOS = 100_000;

    private record DecodeFailure(Throwable cause) {
    }

    private record Pending(long id, byte kind, Object fn, Object arg, Throwable decodeFailure) {
    }

    private final Codec codec = PoolCodec.codec();
    /** The sockets, or null: the rings only. */
    private final FrameReader in;
    private final SocketChannel out;
    /** The rings the conversation travels on, or null: the sockets. */
    private RingWire rings;
    private ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final Set<Long> cancelled = new HashSet<>();
    /** Functions by id, as the pool's {@link JvmWorkerChannel} mirrors them. */
    private final FunctionCache<Object> functions = new FunctionCache<>();
    private boolean stopping;

    /** A worker on the pool's two sockets; the pool's first frame may move it to rings ({@code RINGS}). */
    WorkerLoop(SocketChannel tasks, SocketChannel results) throws IOException {
        this.in = new FrameReader(tasks);
        this.out = results;
        results.configureBlocking(true);
    }

    /** A worker on the pool's rings, attached already; the loop closes them. */
    WorkerLoop(RingWire rings) {
        this.in = null;
        this.out = null;
        this.rings = rings;
    }

    /**
     * Runs until told to stop (returns 0) or until the pool's end of the connection closes (returns 1).
     * Halts the JVM itself after a {@link VirtualMachineError} in a task.
     */
    int run() throws IOException {
        try {
            return converse();
        } finally {
            if (rings != null) {
                rings.close();
            }
        }
    }

    private int converse() throws IOException {
        ByteBuffer frame = rings != null ? rings.next() : in.next(0);
        if (in != null && frame != null && frame.get(frame.position()) == WireFormat.RINGS) {
            frame.get();
            byte[] name = new byte[frame.remaining()];
            frame.get(name);
            rings = RingWire.attach(new String(name, java.nio.charset.StandardCharsets.UTF_8));
            frame = rings.next();
        }
        if (frame == null || frame.get() != WireFormat.INIT) {
            return 1;
        }
        if (frame.remaining() > 0) {
            try {
                Runnable initializer = (Runnable) codec.decode(frame.array(), frame.arrayOffset() + frame.position(),
                        frame.remaining());
                initializer.run();
            } catch (Throwable t) {
                byte[] failure = codec.encode(PoolCodec.captureFailure(t));
                begin(WireFormat.INIT_FAILED, failure.length);
                buffer.put(failure);
                flush();
                return 1;
            }
        }
        begin(WireFormat.READY, 8);
        buffer.putLong(ProcessHandle.current().pid());
        flush();

        long spin = 0;
        while (true) {
            if (queue.isEmpty()) {
                if (stopping) {
                    return 0;
                }
                frame = rings != null ? rings.next() : in.next(spin);
                if (frame == null) {
                    return 1;
                }
                handle(frame);
                continue;
            }
            while (rings != null ? rings.poll() : in.poll()) {
                frame = rings != null ? rings.next() : in.next(0);
                if (frame == null) {
                    return 1;
                }
                handle(frame);
            }
            Pending task = queue.poll();
            if (cancelled.remove(task.id)) {
                begin(WireFormat.RESULT, 13);
                buffer.putLong(task.id).put(WireFormat.STATUS_SKIPPED).putInt(0);
                flush();
            } else {
                execute(task);
            }
            spin = SPIN_NANOS;
        }
    }

    private void handle(ByteBuffer frame) {
        byte type = frame.get();
        switch (type) {
            case WireFormat.TASKS -> {
                int count = frame.getInt();
                for (int i = 0; i < count; i++) {
                    readTask(frame);
                }
            }
            case WireFormat.CANCEL -> {
                long id = frame.getLong();
                for (Pending p : queue) {
                    if (p.id == id) {
                        cancelled.add(id);
                        break;
                    }
                }
            }
            case WireFormat.STOP -> stopping = true;
            default -> throw new IllegalStateException("unknown frame type " + type);
        }
    }

    private void readTask(ByteBuffer frame) {
        long id = frame.getLong();
        byte kind = frame.get();
        long fnId = frame.getLong();
        int fnLength = frame.getInt();
        Object fn;
        if (fnLength != WireFormat.FN_CACHED) {
            try {
                fn = codec.decode(frame.array(), frame.arrayOffset() + frame.position(), fnLength);
            } catch (Throwable t) {
                fn = new DecodeFailure(t);
            }
            functions.put(fnId, fn);
            frame.position(frame.position() + fnLength);
        } else {
            fn = functions.get(fnId);
            if (fn == null) {
                throw new IllegalStateException("task " + id + " reuses function " + fnId + " which this worker does not have");
            }
        }
        int argLength = frame.getInt();
        Object arg = null;
        Throwable failure = fn instanceof DecodeFailure d ? d.cause : null;
        if (argLength > 0) {
            try {
                arg = codec.decode(frame.array(), frame.arrayOffset() + frame.position(), argLength);
            } catch (Throwable t) {
                failure = t;
            }
            frame.position(frame.position() + argLength);
        }
        queue.add(new Pending(id, kind, fn, arg, failure));
    }

    @SuppressWarnings("unchecked")
    private void execute(Pending task) throws IOException {
        byte status = WireFormat.STATUS_OK;
        Object result;
        try {
            if (task.decodeFailure != null) {
                throw task.decodeFailure;
            }
            result = switch (task.kind) {
                case WireFormat.KIND_CALL -> ((Callable<Object>) task.fn).call();
                case WireFormat.KIND_RUN -> {
                    ((Runnable) task.fn).run();
                    yield null;
                }
                case WireFormat.KIND_APPLY -> ((Function<Object, Object>) task.fn).apply(task.arg);
                case WireFormat.KIND_CHUNK -> applyToChunk((Function<Object, Object>) task.fn, (Object[]) task.arg);
                default -> throw new IllegalStateException("unknown task kind " + task.kind);
            };
        } catch (VirtualMachineError fatal) {
            dying(task.id, fatal);
            return;
        } catch (Throwable t) {
            status = WireFormat.STATUS_FAILED;
            result = PoolCodec.captureFailure(t);
        }
        byte[] bytes;
        try {
            bytes = codec.encode(result);
        } catch (VirtualMachineError fatal) {
            dying(task.id, fatal);
            return;
        } catch (Throwable notSerializable) {
            if (task.kind == WireFormat.KIND_CHUNK && status == WireFormat.STATUS_OK) {
                bytes = encodeItemByItem((Object[]) result);
            } else {
                status = WireFormat.STATUS_FAILED;
                bytes = codec.encode(PoolCodec.captureFailure(unsendable(result, notSerializable)));
            }
        }
        begin(WireFormat.RESULT, 13 + bytes.length);
        buffer.putLong(task.id).put(status).putInt(bytes.length).put(bytes);
        flush();
    }

    private static Object[] applyToChunk(Function<Object, Object> fn, Object[] items) {
        Object[] results = new Object[items.length];
        for (int i = 0; i < items.length; i++) {
            try {
                results[i] = fn.apply(items[i]);
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Throwable t) {
                results[i] = PoolCodec.captureFailure(t);
            }
        }
        return results;
    }

    private byte[] encodeItemByItem(Object[] results) {
        for (int i = 0; i < results.length; i++) {
            try {
                codec.encode(results[i]);
            } catch (RuntimeException e) {
                results[i] = PoolCodec.captureFailure(unsendable(results[i], e));
            }
        }
        return codec.encode(results);
    }

    private static IllegalStateException unsendable(Object result, Throwable why) {
        return new IllegalStateException("the task's result (a " + (result == null ? "null" : result.getClass().getName())
                + ") cannot be serialized, so it cannot be sent back: " + why.getMessage(), why);
    }

    private void dying(long taskId, VirtualMachineError fatal) {
        try {
            byte[] failure = codec.encode(PoolCodec.captureFailure(fatal));
            begin(WireFormat.DYING, 8 + failure.length);
            buffer.putLong(taskId).put(failure);
            flush();
        } catch (Throwable ignored) {
            // nothing more can be done: the pool reports the death without the error's details
        }
        Runtime.getRuntime().halt(fatal instanceof OutOfMemoryError ? 3 : 1);
    }

    private void begin(byte type, int bodyLength) {
        int needed = WireFormat.HEADER_LENGTH + bodyLength;
        if (buffer.capacity() < needed) {
            buffer = ByteBuffer.allocate(Math.max(needed, buffer.capacity() * 2));
        }
        buffer.clear();
        buffer.putInt(1 + bodyLength).put(type);
    }

    private void flush() throws IOException {
        if (rings != null) {
            rings.write(buffer);
            buffer.clear();
            return;
        }
        buffer.flip();
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
        buffer.clear();
    }
}
