package multiprocessing4j.internal.manager;

import java.io.Serial;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link ConcurrentHashMap}: its atomic methods are what the proxy's {@code ConcurrentMap} semantics rest on. */
final class SharedDict extends ConcurrentHashMap<Object, Object> implements DictServant {
    @Serial
    private static final long serialVersionUID = 1L;

    SharedDict(Map<?, ?> initial) {
        if (initial != null) {
            putAll(initial);
        }
    }

    @Override
    public Object[] entries() {
        ArrayList<Object> out = new ArrayList<>(size() * 2 + 8);
        for (Map.Entry<Object, Object> e : entrySet()) {
            out.add(e.getKey());
            out.add(e.getValue());
        }
        return out.toArray();
    }
}
