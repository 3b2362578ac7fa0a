package multiprocessing4j.manager;

import java.io.Serial;

/**
 * A manager could not be reached: its server is gone, refused the connection, or the connection broke
 * in the middle of a call. The message names the manager's address. Thrown by every proxy call once
 * the server is gone; a later call tries to connect again.
 *
 * <p>When a connection breaks during a call, whether the call took effect on the server is unknown; and
 * whatever the calling thread held through that connection (its locks, its place at a barrier) has
 * been given back by the server.
 */
public class ManagerConnectionException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String address;

    /**
     * @param address the manager's address, as {@code host:port}
     * @param message what went wrong
     * @param cause   the underlying failure, or {@code null}
     */
    public ManagerConnectionException(String address, String message, Throwable cause) {
        super(message, cause);
        this.address = address;
    }

    /** The manager's address, as {@code host:port}. */
    public String address() {
        return address;
    }
}
