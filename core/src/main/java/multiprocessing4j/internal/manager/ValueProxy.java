package multiprocessing4j.internal.manager;

import java.io.Serial;

import multiprocessing4j.manager.ManagedValue;

/** A {@link ManagedValue}: each method one round trip. */
final class ValueProxy<T> extends ManagedProxy implements ManagedValue<T> {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final MethodKey GET = MethodKey.of(ManagedValue.class, "get");
    private static final MethodKey SET = MethodKey.of(ManagedValue.class, "set", Object.class);
    private static final MethodKey GET_AND_SET = MethodKey.of(ManagedValue.class, "getAndSet", Object.class);
    private static final MethodKey CAS = MethodKey.of(ManagedValue.class, "compareAndSet", Object.class, Object.class);

    ValueProxy(ManagerClient client, int id, String typeName) {
        super(client, id, typeName);
    }

    @Override
    Class<?> servantInterface() {
        return ManagedValue.class;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T get() {
        return (T) call(GET);
    }

    @Override
    public void set(T newValue) {
        call(SET, newValue);
    }

    @Override
    @SuppressWarnings("unchecked")
    public T getAndSet(T newValue) {
        return (T) call(GET_AND_SET, newValue);
    }

    @Override
    public boolean compareAndSet(T expected, T newValue) {
        return (Boolean) call(CAS, expected, newValue);
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
        return "ManagedValue[" + get() + "]";
    }
}
