package multiprocessing4j.internal.pool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import multiprocessing4j.internal.codec.Codec;

/** A worker JVM as the pool sees it: the two connections, the process, and the thread reading results. */
final class JvmWorkerChannel implements WorkerChannel {
    /** How long the reader spins for a result while the worker holds tasks, before it blocks. */
    static final long SPIN_NANOS = 50_000;

    private final String name;
    private final WorkerEvents events;
    private final Codec codec = PoolCodec.codec();
    private final Object writeLock = new Object();
    private volatile WorkerProcess process;
    private volatile boolean killRequested;
    private SocketChannel tasks;
    private ByteBuffer out = ByteBuffer.allocate(64 * 1024);
    /** The functions the worker keeps, mirrored: same capacity, same access order, so always the same set. */
    private final FunctionCache<Boolean> workerFunctions = new FunctionCache<>();
    private volatile long sent;
    private volatile long received;
    private Throwable lastWords;

    JvmWorkerChannel(String name, WorkerEvents events) {
        this.name = name;
        this.events = events;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long pid() {
        WorkerProcess p = process;
        return p == null ? -1 : p.pid();
    }

    /** The process exists; false if the pool killed the worker meanwhile. */
    boolean started(WorkerProcess process) {
        this.process = process;
        return !killRequested;
    }

    void connected(SocketChannel tasks, SocketChannel results, byte[] initializer) throws IOException {
        tasks.configureBlocking(true);
        synchronized (writeLock) {
            this.tasks = tasks;
            int length = initializer == null ? 0 : initializer.length;
            ensure(WireFormat.HEADER_LENGTH + length);
            out.putInt(1 + length).put(WireFormat.INIT);
            if (initializer != null) {
                out.put(initializer);
            }
            write();
        }
        Thread.ofPlatform().daemon().name(name + "-reader").start(() -> read(results));
    }

    private void read(SocketChannel results) {
        try (results; FrameReader reader = new FrameReader(results)) {
            while (true) {
                ByteBuffer frame = reader.next(sent != received ? SPIN_NANOS : 0);
                if (frame == null) {
                    break;
                }
                byte type = frame.get();
                switch (type) {
                    case WireFormat.READY -> events.onReady(this);
                    case WireFormat.RESULT -> result(frame);
                    case WireFormat.INIT_FAILED -> lastWords = decodeFailure(frame, "initializer");
                    case WireFormat.DYING -> {
                        frame.getLong();
                        lastWords = decodeFailure(frame, "error");
                    }
                    default -> throw new IOException("unknown frame type " + type + " from " + name);
                }
                if (!reader.poll()) {
                    events.onResultsDrained(this);
                }
            }
        } catch (Throwable t) {
            if (!killRequested && lastWords == null && !(t instanceof IOException)) {
                lastWords = t;
            }
            kill();
        }
        closeTasks();
        WorkerProcess p = process;
        Integer code = null;
        try {
            if (p != null) {
                code = p.exitCode(5_000);
                if (code == null) {
                    p.kill();
                    code = p.exitCode(30_000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        events.onExit(this, code, lastWords);
    }

    private void result(ByteBuffer frame) {
        long id = frame.getLong();
        byte status = frame.get();
        int length = frame.getInt();
        Object value = null;
        if (status != WireFormat.STATUS_SKIPPED) {
            try {
                value = codec.decode(frame.array(), frame.arrayOffset() + frame.position(), length);
                if (status == WireFormat.STATUS_FAILED) {
                    value = PoolCodec.rebuildFailure(value);
                }
            } catch (RuntimeException e) {
                status = WireFormat.STATUS_FAILED;
                value = new IllegalStateException("the result of task " + id + " could not be decoded here: "
                        + e.getMessage(), e);
            }
        }
        received++;
        events.onResult(this, id, status, value);
    }

    private Throwable decodeFailure(ByteBuffer frame, String what) {
        try {
            return PoolCodec.rebuildFailure(codec.decode(frame.array(), frame.arrayOffset() + frame.position(),
                    frame.remaining()));
        } catch (RuntimeException e) {
            return new IllegalStateException("the worker's " + what + " could not be decoded: " + e.getMessage(), e);
        }
    }

    void exited(WorkerProcess p, Throwable why) {
        Integer code = null;
        if (p != null) {
            try {
                code = p.exitCode(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        events.onExit(this, code, killRequested ? null : why);
    }

    @Override
    public void send(List<Task> batch) throws IOException {
        synchronized (writeLock) {
            int size = WireFormat.HEADER_LENGTH + 4;
            for (int i = 0; i < batch.size(); i++) {
                Task t = batch.get(i);
                size += 8 + 1 + 8 + 4 + t.fn.length + 4 + (t.arg == null ? 0 : t.arg.length);
            }
            ensure(size); // an upper bound: functions the worker has are sent by id only
            out.putInt(0).put(WireFormat.TASKS).putInt(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                Task t = batch.get(i);
                out.putLong(t.id).put(t.kind).putLong(t.fnId);
                if (workerFunctions.get(t.fnId) != null) {
                    out.putInt(WireFormat.FN_CACHED);
                } else {
                    out.putInt(t.fn.length).put(t.fn);
                    workerFunctions.put(t.fnId, Boolean.TRUE);
                }
                if (t.arg == null) {
                    out.putInt(0);
                } else {
                    out.putInt(t.arg.length).put(t.arg);
                }
            }
            out.putInt(0, out.position() - 4);
            sent += batch.size();
            write();
        }
    }

    @Override
    public void cancel(long taskId) {
        control(WireFormat.CANCEL, taskId);
    }

    @Override
    public void stop() {
        control(WireFormat.STOP, Long.MIN_VALUE);
    }

    private void control(byte type, long argument) {
        synchronized (writeLock) {
            if (tasks == null) {
                return;
            }
            ensure(WireFormat.HEADER_LENGTH + 8);
            out.putInt(argument == Long.MIN_VALUE ? 1 : 9).put(type);
            if (argument != Long.MIN_VALUE) {
                out.putLong(argument);
            }
            try {
                write();
            } catch (IOException e) {
                kill();
            }
        }
    }

    private void ensure(int size) {
        out.clear();
        if (out.capacity() < size) {
            out = ByteBuffer.allocate(Math.max(size, out.capacity() * 2));
        }
    }

    private void write() throws IOException {
        out.flip();
        try {
            while (out.hasRemaining()) {
                tasks.write(out);
            }
        } finally {
            out.clear();
            if (out.capacity() > 4 * 1024 * 1024) {
                out = ByteBuffer.allocate(64 * 1024); // do not keep a huge chunk's buffer forever
            }
        }
    }

    private void closeTasks() {
        synchronized (writeLock) {
            if (tasks != null) {
                try {
                    tasks.close();
                } catch (IOException ignored) {
                    // closing only
                }
            }
        }
    }

    @Override
    public void kill() {
        killRequested = true;
        WorkerProcess p = process;
        if (p != null) {
            p.kill();
        }
    }

    @Override
    public long residentBytes() {
        WorkerProcess p = process;
        if (p == null) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
