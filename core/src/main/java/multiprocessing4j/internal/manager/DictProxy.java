package multiprocessing4j.internal.manager;

import java.io.Serial;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;

/**
 * A {@link ConcurrentMap} whose entries live in a manager (in a {@code ConcurrentHashMap}: no null keys
 * or values). {@code putIfAbsent}, {@code remove(k, v)}, {@code replace} are atomic on the server, so
 * the default {@code compute}, {@code merge}, {@code computeIfAbsent} of {@code ConcurrentMap} are
 * atomic too (they retry those). {@code keySet}, {@code values}, {@code entrySet}, iteration,
 * {@code equals}, {@code hashCode}, {@code toString} work on an unmodifiable snapshot taken in one round
 * trip: change the map through its own methods.
 */
final class DictProxy<K, V> extends ManagedProxy implements ConcurrentMap<K, V> {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final Class<?> M = DictServant.class;
    private static final MethodKey SIZE = MethodKey.of(M, "size");
    private static final MethodKey IS_EMPTY = MethodKey.of(M, "isEmpty");
    private static final MethodKey CONTAINS_KEY = MethodKey.of(M, "containsKey", Object.class);
    private static final MethodKey CONTAINS_VALUE = MethodKey.of(M, "containsValue", Object.class);
    private static final MethodKey GET = MethodKey.of(M, "get", Object.class);
    private static final MethodKey GET_OR_DEFAULT = MethodKey.of(M, "getOrDefault", Object.class, Object.class);
    private static final MethodKey PUT = MethodKey.of(M, "put", Object.class, Object.class);
    private static final MethodKey REMOVE = MethodKey.of(M, "remove", Object.class);
    private static final MethodKey REMOVE_IF_MAPPED = MethodKey.of(M, "remove", Object.class, Object.class);
    private static final MethodKey PUT_ALL = MethodKey.of(M, "putAll", Map.class);
    private static final MethodKey CLEAR = MethodKey.of(M, "clear");
    private static final MethodKey PUT_IF_ABSENT = MethodKey.of(M, "putIfAbsent", Object.class, Object.class);
    private static final MethodKey REPLACE = MethodKey.of(M, "replace", Object.class, Object.class);
    private static final MethodKey REPLACE_IF_MAPPED = MethodKey.of(M, "replace", Object.class, Object.class,
            Object.class);
    private static final MethodKey ENTRIES = MethodKey.of(M, "entries");

    DictProxy(ManagerClient client, int id, String typeName) {
        super(client, id, typeName);
    }

    @Override
    Class<?> servantInterface() {
        return DictServant.class;
    }

    /** The entries as they are now, in one round trip, in an unmodifiable map. */
    @SuppressWarnings("unchecked")
    private Map<K, V> snapshot() {
        Object[] kv = (Object[]) call(ENTRIES);
        LinkedHashMap<K, V> m = LinkedHashMap.newLinkedHashMap(kv.length / 2);
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put((K) kv[i], (V) kv[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }

    private static <T> T nonNull(T o, String what) {
        return Objects.requireNonNull(o, () -> "a managed dict does not hold null " + what + "s");
    }

    @Override
    public int size() {
        return (Integer) call(SIZE);
    }

    @Override
    public boolean isEmpty() {
        return (Boolean) call(IS_EMPTY);
    }

    @Override
    public boolean containsKey(Object key) {
        return (Boolean) call(CONTAINS_KEY, nonNull(key, "key"));
    }

    @Override
    public boolean containsValue(Object value) {
        return (Boolean) call(CONTAINS_VALUE, nonNull(value, "value"));
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(Object key) {
        return (V) call(GET, nonNull(key, "key"));
    }

    @Override
    @SuppressWarnings("unchecked")
    public V getOrDefault(Object key, V defaultValue) {
        return (V) call(GET_OR_DEFAULT, nonNull(key, "key"), defaultValue);
    }

    @Override
    @SuppressWarnings("unchecked")
    public V put(K key, V value) {
        return (V) call(PUT, nonNull(key, "key"), nonNull(value, "value"));
    }

    @Override
    @SuppressWarnings("unchecked")
    public V remove(Object key) {
        return (V) call(REMOVE, nonNull(key, "key"));
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> m) {
        LinkedHashMap<K, V> copy = new LinkedHashMap<>(m);
        for (Map.Entry<K, V> e : copy.entrySet()) {
            nonNull(e.getKey(), "key");
            nonNull(e.getValue(), "value");
        }
        call(PUT_ALL, copy);
    }

    @Override
    public void clear() {
        call(CLEAR);
    }

    @Override
    @SuppressWarnings("unchecked")
    public V putIfAbsent(K key, V value) {
        return (V) call(PUT_IF_ABSENT, nonNull(key, "key"), nonNull(value, "value"));
    }

    @Override
    public boolean remove(Object key, Object value) {
        if (key == null || value == null) {
            return false;
        }
        return (Boolean) call(REMOVE_IF_MAPPED, key, value);
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        return (Boolean) call(REPLACE_IF_MAPPED, nonNull(key, "key"), nonNull(oldValue, "value"),
                nonNull(newValue, "value"));
    }

    @Override
    @SuppressWarnings("unchecked")
    public V replace(K key, V value) {
        return (V) call(REPLACE, nonNull(key, "key"), nonNull(value, "value"));
    }

    @Override
    public Set<K> keySet() {
        return snapshot().keySet();
    }

    @Override
    public Collection<V> values() {
        return snapshot().values();
    }

    @Override
    public Set<Entry<K, V>> entrySet() {
        return snapshot().entrySet();
    }

    @Override
    public boolean equals(Object o) {
        return o == this || sameObject(o) || (o instanceof Map<?, ?> m && snapshot().equals(m instanceof DictProxy<?, ?> p
                ? p.snapshot() : m));
    }

    @Override
    public int hashCode() {
        return snapshot().hashCode();
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
