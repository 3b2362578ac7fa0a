package multiprocessing4j.internal.manager;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The objects a server holds, by id. Ids are small integers, so lookups (once per call) index an array
 * instead of hashing; the array is republished through a volatile write whenever it changes.
 */
final class ObjectTable {

    /**
     * A managed object and how to call it.
     *
     * @param methods the interface's methods by {@link #signature(Method)}: the only ones a client may call
     */
    record Entry(int id, String typeName, Class<?> iface, Object target, Map<String, Method> methods) {
    }

    private static final ClassValue<Map<String, Method>> METHODS = new ClassValue<>() {
        @Override
        protected Map<String, Method> computeValue(Class<?> iface) {
            Map<String, Method> methods = new HashMap<>();
            for (Method m : iface.getMethods()) {
                if (!Modifier.isStatic(m.getModifiers())) {
                    methods.putIfAbsent(signature(m), m);
                }
            }
            return Map.copyOf(methods);
        }
    };

    private volatile Entry[] entries = new Entry[64];
    private int nextId = 1;
    private int size;

    /** How a method is named on the wire: its name and parameter descriptors, e.g. {@code remove(I)}. */
    static String signature(Method m) {
        StringBuilder s = new StringBuilder(m.getName()).append('(');
        for (Class<?> p : m.getParameterTypes()) {
            s.append(p.descriptorString());
        }
        return s.append(')').toString();
    }

    /** The callable methods of an interface, by signature. */
    static Map<String, Method> methodsOf(Class<?> iface) {
        return METHODS.get(iface);
    }

    synchronized Entry add(String typeName, Class<?> iface, Object target) {
        Entry[] e = entries;
        if (nextId == e.length) {
            e = Arrays.copyOf(e, e.length * 2);
        }
        Entry entry = new Entry(nextId++, typeName, iface, target, methodsOf(iface));
        e[entry.id()] = entry;
        size++;
        entries = e;
        return entry;
    }

    Entry get(int id) {
        Entry[] e = entries;
        return id > 0 && id < e.length ? e[id] : null;
    }

    synchronized boolean remove(int id) {
        Entry[] e = entries;
        if (id > 0 && id < e.length && e[id] != null) {
            e[id] = null;
            size--;
            entries = e;
            return true;
        }
        return false;
    }

    synchronized int size() {
        return size;
    }

    synchronized void clear() {
        entries = new Entry[64];
        size = 0;
    }
}
