package multiprocessing4j.internal.manager;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

import multiprocessing4j.manager.Namespace;

/** Named attributes in insertion order, on a monitor; {@code null} is a value like any other. */
final class SharedNamespace implements Namespace {
    private final Map<String, Object> attributes = new LinkedHashMap<>();

    @Override
    @SuppressWarnings("unchecked")
    public synchronized <T> T get(String name) {
        Object v = attributes.get(name);
        if (v == null && !attributes.containsKey(name)) {
            throw new NoSuchElementException("namespace has no attribute '" + name + "' (it has " + attributes.keySet()
                    + ")");
        }
        return (T) v;
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized <T> T getOrDefault(String name, T defaultValue) {
        return attributes.containsKey(name) ? (T) attributes.get(name) : defaultValue;
    }

    @Override
    public synchronized void set(String name, Object value) {
        attributes.put(Objects.requireNonNull(name, "name"), value);
    }

    @Override
    public synchronized boolean has(String name) {
        return attributes.containsKey(name);
    }

    @Override
    public synchronized boolean remove(String name) {
        if (!attributes.containsKey(name)) {
            return false;
        }
        attributes.remove(name);
        return true;
    }

    @Override
    public synchronized Map<String, Object> asMap() {
        return new LinkedHashMap<>(attributes);
    }

    @Override
    public synchronized String toString() {
        return "Namespace" + attributes;
    }
}
