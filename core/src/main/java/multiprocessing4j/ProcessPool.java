package multiprocessing4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import multiprocessing4j.internal.pool.Calls;
import multiprocessing4j.internal.pool.Failures;
import multiprocessing4j.internal.pool.JvmWorkerLauncher;
import multiprocessing4j.internal.pool.MapJob;
import multiprocessing4j.internal.pool.PoolConfig;
import multiprocessing4j.internal.pool.PoolEngine;
import multiprocessing4j.internal.pool.PoolFuture;
import multiprocessing4j.internal.pool.WorkerLauncher;

/**
 * A pool of worker JVMs that run functions for this one: Python's {@code multiprocessing.Pool}, made so that
 * it never hangs.
 *
 * <pre>{@code
 * try (ProcessPool pool = ProcessPool.create(4)) {
 *     List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3, 4));          // [1, 4, 9, 16]
 *     AsyncResult<String> r = pool.applyAsync(() -> heavy(), v -> log(v), e -> log(e));
 *     for (Iterator<Long> it = pool.imap(Files::size, paths, 8); it.hasNext(); ) show(it.next());
 * }   // close(): no new work, what is queued finishes, the workers exit
 * }</pre>
 *
 * <p><b>Workers.</b> {@code processes} JVMs started with the same {@code java} and class path as this one
 * (and the pool's JVM options), each running an optional initializer once. A function and its inputs are
 * serialized in the caller (what cannot be serialized throws {@link IllegalArgumentException} naming the
 * class, right there, and the pool goes on), the results serialized back. A thread waiting for one task's result ({@code apply}, {@code get}) reads it from its worker itself:
 * no other thread has to wake it.
 *
 * <p><b>Start-up.</b> A new worker JVM takes a few hundred milliseconds to start. A pool takes a warm spare JVM
 * for a worker when one is ready: {@link Builder#prepareSpares()} starts them ahead of time, and a pool built
 * from ready spares has its first result in tens of milliseconds.
 *
 * <p><b>Maps.</b> {@code map} cuts its input into chunks, one task each: by default about four per worker,
 * as Python computes it ({@code ceil(n / (4 * processes))}); results come back in input order. {@code imap}
 * reads its input lazily and yields results in order as they arrive, {@code imapUnordered} as they finish;
 * their default chunk size is 1. Each takes an optional {@link ProgressListener} ({@link ProgressBar} draws
 * one on the console).
 *
 * <p><b>Failures.</b> A task's exception reaches the caller as its original type when its class is present
 * here and it deserializes, else as a {@link RemoteException}; always with the stack trace it had in the
 * worker. The blocking calls ({@code apply}, {@code map}) throw it as it is when unchecked, else wrapped in
 * a {@link java.util.concurrent.CompletionException}; futures wrap it in an {@link ExecutionException}.
 * {@code map} throws the first failure to arrive, as Python does.
 *
 * <p><b>Nothing hangs.</b> A worker that dies while running a task (killed, {@code System.exit},
 * {@code Runtime.halt}, {@code OutOfMemoryError}, {@code StackOverflowError}, a native crash) fails exactly
 * that task with a {@link WorkerDiedException} naming the exit code or signal and the task; the tasks queued
 * behind it run elsewhere; a new worker takes its place. With a {@linkplain Builder#taskTimeout task timeout},
 * a task running too long has its worker killed and replaced, and fails with a
 * {@link java.util.concurrent.TimeoutException}; {@code cancel(true)} on an {@link AsyncResult} does the same
 * for one task: cancellation that really stops the work, which Java threads cannot give. A worker past
 * {@linkplain Builder#maxTasksPerChild maxTasksPerChild} tasks, or past the
 * {@linkplain Builder#maxWorkerMemory resident-memory limit}, is replaced between tasks. When this JVM dies,
 * however it dies, every worker exits within a moment.
 *
 * <p><b>Callbacks</b> ({@code applyAsync}, {@code mapAsync}) and progress listeners run on the pool's one
 * result thread, in completion order; one that throws is logged with its stack trace and harms nothing.
 *
 * <p><b>Closing.</b> {@link #close()} stops taking work, lets what was queued finish, and waits for the workers
 * to exit (Python's {@code close()} then {@code join()}): try-with-resources does the right thing.
 * {@link #terminate()} kills the workers at once; what had not finished fails with a
 * {@link CancellationException}. Calls after either throw {@link RejectedExecutionException}.
 *
 * <p>Memory consistency effects: actions in a thread before it submits a task happen-before the task's
 * result (or failure) is seen by any thread of this JVM; the task itself runs in another process, on copies.
 */
public final class ProcessPool implements AutoCloseable {
    private final PoolEngine engine;

    private ProcessPool(PoolEngine engine) {
        this.engine = engine;
    }

    /** A pool with one worker per CPU. */
    public static ProcessPool create() {
        return builder().build();
    }

    /** A pool of {@code processes} workers. */
    public static ProcessPool create(int processes) {
        return builder().processes(processes).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How many workers the pool runs at once. */
    public int processes() {
        return engine.config().processes();
    }

    /** The pids of the workers alive now (they change as workers are replaced). */
    public List<Long> workerPids() {
        return engine.workerPids();
    }

    // ------------------------------------------------------------------------------------------------ apply

    /**
     * Runs {@code task} in a worker and waits for its result (Python's {@code apply}).
     *
     * @throws IllegalArgumentException   if the task cannot be serialized
     * @throws RejectedExecutionException if the pool is closed
     */
    public <R> R apply(SerializableCallable<? extends R> task) {
        return await(Calls.<R>submit(engine, kind(CALL), task, null, task, null, null));
    }

    /** Runs {@code fn(argument)} in a worker and waits for its result. */
    public <T, R> R apply(SerializableFunction<? super T, ? extends R> fn, T argument) {
        return await(Calls.<R>submit(engine, kind(APPLY), fn, argument, fn, null, null));
    }

    /** Starts {@code task} in a worker (Python's {@code apply_async}). */
    public <R> AsyncResult<R> applyAsync(SerializableCallable<? extends R> task) {
        return new AsyncResult<>(Calls.<R>submit(engine, kind(CALL), task, null, task, null, null));
    }

    /**
     * Starts {@code task} in a worker; {@code callback} gets its result, or {@code errorCallback} its failure,
     * on the pool's result thread, before the returned result is ready. Either may be null.
     */
    public <R> AsyncResult<R> applyAsync(SerializableCallable<? extends R> task, Consumer<? super R> callback,
                                         Consumer<? super Throwable> errorCallback) {
        return new AsyncResult<>(Calls.<R>submit(engine, kind(CALL), task, null, task, callback, errorCallback));
    }

    /** Starts {@code fn(argument)} in a worker. */
    public <T, R> AsyncResult<R> applyAsync(SerializableFunction<? super T, ? extends R> fn, T argument) {
        return new AsyncResult<>(Calls.<R>submit(engine, kind(APPLY), fn, argument, fn, null, null));
    }

    /** Starts {@code fn(argument)} in a worker, with callbacks as in {@link #applyAsync(SerializableCallable, Consumer, Consumer)}. */
    public <T, R> AsyncResult<R> applyAsync(SerializableFunction<? super T, ? extends R> fn, T argument,
                                            Consumer<? super R> callback, Consumer<? super Throwable> errorCallback) {
        return new AsyncResult<>(Calls.<R>submit(engine, kind(APPLY), fn, argument, fn, callback, errorCallback));
    }

    // ------------------------------------------------------------------------------------------------ map

    /** {@code fn} applied to every item, in a worker, results in input order; automatic chunk size. */
    public <T, R> List<R> map(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items) {
        return map(fn, items, 0, null);
    }

    /**
     * {@code fn} applied to every item, {@code chunksize} items per task.
     *
     * @throws IllegalArgumentException if {@code chunksize < 1}, or a function or item cannot be serialized
     */
    public <T, R> List<R> map(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                              int chunksize) {
        return map(fn, items, checkChunksize(chunksize), null);
    }

    /** {@code fn} applied to every item, with a progress listener; automatic chunk size. */
    public <T, R> List<R> map(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                              ProgressListener listener) {
        return map(fn, items, 0, Objects.requireNonNull(listener, "listener"));
    }

    /**
     * {@code fn} applied to every item, {@code chunksize} items per task (0: automatic), with a progress
     * listener (or null). Throws the first failure to arrive, after which the remaining chunks still run
     * (the listener hears of them).
     */
    public <T, R> List<R> map(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                              int chunksize, ProgressListener listener) {
        if (chunksize < 0) {
            checkChunksize(chunksize);
        }
        return await(MapJob.<R>collect(engine, fn, toList(items), chunksize, listener, null, null, false));
    }

    /** Starts a map (Python's {@code map_async}); automatic chunk size. */
    public <T, R> AsyncResult<List<R>> mapAsync(SerializableFunction<? super T, ? extends R> fn,
                                                Iterable<? extends T> items) {
        return mapAsync(fn, items, 0, null, null);
    }

    /** Starts a map, {@code chunksize} items per task. */
    public <T, R> AsyncResult<List<R>> mapAsync(SerializableFunction<? super T, ? extends R> fn,
                                                Iterable<? extends T> items, int chunksize) {
        return mapAsync(fn, items, checkChunksize(chunksize), null, null);
    }

    /**
     * Starts a map, {@code chunksize} items per task (0: automatic); {@code callback} gets the whole list, or
     * {@code errorCallback} the first failure, on the pool's result thread. Every item is serialized before
     * this returns, so one that cannot be throws here.
     */
    public <T, R> AsyncResult<List<R>> mapAsync(SerializableFunction<? super T, ? extends R> fn,
                                                Iterable<? extends T> items, int chunksize,
                                                Consumer<? super List<R>> callback,
                                                Consumer<? super Throwable> errorCallback) {
        if (chunksize < 0) {
            checkChunksize(chunksize);
        }
        return new AsyncResult<>(MapJob.<R>collect(engine, fn, toList(items), chunksize, null, callback,
                errorCallback, true));
    }

    /** Results of {@code fn} over the items, in input order, as they arrive; one item per task. */
    public <T, R> ResultIterator<R> imap(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items) {
        return imap(fn, items, 1, null);
    }

    /** Results in input order as they arrive, {@code chunksize} items per task. */
    public <T, R> ResultIterator<R> imap(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                                         int chunksize) {
        return imap(fn, items, chunksize, null);
    }

    /** Results in input order as they arrive, with a progress listener (or null). */
    public <T, R> ResultIterator<R> imap(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                                         int chunksize, ProgressListener listener) {
        return new ResultIterator<>(MapJob.<R>iterate(engine, fn, items, checkChunksize(chunksize), true, listener));
    }

    /** Results in the order they finish; one item per task. */
    public <T, R> ResultIterator<R> imapUnordered(SerializableFunction<? super T, ? extends R> fn,
                                                  Iterable<? extends T> items) {
        return imapUnordered(fn, items, 1, null);
    }

    /** Results in the order they finish, {@code chunksize} items per task. */
    public <T, R> ResultIterator<R> imapUnordered(SerializableFunction<? super T, ? extends R> fn,
                                                  Iterable<? extends T> items, int chunksize) {
        return imapUnordered(fn, items, chunksize, null);
    }

    /** Results in the order they finish, with a progress listener (or null). */
    public <T, R> ResultIterator<R> imapUnordered(SerializableFunction<? super T, ? extends R> fn,
                                                  Iterable<? extends T> items, int chunksize,
                                                  ProgressListener listener) {
        return new ResultIterator<>(MapJob.<R>iterate(engine, fn, items, checkChunksize(chunksize), false, listener));
    }

    // ------------------------------------------------------------------------------------------------ closing

    /**
     * Stops taking work, lets every task already queued finish, and waits until the workers have exited
     * (Python's {@code close()} followed by {@code join()}). Idempotent.
     */
    @Override
    public void close() {
        engine.close();
        boolean interrupted = false;
        while (true) {
            try {
                engine.awaitTermination(Long.MAX_VALUE);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Kills every worker now (SIGKILL). Every task not finished fails with a {@link CancellationException};
     * callbacks still run. Returns once the kill is sent; {@link #join()} waits for the workers to be gone.
     */
    public void terminate() {
        engine.terminate(false);
    }

    /**
     * Waits until the workers have exited after {@link #close()} or {@link #terminate()}.
     *
     * @throws IllegalStateException if neither was called: the workers would never exit
     */
    public void join() throws InterruptedException {
        checkJoinable();
        engine.awaitTermination(Long.MAX_VALUE);
    }

    /**
     * Waits at most {@code timeout} until the workers have exited after {@link #close()} or {@link #terminate()}.
     *
     * @return whether they have
     */
    public boolean join(Duration timeout) throws InterruptedException {
        checkJoinable();
        return engine.awaitTermination(AsyncResult.toNanos(timeout));
    }

    /** Whether {@link #close()} or {@link #terminate()} was called. */
    public boolean isShutdown() {
        return engine.isShutdown();
    }

    private void checkJoinable() {
        if (!engine.isShutdown()) {
            throw new IllegalStateException("the pool is still running: call close() or terminate() before join()");
        }
    }

    @Override
    public String toString() {
        return "ProcessPool[" + engine + ", " + processes() + " processes"
                + "]";
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static final int CALL = 0;
    private static final int APPLY = 2;

    private static byte kind(int kind) {
        return (byte) kind;
    }

    static int checkChunksize(int chunksize) {
        if (chunksize < 1) {
            throw new IllegalArgumentException("chunksize must be at least 1, got " + chunksize);
        }
        return chunksize;
    }

    static List<?> toList(Iterable<?> items) {
        Objects.requireNonNull(items, "items");
        if (items instanceof List<?> list) {
            return list;
        }
        if (items instanceof Collection<?> c) {
            return new ArrayList<>(c);
        }
        List<Object> list = new ArrayList<>();
        items.forEach(list::add);
        return list;
    }

    /** Waits for a future in a blocking call: unchecked failures as they are, interruption cancels the task. */
    static <R> R await(PoolFuture<R> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw Failures.rethrow(e.getCause());
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for the result; the task was cancelled");
        }
    }

    static PoolEngine engine(int processes, SerializableRunnable initializer, int maxTasksPerChild, Duration taskTimeout,
                             long maxWorkerMemory, String namePrefix, List<String> jvmOptions) {
        byte[] init = initializer == null ? null
                : Calls.encodeInitializer(initializer);
        PoolConfig config = new PoolConfig(processes, init, maxTasksPerChild,
                taskTimeout == null ? 0 : AsyncResult.toNanos(taskTimeout), maxWorkerMemory, namePrefix, jvmOptions);
        WorkerLauncher launcher = new JvmWorkerLauncher(jvmOptions);
        return new PoolEngine(config, launcher);
    }

    /**
     * Sets up a {@link ProcessPool}.
     *
     * <pre>{@code
     * ProcessPool pool = ProcessPool.builder()
     *         .processes(4)
     *         .initializer(() -> Model.load())        // once in each worker
     *         .maxTasksPerChild(1000)
     *         .taskTimeout(Duration.ofMinutes(2))
     *         .jvmOptions("-Xmx512m")
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        int processes = Multiprocessing.cpuCount();
        SerializableRunnable initializer;
        int maxTasksPerChild;
        Duration taskTimeout;
        long maxWorkerMemory;
        String namePrefix;
        List<String> jvmOptions = List.of();

        Builder() {
        }

        /** How many workers run at once (default: the CPU count). */
        public Builder processes(int processes) {
            if (processes < 1) {
                throw new IllegalArgumentException("processes must be at least 1, got " + processes);
            }
            this.processes = processes;
            return this;
        }

        /** Runs once in each worker before its first task; if it throws, the pool is broken and says why. */
        public Builder initializer(SerializableRunnable initializer) {
            this.initializer = Objects.requireNonNull(initializer, "initializer");
            return this;
        }

        /** Replaces a worker after it ran this many tasks (a map chunk is one task); 0: never (default). */
        public Builder maxTasksPerChild(int maxTasksPerChild) {
            if (maxTasksPerChild < 0) {
                throw new IllegalArgumentException("maxTasksPerChild must be 0 (no limit) or positive, got "
                        + maxTasksPerChild);
            }
            this.maxTasksPerChild = maxTasksPerChild;
            return this;
        }

        /** A task running longer than this has its worker killed and replaced and fails with a TimeoutException. */
        public Builder taskTimeout(Duration taskTimeout) {
            Objects.requireNonNull(taskTimeout, "taskTimeout");
            if (taskTimeout.isNegative() || taskTimeout.isZero()) {
                throw new IllegalArgumentException("taskTimeout must be positive, got " + taskTimeout);
            }
            this.taskTimeout = taskTimeout;
            return this;
        }

        /** A worker whose resident memory (VmRSS) exceeds this many bytes is replaced between tasks; 0: no limit. */
        public Builder maxWorkerMemory(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxWorkerMemory must be 0 (no limit) or positive, got " + bytes);
            }
            this.maxWorkerMemory = bytes;
            return this;
        }

        /** Workers are named {@code prefix-worker-N} (default {@code pool-K}). */
        public Builder workerNamePrefix(String prefix) {
            this.namePrefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /**
         * Extra options for the worker JVMs, e.g. {@code -Xmx512m}. Unless they size the heap or choose a
         * collector, a worker starts with {@code -Xms40m -Xmn32m}: room for a map chunk's values to die young
         * (a child JVM's own default heap is sized for an idle child, not for bulk work).
         */
        public Builder jvmOptions(String... options) {
            return jvmOptions(List.of(options));
        }

        /** Extra options for the worker JVMs. */
        public Builder jvmOptions(List<String> options) {
            this.jvmOptions = List.copyOf(options);
            return this;
        }

        /**
         * Starts, in the background, a warm spare JVM for each of this builder's {@code processes}, with its JVM
         * options, and returns at once: a pool built later with the same JVM options (by this builder or another)
         * takes one spare per worker and gets its first result in milliseconds rather than after a JVM start-up
         * per worker, as Python's {@code forkserver} keeps a process ready to fork. Call it early (at application
         * start) for a pool you will need soon; each spare is a whole idle JVM (tens of MB resident) until a pool
         * takes it, and dies with this JVM. Spares are started one after another, and only as many as are missing;
         * a spare a pool took is not replaced. The initializer is not run in a spare: a worker runs it when it
         * starts. Does nothing when warm spares are switched off ({@code -Dmp4j.spares=false}).
         *
         * @return this builder
         */
        public Builder prepareSpares() {
            JvmWorkerLauncher.prepareSpares(jvmOptions, processes);
            return this;
        }

        /** Starts the workers (without waiting for them to be ready: tasks queue meanwhile). */
        public ProcessPool build() {
            return new ProcessPool(engine(processes, initializer, maxTasksPerChild, taskTimeout, maxWorkerMemory,
                    namePrefix, jvmOptions));
        }
    }
}
