package multiprocessing4j.internal.manager;

import java.io.Serial;
import java.util.Map;
import java.util.Objects;

import multiprocessing4j.manager.Namespace;

/** A {@link Namespace} held by a manager: each method one round trip. */
final class NamespaceProxy extends ManagedProxy implements Namespace {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final MethodKey GET = MethodKey.of(Namespace.class, "get", String.class);
    private static final MethodKey GET_OR_DEFAULT = MethodKey.of(Namespace.class, "getOrDefault", String.class,
            Object.class);
    private static final MethodKey SET = MethodKey.of(Namespace.class, "set", String.class, Object.class);
    private static final MethodKey HAS = MethodKey.of(Namespace.class, "has", String.class);
    private static final MethodKey REMOVE = MethodKey.of(Namespace.class, "remove", String.class);
    private static final MethodKey AS_MAP = MethodKey.of(Namespace.class, "asMap");

    NamespaceProxy(ManagerClient client, int id, String typeName) {
        super(client, id, typeName);
    }

    @Override
    Class<?> servantInterface() {
        return Namespace.class;
    }

    private static String name(String name) {
        return Objects.requireNonNull(name, "name");
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(String name) {
        return (T) call(GET, name(name));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOrDefault(String name, T defaultValue) {
        return (T) call(GET_OR_DEFAULT, name(name), defaultValue);
    }

    @Override
    public void set(String name, Object value) {
        call(SET, name(name), value);
    }

    @Override
    public boolean has(String name) {
        return (Boolean) call(HAS, name(name));
    }

    @Override
    public boolean remove(String name) {
        return (Boolean) call(REMOVE, name(name));
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> asMap() {
        return (Map<String, Object>) call(AS_MAP);
    }

    @Override
    public boolean equals(Object o) {
        return sameObject(o);
    }

    @Override
    public int hashCode() {
        return objectHash();
    }

    @Override
    public String toString() {
        return "Namespace" + asMap();
    }
}
