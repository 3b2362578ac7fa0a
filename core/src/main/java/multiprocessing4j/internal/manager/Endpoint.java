package multiprocessing4j.internal.manager;

import java.io.Serial;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where a manager's server listens, as its clients name it: host, port, and whether it speaks TLS.
 *
 * @param host a host name or literal address
 * @param port the TCP port
 * @param tls  whether connections are wrapped in TLS
 */
record Endpoint(String host, int port, boolean tls) implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    Endpoint {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    static Endpoint of(InetSocketAddress address, boolean tls) {
        return new Endpoint(address.getHostString(), address.getPort(), tls);
    }

    InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (tls ? "tls://" : "") + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
