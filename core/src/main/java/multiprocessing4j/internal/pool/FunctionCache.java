package multiprocessing4j.internal.pool;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last {@value #CAPACITY} functions used, by id, least recently used first out. The pool keeps one per
 * worker and the worker keeps one, touched in the same order (the order of the tasks on the wire), so the
 * pool always knows which functions the worker has and sends those by id only.
 */
final class FunctionCache<V> extends LinkedHashMap<Long, V> {
    static final int CAPACITY = 64;

    FunctionCache() {
        super(CAPACITY * 2, 0.75f, true);
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, V> eldest) {
        return size() > CAPACITY;
    }
}
