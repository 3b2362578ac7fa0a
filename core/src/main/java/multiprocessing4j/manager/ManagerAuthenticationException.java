package multiprocessing4j.manager;

import java.io.Serial;

/**
 * Connecting to a manager failed authentication: this side's authkey is not the server's, or the
 * server could not prove it knows ours. Nothing was sent but proofs: the key never crosses the wire.
 */
public class ManagerAuthenticationException extends ManagerConnectionException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * @param address the manager's address, as {@code host:port}
     * @param message what went wrong
     */
    public ManagerAuthenticationException(String address, String message) {
        super(address, message, null);
    }
}
