package multiprocessing4j.internal.manager;

import java.io.Serial;
import java.io.Serializable;
import java.util.concurrent.TimeUnit;

/**
 * The base of the built-in proxies: a client, an object id, a type name. Serializing a proxy writes its
 * {@link ProxyHandle} instead ({@link #writeReplace}), which becomes a proxy again wherever it is read.
 *
 * <p>Blocking operations are run as a loop of short waits on the server ({@link #SLICE_NANOS} each):
 * between two, the calling thread checks its interrupt status and its own deadline, and the server's
 * thread is never held long by a client that may have gone.
 */
abstract class ManagedProxy implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The longest single wait on the server. */
    static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    final transient ManagerClient client;
    final transient int id;
    final transient String typeName;

    ManagedProxy(ManagerClient client, int id, String typeName) {
        this.client = client;
        this.id = id;
        this.typeName = typeName;
    }

    /** The interface the server calls on this object. */
    abstract Class<?> servantInterface();

    ProxyHandle handle() {
        return new ProxyHandle(client.endpoint(), client.authkey(), id, typeName, servantInterface().getName());
    }

    @Serial
    final Object writeReplace() {
        return handle();
    }

    final Object call(MethodKey m) {
        return client.connection().call(id, m, 0, null, null, null);
    }

    final Object call(MethodKey m, Object a) {
        return client.connection().call(id, m, 1, a, null, null);
    }

    final Object call(MethodKey m, Object a, Object b) {
        return client.connection().call(id, m, 2, a, b, null);
    }

    final Object call(MethodKey m, Object a, Object b, Object c) {
        return client.connection().call(id, m, 3, a, b, c);
    }

    /** The next slice to wait, given a deadline ({@code Long.MAX_VALUE}: none). */
    static long slice(long deadline) {
        if (deadline == Long.MAX_VALUE) {
            return SLICE_NANOS;
        }
        return Math.max(0, Math.min(SLICE_NANOS, deadline - System.nanoTime()));
    }

    static long deadline(long timeout, TimeUnit unit) {
        long nanos = unit.toNanos(timeout);
        long now = System.nanoTime();
        return nanos >= Long.MAX_VALUE - now ? Long.MAX_VALUE - 1 : now + Math.max(0, nanos);
    }

    static boolean expired(long deadline) {
        return deadline != Long.MAX_VALUE && System.nanoTime() - deadline >= 0;
    }

    static void checkInterrupt() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
    }

    /** Identity of a managed object: same manager, same object id. */
    final boolean sameObject(Object o) {
        return o instanceof ManagedProxy p && p.id == id && p.client.endpoint().equals(client.endpoint());
    }

    final int objectHash() {
        return client.endpoint().hashCode() * 31 + id;
    }

    String describe() {
        return typeName + "#" + id + "@" + client.endpoint();
    }
}
