package multiprocessing4j.sync;

import java.util.ArrayList;
import java.util.List;

/** Test helper: remembers what a test created and unlinks and closes it afterwards. */
public final class Cleanup implements AutoCloseable {
    private final List<Runnable> unlinks = new ArrayList<>();
    private final List<AutoCloseable> closes = new ArrayList<>();

    /** Remembers {@code resource}: {@code unlink} is called on it at the end, then {@code close}. */
    public <T extends AutoCloseable> T add(T resource, Runnable unlink) {
        unlinks.add(unlink);
        closes.add(resource);
        return resource;
    }

    /** Remembers {@code resource} to close only (a copy of a handle). */
    public <T extends AutoCloseable> T closeLater(T resource) {
        closes.add(resource);
        return resource;
    }

    @Override
    public void close() throws Exception {
        for (Runnable r : unlinks) {
            r.run();
        }
        for (AutoCloseable c : closes) {
            c.close();
        }
    }
}
