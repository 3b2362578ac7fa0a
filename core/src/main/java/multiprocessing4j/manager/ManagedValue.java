package multiprocessing4j.manager;

/**
 * One value held by a manager, Python's {@code manager.Value}: an {@code AtomicReference} that every
 * process with the proxy shares.
 *
 * <pre>{@code
 * ManagedValue<String> status = manager.value("starting");
 * status.compareAndSet("starting", "running");
 * }</pre>
 *
 * <p>Each method is one atomic operation on the server. {@link #compareAndSet} compares with
 * {@code equals}, since the value the caller holds is a copy of the one on the server.
 *
 * @param <T> the value's type
 */
public interface ManagedValue<T> {

    T get();

    void set(T newValue);

    /** Sets the value and returns the previous one, atomically. */
    T getAndSet(T newValue);

    /** Sets the value to {@code newValue} if it {@code equals} {@code expected}; returns whether it did. */
    boolean compareAndSet(T expected, T newValue);
}
