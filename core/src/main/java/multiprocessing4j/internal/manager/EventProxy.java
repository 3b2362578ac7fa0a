package multiprocessing4j.internal.manager;

import java.io.Serial;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import multiprocessing4j.manager.ManagedEvent;

/** A {@link ManagedEvent}: waits run as short slices on the server. */
final class EventProxy extends ManagedProxy implements ManagedEvent {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final Class<?> E = EventServant.class;
    private static final MethodKey SET = MethodKey.of(E, "set");
    private static final MethodKey CLEAR = MethodKey.of(E, "clear");
    private static final MethodKey IS_SET = MethodKey.of(E, "isSet");
    private static final MethodKey AWAIT = MethodKey.of(E, "awaitSet", long.class);

    EventProxy(ManagerClient client, int id, String typeName) {
        super(client, id, typeName);
    }

    @Override
    Class<?> servantInterface() {
        return EventServant.class;
    }

    @Override
    public void set() {
        call(SET);
    }

    @Override
    public void clear() {
        call(CLEAR);
    }

    @Override
    public boolean isSet() {
        return (Boolean) call(IS_SET);
    }

    @Override
    public void await() throws InterruptedException {
        while (true) {
            checkInterrupt();
            if ((Boolean) call(AWAIT, SLICE_NANOS)) {
                return;
            }
        }
    }

    @Override
    public boolean await(Duration timeout) throws InterruptedException {
        long deadline = deadline(timeout.toNanos(), TimeUnit.NANOSECONDS);
        while (true) {
            checkInterrupt();
            if ((Boolean) call(AWAIT, slice(deadline))) {
                return true;
            }
            if (expired(deadline)) {
                return false;
            }
        }
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
        return "Event[" + describe() + "]";
    }
}
