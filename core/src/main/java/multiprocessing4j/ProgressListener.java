package multiprocessing4j;

/**
 * Hears how a {@code map} or {@code imap} of a {@link ProcessPool} (or a {@link ProcessPoolExecutor}) is
 * going: how many items are done, how many of those failed, and how many there are in all.
 *
 * <pre>{@code
 * List<Long> sizes = pool.map(Downloads::fetch, urls, 1,
 *         (done, failed, total) -> System.out.printf("\r%d/%d, %d failed", done, total, failed));
 * }</pre>
 *
 * <p>Every method is called on the pool's result thread (the one that runs callbacks), one call at a
 * time, in the order the results arrived: an implementation needs no synchronisation of its own, and must
 * not block for long, since the pool's other callbacks wait meanwhile. What a method throws is logged and
 * does not disturb the map. {@link ProgressBar} is a ready-made one for the console.
 */
@FunctionalInterface
public interface ProgressListener {
    /**
     * Some items finished.
     *
     * @param done   items finished so far, successfully or not
     * @param failed how many of those failed
     * @param total  how many items there are, or -1 while not known (an {@code imap} whose input is still being read)
     */
    void onProgress(long done, long failed, long total);

    /**
     * One item failed: its task threw, its worker died, it timed out or was cancelled. Called before the
     * {@link #onProgress} that counts it.
     *
     * @param index its position in the input
     * @param item  the item itself
     * @param error why
     */
    default void onItemFailed(long index, Object item, Throwable error) {
    }

    /** Every item has finished; called once, after the last {@link #onProgress}. */
    default void onFinished(long done, long failed, long total) {
    }
}
