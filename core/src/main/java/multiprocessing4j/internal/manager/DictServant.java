package multiprocessing4j.internal.manager;

import java.util.concurrent.ConcurrentMap;

/** The server side of {@code dict()}: a concurrent map, plus a snapshot of its entries for views and iteration. */
interface DictServant extends ConcurrentMap<Object, Object> {

    /** Keys and values alternating, as they were at one moment. */
    Object[] entries();
}
