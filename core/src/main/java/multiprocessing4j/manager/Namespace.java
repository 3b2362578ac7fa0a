package multiprocessing4j.manager;

import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Named attributes shared through a manager: Python's {@code Namespace}, where {@code ns.x = 1} becomes
 * {@code ns.set("x", 1)}.
 *
 * <pre>{@code
 * Namespace progress = manager.namespace();
 * progress.set("done", 0);
 * ChildProcess.start(() -> progress.set("done", 42));   // the proxy travels with the task
 * int done = progress.get("done");
 * }</pre>
 *
 * <p>Each method is one atomic operation on the server; {@code null} is a value like any other.
 * Attributes keep the order in which they were first set.
 *
 * <p><b>Memory consistency effects:</b> a {@code set} happens-before any {@code get} that returns the
 * value it set, in any process.
 */
public interface Namespace {

    /**
     * @return the attribute's value
     * @throws NoSuchElementException if there is no attribute of that name
     */
    <T> T get(String name);

    /** The attribute's value, or {@code defaultValue} if there is none of that name. */
    <T> T getOrDefault(String name, T defaultValue);

    /** Sets the attribute, creating it if needed. */
    void set(String name, Object value);

    /** Whether an attribute of that name exists. */
    boolean has(String name);

    /** Removes the attribute; returns whether there was one. */
    boolean remove(String name);

    /** A snapshot of all attributes, in order: a copy, not a view. */
    Map<String, Object> asMap();
}
