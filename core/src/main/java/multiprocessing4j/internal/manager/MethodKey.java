package multiprocessing4j.internal.manager;

import java.lang.reflect.Method;

/**
 * A method as the wire names it ({@link ObjectTable#signature}), checked against the interface once,
 * when the proxy class is initialised, so a typo fails at once rather than at the first call.
 */
final class MethodKey {
    final String signature;
    final String display;

    private MethodKey(String signature, String display) {
        this.signature = signature;
        this.display = display;
    }

    static MethodKey of(Class<?> iface, String name, Class<?>... parameterTypes) {
        try {
            Method m = iface.getMethod(name, parameterTypes);
            return of(m);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(iface.getName() + " has no method " + name);
        }
    }

    static MethodKey of(Method m) {
        return new MethodKey(ObjectTable.signature(m), m.getDeclaringClass().getSimpleName() + "." + m.getName());
    }
}
