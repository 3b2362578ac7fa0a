package multiprocessing4j.internal.pool;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The future of a pool task or map: a {@link CompletableFuture} whose {@code cancel} reaches the pool
 * ({@code cancel(true)} on a running task kills its worker), and whose {@code get} spins for a few
 * microseconds before blocking, since a blocked thread takes ≈ 25 µs to wake here and a task's result
 * often arrives sooner than that. While it waits for a single task held by a worker, it reads that worker's
 * results itself ({@link WorkerChannel#help}) rather than have another thread hand the result over.
 */
public final class PoolFuture<R> extends CompletableFuture<R> {
    /** How long {@code get} spins before it blocks. */
    static final long SPIN_NANOS = 50_000;

    private volatile Consumer<Boolean> onCancel;
    /** The single task this is the future of, or null (a map). */
    private volatile Task task;

    /** Sets the single task whose result this future waits for (once, before the future is handed out). */
    void task(Task task) {
        this.task = task;
    }

    /** Sets what cancelling does to the pool (once, before the future is handed out). */
    public void onCancel(Consumer<Boolean> onCancel) {
        this.onCancel = onCancel;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean wasDone = isDone();
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        Consumer<Boolean> hook = onCancel;
        if (cancelled && !wasDone && hook != null) {
            hook.accept(mayInterruptIfRunning);
        }
        return cancelled;
    }

    @Override
    public R get() throws InterruptedException, ExecutionException {
        spin(SPIN_NANOS);
        return super.get();
    }

    @Override
    public R get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        spin(Math.min(SPIN_NANOS, unit.toNanos(timeout)));
        return super.get(timeout, unit);
    }

    @Override
    public R join() {
        spin(SPIN_NANOS);
        return super.join();
    }

    /** Waits for completion by spinning (or reading the task's worker's results) at most {@code nanos}. */
    public void spin(long nanos) {
        if (isDone()) {
            return;
        }
        long end = System.nanoTime() + nanos;
        Task t = task;
        PoolEngine.Slot slot = t == null ? null : t.slot;
        WorkerChannel channel = slot == null ? null : slot.channel;
        if (channel != null) {
            channel.help(this, nanos);
        }
        int spins = 0;
        while (!isDone()) {
            if ((++spins & 0x3f) == 0 && System.nanoTime() - end > 0) {
                return;
            }
            Thread.onSpinWait();
        }
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}
