package multiprocessing4j.internal.manager;

import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.util.Objects;

/**
 * What a proxy becomes when it is serialized: everything another JVM needs to reach the same managed
 * object. In a client JVM it resolves back into a live proxy ({@link #readResolve}); inside the
 * manager's server it stays a handle, which is how a proxy stored in a managed collection is a
 * <em>reference</em> to the other managed object, not a copy of it.
 *
 * <p>The handle carries the authkey, so that a child that receives a proxy inside a task can connect
 * by itself: send handles only to processes you would give the key to.
 */
final class ProxyHandle implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final Endpoint endpoint;
    private final byte[] authkey;
    private final int objectId;
    private final String typeName;
    private final String interfaceName;

    ProxyHandle(Endpoint endpoint, byte[] authkey, int objectId, String typeName, String interfaceName) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.authkey = Objects.requireNonNull(authkey, "authkey");
        this.objectId = objectId;
        this.typeName = Objects.requireNonNull(typeName, "typeName");
        this.interfaceName = Objects.requireNonNull(interfaceName, "interfaceName");
    }

    Endpoint endpoint() {
        return endpoint;
    }

    byte[] authkey() {
        return authkey;
    }

    int objectId() {
        return objectId;
    }

    String typeName() {
        return typeName;
    }

    String interfaceName() {
        return interfaceName;
    }

    /** Turns this handle into a live proxy, except inside a manager's server, where handles are kept as they are. */
    @Serial
    private Object readResolve() throws ObjectStreamException {
        if (Session.current() != null) {
            return this;
        }
        return ManagerClient.shared(endpoint, authkey).proxy(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProxyHandle h && h.objectId == objectId && h.endpoint.equals(endpoint);
    }

    @Override
    public int hashCode() {
        return endpoint.hashCode() * 31 + objectId;
    }

    @Override
    public String toString() {
        return typeName + "#" + objectId + "@" + endpoint;
    }
}
