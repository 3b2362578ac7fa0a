package multiprocessing4j;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import multiprocessing4j.internal.pool.JvmWorkerLauncher;
import multiprocessing4j.internal.pool.Calls;
import multiprocessing4j.internal.pool.MapJob;
import multiprocessing4j.internal.pool.PoolEngine;
import multiprocessing4j.internal.pool.PoolFuture;
import multiprocessing4j.internal.pool.Task;

/**
 * An {@link ExecutorService} whose tasks run in a pool of worker JVMs: Python's
 * {@code concurrent.futures.ProcessPoolExecutor}, which does not break when a worker dies.
 *
 * <pre>{@code
 * try (ProcessPoolExecutor executor = new ProcessPoolExecutor(4)) {
 *     CompletableFuture<Long> f = executor.submit(() -> LongStream.range(0, 1_000_000_000L).sum());
 *     List<Integer> lengths = executor.map(String::length, words);
 *     System.out.println(f.get());
 * }
 * }</pre>
 *
 * <p>Tasks must be serializable: a lambda written where a {@link SerializableCallable} or
 * {@link SerializableRunnable} is expected is; a plain {@link Callable} or {@link Runnable} is accepted when
 * its object is {@link Serializable}, and rejected with an {@link IllegalArgumentException} naming its class
 * otherwise, in the caller, before anything is sent. Every {@code submit} returns a {@link CompletableFuture}.
 *
 * <p><b>Failures and cancellation</b> are as in {@link ProcessPool}: a task's exception comes back (inside
 * {@link ExecutionException}) as its original type with the remote stack trace, or as a
 * {@link RemoteException}; a worker that dies fails only the task it was running, with a
 * {@link WorkerDiedException}, and is replaced — the executor never becomes "broken". {@code cancel(true)}
 * on a running task's future kills its worker (and the pool replaces it): the task really stops.
 *
 * <p><b>Shutdown.</b> {@link #shutdown()} lets queued tasks finish; {@link #shutdownNow()} kills every
 * worker, cancels the running tasks' futures, and returns the tasks that never started (their futures are
 * cancelled too: none is left waiting forever). {@link #close()} shuts down and waits. Submitting afterwards
 * throws {@link java.util.concurrent.RejectedExecutionException}.
 *
 * <p>Memory consistency effects: actions in a thread before it submits a task happen-before the completion
 * of the task's future is seen by any thread; the task itself runs in another process, on copies.
 */
public final class ProcessPoolExecutor implements ExecutorService {
    private static final System.Logger LOG = System.getLogger("multiprocessing4j.pool");
    private final PoolEngine engine;

    /** An executor with one worker per CPU. */
    public ProcessPoolExecutor() {
        this(builder());
    }

    /** An executor with at most {@code maxWorkers} workers. */
    public ProcessPoolExecutor(int maxWorkers) {
        this(builder().maxWorkers(maxWorkers));
    }

    private ProcessPoolExecutor(Builder b) {
        this.engine = ProcessPool.engine(b.maxWorkers, b.initializer, b.maxTasksPerChild, b.taskTimeout,
                b.maxWorkerMemory, b.namePrefix, b.jvmOptions);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The pids of the workers alive now. */
    public List<Long> workerPids() {
        return engine.workerPids();
    }

    // ------------------------------------------------------------------------------------------------ submit

    /** Runs {@code task} in a worker. */
    public <T> CompletableFuture<T> submit(SerializableCallable<T> task) {
        return Calls.submit(engine, CALL, task, null, task, null, null);
    }

    /** Runs {@code task} in a worker; the future completes with null. */
    public CompletableFuture<?> submit(SerializableRunnable task) {
        return Calls.submit(engine, RUN, task, null, task, null, null);
    }

    /**
     * Runs {@code task} in a worker.
     *
     * @throws IllegalArgumentException if {@code task} is not serializable (naming its class)
     */
    @Override
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        return Calls.submit(engine, CALL, task, null, task, null, null);
    }

    /**
     * Runs {@code task} in a worker; the future completes with null.
     *
     * @throws IllegalArgumentException if {@code task} is not serializable (naming its class)
     */
    @Override
    public CompletableFuture<?> submit(Runnable task) {
        return Calls.submit(engine, RUN, task, null, task, null, null);
    }

    /** Runs {@code task} in a worker; the future completes with {@code result}. */
    @Override
    public <T> CompletableFuture<T> submit(Runnable task, T result) {
        return Calls.submit(engine, RUN, task, null, task, null, null).thenApply(ignored -> result);
    }

    /** Runs {@code command} in a worker; if it fails, the failure is logged. */
    @Override
    public void execute(Runnable command) {
        Calls.submit(engine, RUN, command, null, command, null, null).whenComplete((v, e) -> {
            if (e != null && !(e instanceof CancellationException)) {
                LOG.log(System.Logger.Level.WARNING, engine.name() + ": a task given to execute() failed", e);
            }
        });
    }

    /**
     * {@code fn} applied to every item in the workers, results in input order; one item per task
     * (Python's default).
     */
    public <T, R> List<R> map(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items) {
        return map(fn, items, 1);
    }

    /**
     * {@code fn} applied to every item, {@code chunksize} items per task, results in input order.
     * Throws the first failure to arrive (as it is when unchecked, else in a
     * {@link java.util.concurrent.CompletionException}).
     */
    public <T, R> List<R> map(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                              int chunksize) {
        return ProcessPool.await(MapJob.<R>collect(engine, fn, ProcessPool.toList(items),
                ProcessPool.checkChunksize(chunksize), null, null, null, false));
    }

    // ------------------------------------------------------------------------------------------------ invoke

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        List<Future<T>> futures = submitAll(tasks);
        try {
            for (Future<T> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException | CancellationException ignored) {
                    // the caller inspects each future
                }
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        }
        return futures;
    }

    /** Cancels (killing their workers) the tasks not done when the timeout elapses. */
    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        List<Future<T>> futures = submitAll(tasks);
        try {
            for (Future<T> f : futures) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    f.get(left, TimeUnit.NANOSECONDS);
                } catch (ExecutionException | CancellationException | TimeoutException ignored) {
                    // checked below
                }
            }
        } finally {
            futures.forEach(f -> {
                if (!f.isDone()) {
                    f.cancel(true);
                }
            });
        }
        return futures;
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try {
            return invokeAny(tasks, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("an unbounded wait timed out", e);
        }
    }

    /** The result of one task that succeeded; the others are cancelled (running ones have their workers killed). */
    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("invokeAny needs at least one task");
        }
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        LinkedBlockingQueue<CompletableFuture<T>> finished = new LinkedBlockingQueue<>();
        List<CompletableFuture<T>> futures = new ArrayList<>();
        try {
            for (Callable<T> task : tasks) {
                CompletableFuture<T> f = submit(task);
                futures.add(f);
                f.whenComplete((v, e) -> finished.add(f));
            }
            ExecutionException last = null;
            for (int i = 0; i < futures.size(); i++) {
                long left = deadline - System.nanoTime();
                CompletableFuture<T> f = left <= 0 ? null : finished.poll(left, TimeUnit.NANOSECONDS);
                if (f == null) {
                    throw new TimeoutException("no task succeeded within " + Duration.ofNanos(unit.toNanos(timeout)));
                }
                try {
                    return f.get();
                } catch (ExecutionException e) {
                    last = e;
                } catch (CancellationException e) {
                    last = new ExecutionException(e);
                }
            }
            throw last;
        } finally {
            futures.forEach(f -> {
                if (!f.isDone()) {
                    f.cancel(true);
                }
            });
        }
    }

    private <T> List<Future<T>> submitAll(Collection<? extends Callable<T>> tasks) {
        Objects.requireNonNull(tasks, "tasks");
        List<Future<T>> futures = new ArrayList<>(tasks.size());
        try {
            for (Callable<T> task : tasks) {
                futures.add(submit(task));
            }
        } catch (RuntimeException e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        }
        return futures;
    }

    // ------------------------------------------------------------------------------------------------ shutdown

    /** Takes no new tasks; those queued finish, then the workers exit. Returns at once. Idempotent. */
    @Override
    public void shutdown() {
        engine.close();
    }

    /**
     * Kills every worker now; the running tasks' futures fail with {@link CancellationException}. Returns the
     * tasks that never started (as {@link Runnable}s: a submitted {@link Callable} is wrapped); their futures
     * are cancelled.
     */
    @Override
    public List<Runnable> shutdownNow() {
        List<Task> never = engine.terminate(true);
        List<Runnable> tasks = new ArrayList<>(never.size());
        for (Task t : never) {
            Object origin = t.attachment();
            if (origin instanceof Runnable r) {
                tasks.add(r);
            } else if (origin instanceof Callable<?> c) {
                tasks.add(new NeverStarted(c));
            }
            t.owner().failed(t, new CancellationException(t.describe() + " never started: the executor was shut down"));
        }
        return tasks;
    }

    /** A task handed back by {@link #shutdownNow()}: running it calls the callable here. */
    private record NeverStarted(Callable<?> callable) implements Runnable {
        @Override
        public void run() {
            try {
                callable.call();
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }
    }

    @Override
    public boolean isShutdown() {
        return engine.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return engine.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return engine.awaitTermination(unit.toNanos(timeout));
    }

    /** {@link #awaitTermination(long, TimeUnit)} with a {@link Duration}. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return engine.awaitTermination(AsyncResult.toNanos(timeout));
    }

    @Override
    public String toString() {
        return "ProcessPoolExecutor[" + engine + ", " + engine.config().processes() + " workers"
                + (engine.isTerminated() ? ", terminated" : engine.isShutdown() ? ", shut down" : "") + "]";
    }

    private static final byte CALL = 0;
    private static final byte RUN = 1;

    /** Sets up a {@link ProcessPoolExecutor}. */
    public static final class Builder {
        int maxWorkers = Multiprocessing.cpuCount();
        SerializableRunnable initializer;
        int maxTasksPerChild;
        Duration taskTimeout;
        long maxWorkerMemory;
        String namePrefix;
        List<String> jvmOptions = List.of();

        Builder() {
        }

        /** How many workers run at once (default: the CPU count). */
        public Builder maxWorkers(int maxWorkers) {
            if (maxWorkers < 1) {
                throw new IllegalArgumentException("maxWorkers must be at least 1, got " + maxWorkers);
            }
            this.maxWorkers = maxWorkers;
            return this;
        }

        /** Runs once in each worker before its first task. */
        public Builder initializer(SerializableRunnable initializer) {
            this.initializer = Objects.requireNonNull(initializer, "initializer");
            return this;
        }

        /** Replaces a worker after it ran this many tasks; 1 means a fresh JVM for every task; 0: never. */
        public Builder maxTasksPerChild(int maxTasksPerChild) {
            if (maxTasksPerChild < 0) {
                throw new IllegalArgumentException("maxTasksPerChild must be 0 (no limit) or positive, got "
                        + maxTasksPerChild);
            }
            this.maxTasksPerChild = maxTasksPerChild;
            return this;
        }

        /** A task running longer than this has its worker killed and fails with a TimeoutException. */
        public Builder taskTimeout(Duration taskTimeout) {
            Objects.requireNonNull(taskTimeout, "taskTimeout");
            if (taskTimeout.isNegative() || taskTimeout.isZero()) {
                throw new IllegalArgumentException("taskTimeout must be positive, got " + taskTimeout);
            }
            this.taskTimeout = taskTimeout;
            return this;
        }

        /** A worker whose resident memory exceeds this many bytes is replaced between tasks; 0: no limit. */
        public Builder maxWorkerMemory(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxWorkerMemory must be 0 (no limit) or positive, got " + bytes);
            }
            this.maxWorkerMemory = bytes;
            return this;
        }

        /** Workers are named {@code prefix-worker-N}. */
        public Builder workerNamePrefix(String prefix) {
            this.namePrefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /** Extra options for the worker JVMs; heap defaults as for {@link ProcessPool.Builder#jvmOptions(String...)}. */
        public Builder jvmOptions(String... options) {
            this.jvmOptions = List.of(options);
            return this;
        }

        /**
         * Starts, in the background, a warm spare JVM for each of this builder's {@code maxWorkers}, with its JVM
         * options, so that an executor built later with the same options starts in milliseconds; see
         * {@link ProcessPool.Builder#prepareSpares()}.
         *
         * @return this builder
         */
        public Builder prepareSpares() {
            JvmWorkerLauncher.prepareSpares(jvmOptions, maxWorkers);
            return this;
        }

        public ProcessPoolExecutor build() {
            return new ProcessPoolExecutor(this);
        }
    }
}
