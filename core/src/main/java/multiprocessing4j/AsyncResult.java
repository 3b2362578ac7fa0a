package multiprocessing4j;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import multiprocessing4j.internal.pool.PoolFuture;

/**
 * The result of {@link ProcessPool#applyAsync} or {@link ProcessPool#mapAsync}, computed in a worker JVM:
 * Python's {@code AsyncResult}, and a {@link Future}.
 *
 * <pre>{@code
 * AsyncResult<Long> r = pool.applyAsync(() -> slowSum(), sum -> log("sum " + sum), e -> log("failed: " + e));
 * r.waitFor(Duration.ofSeconds(5));        // Python's wait(timeout)
 * if (r.ready() && r.successful()) System.out.println(r.get());
 * }</pre>
 *
 * <p><b>Failures.</b> {@code get} throws {@link ExecutionException} whose cause is the task's own exception,
 * rebuilt in this JVM with its remote stack trace where its class is present and it deserializes, else a
 * {@link RemoteException} carrying the remote class, message and trace; a {@link WorkerDiedException} if the
 * worker died running it; a {@link TimeoutException} if it ran past the pool's task timeout (its worker was
 * killed and replaced).
 *
 * <p><b>Cancellation is real.</b> {@code cancel(true)} on a task that is running kills the worker JVM running
 * it (the pool replaces it): the hard stop Java threads cannot give. A task not yet started is simply
 * dropped. {@code cancel(false)} lets a running task finish and discards its result.
 *
 * <p><b>Callbacks</b> given to {@code applyAsync}/{@code mapAsync} run on the pool's result thread, in
 * completion order, <em>before</em> this result becomes ready: what a callback did is visible to a thread
 * that {@code get}s the result.
 *
 * <p>Memory consistency effects: the worker's computation is in another process; in this JVM, the arrival
 * of the result happens-before {@code get} returns it.
 *
 * @param <R> the result type
 */
public final class AsyncResult<R> implements Future<R> {
    private final PoolFuture<R> future;

    AsyncResult(PoolFuture<R> future) {
        this.future = future;
    }

    /** Waits for the result. */
    @Override
    public R get() throws InterruptedException, ExecutionException {
        return future.get();
    }

    @Override
    public R get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        return future.get(timeout, unit);
    }

    /**
     * Waits at most {@code timeout} for the result; the task goes on running if it is not there in time.
     *
     * @throws TimeoutException if it was not ready in time
     */
    public R get(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        return future.get(toNanos(timeout), TimeUnit.NANOSECONDS);
    }

    /** Waits until the result is ready (Python's {@code wait()}). */
    public void waitFor() throws InterruptedException {
        try {
            future.get();
        } catch (ExecutionException | java.util.concurrent.CancellationException ignored) {
            // ready, unsuccessfully
        }
    }

    /**
     * Waits at most {@code timeout} until the result is ready (Python's {@code wait(timeout)}).
     *
     * @return whether it is ready
     */
    public boolean waitFor(Duration timeout) throws InterruptedException {
        try {
            future.get(toNanos(timeout), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | java.util.concurrent.CancellationException | TimeoutException ignored) {
            // ready unsuccessfully, or not ready: ready() tells
        }
        return future.isDone();
    }

    /** Whether the task has finished, successfully or not (Python's {@code ready()}). */
    public boolean ready() {
        return future.isDone();
    }

    /**
     * Whether the task finished without an exception (Python's {@code successful()}).
     *
     * @throws IllegalStateException if it has not finished yet
     */
    public boolean successful() {
        if (!future.isDone()) {
            throw new IllegalStateException("the result is not ready yet: call ready() or waitFor() first");
        }
        return !future.isCompletedExceptionally();
    }

    /**
     * This result as a {@link CompletableFuture}, to compose with others. Cancelling it cancels the task
     * (as {@link #cancel} does); its dependent stages run in the thread that completes it unless given an executor.
     */
    public CompletableFuture<R> toCompletableFuture() {
        return future;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return future.cancel(mayInterruptIfRunning);
    }

    @Override
    public boolean isCancelled() {
        return future.isCancelled();
    }

    @Override
    public boolean isDone() {
        return future.isDone();
    }

    @Override
    public String toString() {
        return "AsyncResult[" + (future.isDone() ? (future.isCompletedExceptionally() ? "failed" : "succeeded")
                : "pending") + "]";
    }

    static long toNanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}
