package multiprocessing4j.internal.manager;

import java.util.Objects;

import multiprocessing4j.manager.ManagedValue;

/** One value on a monitor; compare-and-set compares with {@code equals}. */
final class SharedValue implements ManagedValue<Object> {
    private Object value;

    SharedValue(Object initial) {
        this.value = initial;
    }

    @Override
    public synchronized Object get() {
        return value;
    }

    @Override
    public synchronized void set(Object newValue) {
        value = newValue;
    }

    @Override
    public synchronized Object getAndSet(Object newValue) {
        Object old = value;
        value = newValue;
        return old;
    }

    @Override
    public synchronized boolean compareAndSet(Object expected, Object newValue) {
        if (!Objects.equals(value, expected)) {
            return false;
        }
        value = newValue;
        return true;
    }
}
