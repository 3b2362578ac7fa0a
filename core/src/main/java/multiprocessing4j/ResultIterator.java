package multiprocessing4j;

import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;

import multiprocessing4j.internal.pool.MapJob;

/**
 * The results of {@link ProcessPool#imap} (in input order) or {@link ProcessPool#imapUnordered} (in the
 * order they arrive), handed out as they come while the rest is still being computed.
 *
 * <pre>{@code
 * try (ResultIterator<String> pages = pool.imap(Crawler::fetch, urls, 4)) {
 *     while (pages.hasNext()) {
 *         try {
 *             index(pages.next());
 *         } catch (RemoteException | WorkerDiedException e) {
 *             log("one page failed: " + e);     // iteration goes on with the next item
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>The input is read lazily, on a thread of the pool, at most a few chunks per worker ahead of what this
 * iterator has handed out: an endless or huge input is fine. A failed item throws from {@code next} at its
 * place (its own exception when unchecked, else wrapped in a
 * {@link java.util.concurrent.CompletionException}), and the following {@code next} goes on. If reading the
 * input throws, that exception comes out of {@code next} after every item read before it.
 *
 * <p>{@link #close()} stops reading the input and drops the chunks not yet started; chunks running finish.
 * Not thread-safe: one consumer.
 *
 * @param <R> the result type
 */
public final class ResultIterator<R> implements Iterator<R>, AutoCloseable {
    private final MapJob<R> job;

    ResultIterator(MapJob<R> job) {
        this.job = job;
    }

    /** Waits until it is known whether another result (or input failure) will come. */
    @Override
    public boolean hasNext() {
        try {
            return job.hasNext();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for the next result");
        }
    }

    /**
     * Waits for the next result.
     *
     * @throws NoSuchElementException if every result was handed out
     */
    @Override
    public R next() {
        try {
            return job.next(-1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for the next result");
        } catch (TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits at most {@code timeout} for the next result (Python's {@code next(timeout)}).
     *
     * @throws TimeoutException       if none arrived in time; a later call may still get it
     * @throws InterruptedException   if interrupted while waiting
     * @throws NoSuchElementException if every result was handed out
     */
    public R next(Duration timeout) throws TimeoutException, InterruptedException {
        return job.next(AsyncResult.toNanos(timeout));
    }

    /** Stops reading the input and drops what has not started. Idempotent. */
    @Override
    public void close() {
        job.cancel(false);
    }
}
