package multiprocessing4j.internal.manager;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import multiprocessing4j.manager.ManagedValue;
import multiprocessing4j.manager.Namespace;

/**
 * The types a server can create, by name: the built-in ones (named as the {@code Manager} factory
 * methods are) and the ones registered by the user.
 */
public final class TypeRegistry {

    /** @param factory makes a new object from the client's creation arguments */
    record Type(String name, Class<?> iface, Function<Object[], Object> factory) {
    }

    public static final String LIST = "list";
    public static final String ARRAY = "array";
    public static final String DICT = "dict";
    public static final String NAMESPACE = "namespace";
    public static final String QUEUE = "queue";
    public static final String JOINABLE_QUEUE = "joinableQueue";
    public static final String LOCK = "lock";
    public static final String REENTRANT_LOCK = "reentrantLock";
    public static final String CONDITION = "condition";
    public static final String SEMAPHORE = "semaphore";
    public static final String BOUNDED_SEMAPHORE = "boundedSemaphore";
    public static final String EVENT = "event";
    public static final String BARRIER = "barrier";
    public static final String VALUE = "value";

    private final Map<String, Type> types = new ConcurrentHashMap<>();

    TypeRegistry() {
        builtIn(LIST, List.class, a -> Collections.synchronizedList(new java.util.ArrayList<>(elements(a))));
        builtIn(ARRAY, List.class, a -> Collections.synchronizedList(Arrays.asList(elements(a).toArray())));
        builtIn(DICT, DictServant.class, a -> new SharedDict(a.length == 0 ? null : (Map<?, ?>) a[0]));
        builtIn(NAMESPACE, Namespace.class, a -> new SharedNamespace());
        builtIn(QUEUE, QueueServant.class, a -> new SharedQueue(intArg(a, Integer.MAX_VALUE), false));
        builtIn(JOINABLE_QUEUE, QueueServant.class, a -> new SharedQueue(intArg(a, Integer.MAX_VALUE), true));
        builtIn(LOCK, LockServant.class, a -> new SessionLock(false));
        builtIn(REENTRANT_LOCK, LockServant.class, a -> new SessionLock(true));
        builtIn(CONDITION, LockServant.class, a -> {
            SessionLock lock = new SessionLock(true);
            lock.newCondition();
            return lock;
        });
        builtIn(SEMAPHORE, SemaphoreServant.class, a -> new SharedSemaphore(intArg(a, 1), -1));
        builtIn(BOUNDED_SEMAPHORE, SemaphoreServant.class, a -> {
            int n = intArg(a, 1);
            return new SharedSemaphore(n, n);
        });
        builtIn(EVENT, EventServant.class, a -> new SharedEvent());
        builtIn(BARRIER, BarrierServant.class, a -> new SharedBarrier(intArg(a, 1)));
        builtIn(VALUE, ManagedValue.class, a -> new SharedValue(a.length == 0 ? null : a[0]));
    }

    private static Collection<?> elements(Object[] args) {
        if (args.length == 0 || args[0] == null) {
            return List.of();
        }
        if (args[0] instanceof Object[] a) {
            return Arrays.asList(a);
        }
        if (args[0] instanceof Collection<?> c) {
            return c;
        }
        throw new IllegalArgumentException("initial elements must be a collection, not " + args[0].getClass().getName());
    }

    private static int intArg(Object[] args, int absent) {
        if (args.length == 0) {
            return absent;
        }
        if (args[0] instanceof Integer n) {
            return n;
        }
        throw new IllegalArgumentException("expected an int argument, got " + args[0]);
    }

    private void builtIn(String name, Class<?> iface, Function<Object[], Object> factory) {
        types.put(name, new Type(name, iface, factory));
    }

    static boolean isBuiltIn(String name) {
        return switch (name) {
            case LIST, ARRAY, DICT, NAMESPACE, QUEUE, JOINABLE_QUEUE, LOCK, REENTRANT_LOCK, CONDITION, SEMAPHORE,
                 BOUNDED_SEMAPHORE, EVENT, BARRIER, VALUE -> true;
            default -> false;
        };
    }

    /**
     * Registers a user type, created without arguments.
     *
     * @throws IllegalArgumentException if the name is a built-in one or {@code iface} is not an interface
     */
    void register(String name, Class<?> iface, java.util.function.Supplier<?> supplier) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a type name must not be empty");
        }
        if (isBuiltIn(name)) {
            throw new IllegalArgumentException("'" + name + "' is the name of a built-in type; choose another");
        }
        if (!iface.isInterface()) {
            throw new IllegalArgumentException(iface.getName() + " is not an interface: a proxy implements an"
                    + " interface, so register the object under one");
        }
        types.put(name, new Type(name, iface, args -> {
            if (args.length != 0) {
                throw new IllegalArgumentException("'" + name + "' is created without arguments");
            }
            return supplier.get();
        }));
    }

    Type get(String name) {
        return types.get(name);
    }

    Collection<String> names() {
        return new TreeSet<>(types.keySet());
    }
}
