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
 * often arrives sooner than that.
 */
public final class PoolFuture<R> extends CompletableFuture<R> {
    /** How long {@code get} spins before it blocks. */
    static final long SPIN_NANOS = 50_000;

    private volatile Consumer<Boolean> onCancel;

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

    /** Waits for completion by spinning at most {@code nanos}. */
    public void spin(long nanos) {
        if (isDone()) {
            return;
        }
        long end = System.nanoTime() + nanos;
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
