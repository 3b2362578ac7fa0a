package multiprocessing4j.internal.sync;

import multiprocessing4j.internal.shm.SharedSegment;
import multiprocessing4j.sync.ProcessReentrantLock;

/**
 * Lets other packages of the library (shared values and arrays) hand out a
 * {@link ProcessReentrantLock} over a lock cell embedded in their own segment, without a public
 * constructor for it: {@code ProcessReentrantLock} registers its factory here when it initialises
 * (the JDK's "shared secrets" pattern).
 */
public final class LockViews {
    /** Makes a lock over the cell at {@code offset} of {@code segment}'s payload; the lock does not own the segment. */
    public interface Factory {
        ProcessReentrantLock reentrantLockAt(SharedSegment segment, long offset);
    }

    private static volatile Factory factory;

    private LockViews() {
    }

    /** Called once by {@code ProcessReentrantLock}'s static initialiser. */
    public static void register(Factory f) {
        factory = f;
    }

    /** A reentrant lock over the cell at {@code offset} of {@code segment}'s payload, closed with the segment's owner. */
    public static ProcessReentrantLock reentrantLockAt(SharedSegment segment, long offset) {
        Factory f = factory;
        if (f == null) {
            try {
                Class.forName(ProcessReentrantLock.class.getName(), true, LockViews.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            f = factory;
        }
        return f.reentrantLockAt(segment, offset);
    }
}
