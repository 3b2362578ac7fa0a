package multiprocessing4j.internal.manager;

import java.io.Serial;
import java.io.Serializable;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The handler behind the proxy of a registered type ({@code manager.create(name)}): every interface
 * method, default ones included, is one call on the server's object; {@code equals}, {@code hashCode}
 * and {@code toString} are answered here (same manager and object id means equal). Serializing the
 * proxy writes a handle, which becomes a live handler again wherever it is read.
 */
final class CustomProxyHandler implements InvocationHandler, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final ConcurrentHashMap<Method, MethodKey> KEYS = new ConcurrentHashMap<>();

    private final transient ManagerClient client;
    private final transient int id;
    private final transient String typeName;
    private final transient Class<?> iface;

    private CustomProxyHandler(ManagerClient client, int id, String typeName, Class<?> iface) {
        this.client = client;
        this.id = id;
        this.typeName = typeName;
        this.iface = iface;
    }

    static Object newProxy(ManagerClient client, int id, String typeName, Class<?> iface) {
        if (!iface.isInterface()) {
            throw new IllegalStateException(iface.getName() + " is not an interface");
        }
        return Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface},
                new CustomProxyHandler(client, id, typeName, iface));
    }

    ProxyHandle handle() {
        return new ProxyHandle(client.endpoint(), client.authkey(), id, typeName, iface.getName());
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> args[0] != null && Proxy.isProxyClass(args[0].getClass())
                        && Proxy.getInvocationHandler(args[0]) instanceof CustomProxyHandler h && h.id == id
                        && h.client.endpoint().equals(client.endpoint());
                case "hashCode" -> client.endpoint().hashCode() * 31 + id;
                default -> iface.getSimpleName() + "[" + typeName + "#" + id + "@" + client.endpoint() + "]";
            };
        }
        MethodKey key = KEYS.computeIfAbsent(method, MethodKey::of);
        return client.connection().call(id, key, args);
    }

    /** Serialized as the handle; read back as a live handler (see {@link Ref}). */
    @Serial
    private Object writeReplace() {
        return new Ref(client.endpoint(), client.authkey(), id, typeName, iface.getName());
    }

    /** The serialized form of a handler. */
    private record Ref(Endpoint endpoint, byte[] authkey, int id, String typeName, String interfaceName)
            implements Serializable {
        @Serial
        private Object readResolve() {
            ManagerClient c = ManagerClient.shared(endpoint, authkey);
            Class<?> iface;
            try {
                iface = Class.forName(interfaceName, false, Thread.currentThread().getContextClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("cannot load " + interfaceName + " for a manager proxy", e);
            }
            return new CustomProxyHandler(c, id, typeName, iface);
        }
    }
}
