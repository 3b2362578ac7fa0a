package multiprocessing4j.internal.pool;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import multiprocessing4j.ProgressListener;
import multiprocessing4j.internal.codec.Codec;

/**
 * One {@code map}, {@code mapAsync}, {@code imap} or {@code imapUnordered}: cuts the input into chunks,
 * each one task, and puts the chunks' results back together.
 *
 * <ul>
 *   <li>{@link Mode#COLLECT} (map): the whole input is known; results fill an array in input order; the
 *       future fails at the first failed item (the other chunks still run, as in Python, and the progress
 *       listener still hears of them) or completes with the list once every item is done.</li>
 *   <li>{@link Mode#ORDERED} / {@link Mode#UNORDERED} (imap): a feeder thread reads the input lazily and
 *       stays at most a window of items ahead of the consumer; {@link #next} hands results out in input
 *       order or as they arrive. A failed item throws from {@code next} at its place; iteration goes on.</li>
 * </ul>
 */
public final class MapJob<R> implements TaskOwner {
    public enum Mode { COLLECT, ORDERED, UNORDERED }

    /** A failed item in a result buffer. */
    private record Failed(Throwable error) {
    }

    private final PoolEngine engine;
    private final Codec codec = PoolCodec.codec();
    private final Mode mode;
    private final long fnId;
    private final byte[] fn;
    private final int chunksize;
    private final ProgressListener listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** The feeder waits here, apart from consumers, so that a chunk's arrival does not wake it for nothing. */
    private final Condition room = lock.newCondition();
    private final Set<Task> outstanding = new LinkedHashSet<>();

    private final PoolFuture<List<R>> future;
    private final Consumer<? super List<R>> callback;
    private final Consumer<? super Throwable> errorCallback;
    private Object[] results;

    private final HashMap<Long, Object> byIndex = new HashMap<>();
    private final ArrayDeque<Object> arrived = new ArrayDeque<>();
    private long nextIndex;
    private long window;
    /** A feeder that found the window full resumes once this few items are outstanding, then sends a batch. */
    private long refillAt;

    private long submitted;
    private long done;
    private long failed;
    private long consumed;
    private long total = -1;
    private boolean inputDone;
    private RuntimeException inputFailure;
    private boolean cancelled;
    private boolean jobEnded;

    private MapJob(PoolEngine engine, Mode mode, Object function, int chunksize, ProgressListener listener,
                   Consumer<? super List<R>> callback, Consumer<? super Throwable> errorCallback) {
        this.engine = engine;
        this.mode = mode;
        this.fn = Calls.encodeTask(codec, function, "function");
        this.fnId = engine.newId();
        this.chunksize = chunksize;
        this.listener = listener;
        this.callback = callback;
        this.errorCallback = errorCallback;
        this.future = mode == Mode.COLLECT ? new PoolFuture<>() : null;
        if (future != null) {
            future.onCancel(this::cancel);
        }
    }

    /** Python's rule: about four chunks per worker. */
    public static int autoChunksize(int items, int processes) {
        if (items == 0) {
            return 0;
        }
        int chunksize = items / (processes * 4);
        if (items % (processes * 4) != 0) {
            chunksize++;
        }
        return chunksize;
    }

    /**
     * Starts a map over a known list and returns its future.
     *
     * @param encodeAllFirst encode every chunk before sending any (so that mapAsync fails in its caller for an
     *                       item that cannot be serialized); else encode and send chunk by chunk
     */
    public static <R> PoolFuture<List<R>> collect(PoolEngine engine, Object function, List<?> items, int chunksize,
                                                 ProgressListener listener, Consumer<? super List<R>> callback,
                                                 Consumer<? super Throwable> errorCallback, boolean encodeAllFirst) {
        if (chunksize < 1) {
            chunksize = Math.max(1, autoChunksize(items.size(), engine.config().processes()));
        }
        MapJob<R> job = new MapJob<>(engine, Mode.COLLECT, function, chunksize, listener, callback, errorCallback);
        job.results = new Object[items.size()];
        job.total = items.size();
        engine.beginJob();
        try {
            List<Task> tasks = new ArrayList<>();
            for (int start = 0; start < items.size(); start += chunksize) {
                Task t = job.chunk(items.subList(start, Math.min(items.size(), start + chunksize)), start);
                if (encodeAllFirst) {
                    tasks.add(t);
                } else {
                    job.send(t);
                }
            }
            tasks.forEach(job::send);
        } catch (RuntimeException e) {
            job.cancel(false);
            job.endJob();
            throw e;
        }
        job.inputEnded(null);
        return job.future;
    }

    /** Starts an imap; its feeder thread reads {@code items} lazily. */
    public static <R> MapJob<R> iterate(PoolEngine engine, Object function, Iterable<?> items, int chunksize,
                                       boolean ordered, ProgressListener listener) {
        if (chunksize < 1) {
            throw new IllegalArgumentException("chunksize must be at least 1, got " + chunksize);
        }
        MapJob<R> job = new MapJob<>(engine, ordered ? Mode.ORDERED : Mode.UNORDERED, function, chunksize, listener,
                null, null);
        // Enough chunks ahead that the workers never wait for the consumer's or the feeder's wake-ups (each
        // ≈ 25 µs here); the feeder refills in batches from half empty rather than waking for every chunk.
        job.window = (long) chunksize * Math.max(16, engine.config().processes() * 16L) + chunksize;
        job.refillAt = job.window / 2;
        engine.beginJob();
        Iterator<?> it;
        try {
            it = items.iterator();
        } catch (RuntimeException e) {
            job.endJob();
            throw e;
        }
        Thread.ofVirtual().name(engine.name() + "-imap-feeder").start(() -> job.feed(it));
        return job;
    }

    private Task chunk(List<?> items, long firstIndex) {
        byte[] arg = Calls.encodeValue(codec, items.toArray(), "map item");
        return new Task(engine.newId(), WireFormat.KIND_CHUNK, fnId, fn, arg, this,
                listener != null ? List.copyOf(items) : null, firstIndex, items.size());
    }

    private void send(Task t) {
        lock.lock();
        try {
            if (cancelled) {
                return;
            }
            outstanding.add(t);
            submitted += t.itemCount;
        } finally {
            lock.unlock();
        }
        try {
            engine.submitForJob(t);
        } catch (RuntimeException e) {
            lock.lock();
            try {
                outstanding.remove(t);
                submitted -= t.itemCount;
            } finally {
                lock.unlock();
            }
            throw e;
        }
    }

    private void feed(Iterator<?> it) {
        long index = 0;
        RuntimeException failure = null;
        try {
            List<Object> items = new ArrayList<>(chunksize);
            while (true) {
                lock.lock();
                try {
                    if (submitted - consumed > window - chunksize) {
                        while (!cancelled && submitted - consumed > refillAt) {
                            room.await();
                        }
                    }
                    if (cancelled) {
                        break;
                    }
                } finally {
                    lock.unlock();
                }
                items.clear();
                while (items.size() < chunksize && it.hasNext()) {
                    items.add(it.next());
                }
                if (items.isEmpty()) {
                    break;
                }
                send(chunk(items, index));
                index += items.size();
                if (items.size() < chunksize) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            failure = new CancellationException("the map's input feeder was interrupted");
        } catch (RuntimeException e) {
            failure = e;
        }
        inputEnded(failure);
    }

    private void inputEnded(RuntimeException failure) {
        boolean finished;
        lock.lock();
        try {
            inputDone = true;
            inputFailure = failure;
            total = submitted;
            finished = done == submitted;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        endJob();
        if (finished) {
            finish();
        }
    }

    private void endJob() {
        lock.lock();
        try {
            if (jobEnded) {
                return;
            }
            jobEnded = true;
        } finally {
            lock.unlock();
        }
        engine.endJob();
    }

    @Override
    public void succeeded(Task task, Object value) {
        Object[] values = (Object[]) value;
        outcome(task, values, null);
    }

    @Override
    public void failed(Task task, Throwable error) {
        outcome(task, null, error);
    }

    private void outcome(Task task, Object[] values, Throwable whole) {
        Throwable firstFailure = null;
        boolean finished;
        lock.lock();
        try {
            outstanding.remove(task);
            if (cancelled && mode != Mode.COLLECT) {
                return;
            }
            List<?> items = (List<?>) task.attachment;
            for (int i = 0; i < task.itemCount; i++) {
                long index = task.firstIndex + i;
                Object v;
                if (whole != null) {
                    v = new Failed(whole);
                } else if (PoolCodec.isFailure(values[i])) {
                    v = new Failed(PoolCodec.rebuildFailure(values[i]));
                } else {
                    v = values[i];
                }
                if (v instanceof Failed f) {
                    failed++;
                    if (firstFailure == null) {
                        firstFailure = f.error;
                    }
                    if (listener != null) {
                        Object item = items.get(i);
                        engine.runCallback("a progress listener", () -> listener.onItemFailed(index, item, f.error));
                    }
                }
                switch (mode) {
                    case COLLECT -> results[(int) index] = v;
                    case ORDERED -> byIndex.put(index, v);
                    case UNORDERED -> arrived.add(v);
                }
            }
            done += task.itemCount;
            if (listener != null) {
                long d = done, f = failed, t = total;
                engine.runCallback("a progress listener", () -> listener.onProgress(d, f, t));
            }
            finished = inputDone && done == submitted;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (mode == Mode.COLLECT && firstFailure != null) {
            fail(firstFailure);
        }
        if (finished) {
            finish();
        }
    }

    private void finish() {
        if (listener != null) {
            long d, f, t;
            lock.lock();
            try {
                d = done;
                f = failed;
                t = total;
            } finally {
                lock.unlock();
            }
            engine.runCallback("a progress listener", () -> listener.onFinished(d, f, t));
        }
        if (mode != Mode.COLLECT) {
            return;
        }
        @SuppressWarnings("unchecked")
        List<R> list = (List<R>) Collections.unmodifiableList(Arrays.asList(results));
        for (Object r : results) {
            if (r instanceof Failed) {
                return; // the future failed already
            }
        }
        if (callback == null && listener == null) {
            future.complete(list);
        } else {
            engine.callbackExecutor().execute(() -> {
                try {
                    if (callback != null && !future.isDone()) {
                        callback.accept(list);
                    }
                } catch (Throwable t) {
                    System.getLogger("multiprocessing4j.pool").log(System.Logger.Level.WARNING,
                            engine.name() + ": a map callback threw; the pool goes on", t);
                } finally {
                    future.complete(list);
                }
            });
        }
    }

    private void fail(Throwable error) {
        if (future.isDone()) {
            return;
        }
        if (errorCallback == null && listener == null) {
            future.completeExceptionally(error);
            return;
        }
        engine.callbackExecutor().execute(() -> {
            try {
                if (errorCallback != null && !future.isDone()) {
                    errorCallback.accept(error);
                }
            } catch (Throwable t) {
                System.getLogger("multiprocessing4j.pool").log(System.Logger.Level.WARNING,
                        engine.name() + ": a map error callback threw; the pool goes on", t);
            } finally {
                future.completeExceptionally(error);
            }
        });
    }

    /** Cancels every chunk not yet done; the feeder stops. */
    public void cancel(boolean mayInterrupt) {
        List<Task> tasks;
        lock.lock();
        try {
            cancelled = true;
            tasks = new ArrayList<>(outstanding);
            outstanding.clear();
            changed.signalAll();
            room.signalAll();
        } finally {
            lock.unlock();
        }
        for (Task t : tasks) {
            engine.cancel(t, mayInterrupt);
        }
        if (future != null) {
            future.cancel(mayInterrupt);
        }
    }

    // ---------------------------------------------------------------- iteration (imap)

    /** Whether {@link #next} has an item (or an input failure) to give; waits until that is known. */
    public boolean hasNext() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (true) {
                if (available() || inputFailure != null) {
                    return true;
                }
                if (cancelled || (inputDone && consumed >= submitted)) {
                    return false;
                }
                if (consumed < submitted) {
                    return true;
                }
                changed.await();
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean available() {
        return mode == Mode.ORDERED ? byIndex.containsKey(nextIndex) : !arrived.isEmpty();
    }

    /**
     * The next result, waiting at most {@code nanos} (negative: without limit).
     *
     * @throws NoSuchElementException when every item was handed out
     * @throws TimeoutException       if none arrived in time
     */
    @SuppressWarnings("unchecked")
    public R next(long nanos) throws InterruptedException, TimeoutException {
        Object v;
        boolean unlimited = nanos < 0;
        lock.lockInterruptibly();
        try {
            while (true) {
                if (available()) {
                    v = mode == Mode.ORDERED ? byIndex.remove(nextIndex++) : arrived.poll();
                    consumed++;
                    if (submitted - consumed == refillAt) {
                        room.signal(); // half the window is free: wake the feeder, once, not per item
                    }
                    break;
                }
                if (cancelled) {
                    throw new CancellationException("the imap was closed");
                }
                if (inputDone && consumed >= submitted) {
                    if (inputFailure != null) {
                        RuntimeException e = inputFailure;
                        inputFailure = null;
                        throw e;
                    }
                    throw new NoSuchElementException("every result was handed out");
                }
                if (unlimited) {
                    changed.await();
                } else {
                    if (nanos <= 0) {
                        throw new TimeoutException("no result arrived in time");
                    }
                    nanos = changed.awaitNanos(nanos);
                }
            }
        } finally {
            lock.unlock();
        }
        if (v instanceof Failed f) {
            throw Failures.rethrow(f.error);
        }
        return (R) v;
    }
}
