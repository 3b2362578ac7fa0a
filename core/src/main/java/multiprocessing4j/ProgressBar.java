package multiprocessing4j;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A ready-made {@link ProgressListener} that draws a progress bar for a long map, and at the end lists the
 * items that failed.
 *
 * <pre>{@code
 * ProgressBar bar = ProgressBar.console("downloads");
 * pool.map(Downloader::fetch, urls, 1, bar);
 * // downloads [##############################] 100/100  (7 failed)
 * // 7 of 100 failed:
 * //   #13 http://127.0.0.1:8080/missing/13: java.io.FileNotFoundException: ...
 * bar.failures();   // the same, for the program
 * }</pre>
 *
 * <p>On a terminal the bar is redrawn in place, at most ten times a second; otherwise (output to a file, a
 * pipe, a test) a line is printed at each tenth of the way. Called by the pool on its result thread only.
 */
public final class ProgressBar implements ProgressListener {
    /** One failed item. */
    public record Failure(long index, Object item, Throwable error) {
    }

    private static final int WIDTH = 30;
    private static final int LISTED = 20;
    private static final long REDRAW_NANOS = 100_000_000;

    private final PrintStream out;
    private final String label;
    private final boolean inPlace;
    private final List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
    private long lastDraw;
    private long lastTenth = -1;

    private ProgressBar(PrintStream out, String label, boolean inPlace) {
        this.out = Objects.requireNonNull(out, "out");
        this.label = Objects.requireNonNull(label, "label");
        this.inPlace = inPlace;
    }

    /** A bar on {@code System.err}, drawn in place when that is a terminal. */
    public static ProgressBar console(String label) {
        return new ProgressBar(System.err, label, System.console() != null);
    }

    /** A bar printed line by line to {@code out}. */
    public static ProgressBar to(PrintStream out, String label) {
        return new ProgressBar(out, label, false);
    }

    /** The items that failed so far, in the order they failed. */
    public List<Failure> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    @Override
    public void onItemFailed(long index, Object item, Throwable error) {
        failures.add(new Failure(index, item, error));
    }

    @Override
    public void onProgress(long done, long failed, long total) {
        if (inPlace) {
            long now = System.nanoTime();
            if (now - lastDraw >= REDRAW_NANOS) {
                lastDraw = now;
                out.print("\r" + line(done, failed, total));
                out.flush();
            }
        } else if (total > 0) {
            long tenth = done * 10 / total;
            if (tenth != lastTenth && tenth < 10) {
                lastTenth = tenth;
                out.println(line(done, failed, total));
            }
        }
    }

    @Override
    public void onFinished(long done, long failed, long total) {
        out.print(inPlace ? "\r" + line(done, failed, total) + System.lineSeparator()
                : line(done, failed, total) + System.lineSeparator());
        List<Failure> all = failures();
        if (!all.isEmpty()) {
            out.println(all.size() + " of " + total + " failed:");
            all.stream().sorted((a, b) -> Long.compare(a.index, b.index)).limit(LISTED).forEach(f ->
                    out.println("  #" + f.index + " " + f.item + ": " + describe(f.error)));
            if (all.size() > LISTED) {
                out.println("  ... and " + (all.size() - LISTED) + " more");
            }
        }
        out.flush();
    }

    private String line(long done, long failed, long total) {
        StringBuilder s = new StringBuilder(label).append(" [");
        int filled = total > 0 ? (int) (WIDTH * done / total) : 0;
        for (int i = 0; i < WIDTH; i++) {
            s.append(i < filled ? '#' : total > 0 ? '.' : '?');
        }
        s.append("] ").append(done).append('/').append(total >= 0 ? Long.toString(total) : "?");
        if (failed > 0) {
            s.append("  (").append(failed).append(" failed)");
        }
        return s.toString();
    }

    private static String describe(Throwable e) {
        if (e instanceof RemoteException r) {
            return r.remoteClassName() + (r.remoteMessage() != null ? ": " + r.remoteMessage() : "");
        }
        return e.getClass().getName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
    }
}
