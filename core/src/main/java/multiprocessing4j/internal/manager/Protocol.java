package multiprocessing4j.internal.manager;

import java.nio.charset.StandardCharsets;

/**
 * The manager's wire protocol, written down once.
 *
 * <h2>Handshake (fixed-size messages, before any frame)</h2>
 * <pre>
 * server → client   MAGIC (8) | server nonce Ns (32)
 * client → server   MAGIC (8) | client nonce Nc (32) | HMAC-SHA256(key, "mp4j-manager client" | Ns | Nc) (32)
 * server → client   ACCEPTED (1) | HMAC-SHA256(key, "mp4j-manager server" | Nc | Ns) (32) | max frame length (4)
 *               or  REJECTED (1), then the server closes the connection
 * </pre>
 * Both sides prove they know the authkey; the key itself never crosses the wire, and the direction
 * labels stop a peer from reflecting one side's proof back at it.
 *
 * <h2>Frames</h2>
 * Every message after the handshake is a frame: a big-endian {@code int32} payload length, then the
 * payload. A length below {@link #MIN_REQUEST_LENGTH} or above the server's maximum drops the
 * connection. Requests and replies alternate strictly on one connection.
 * <pre>
 * request   CALL     (1) | object id (4) | method signature (string) | argc (1) | argc values
 *           CREATE   (1) | type name (string) | argc (1) | argc values
 *           RELEASE  (1) | object id (4)
 *           REGISTER (1) | type name (string) | interface name (string) | factory (value)
 *           SHUTDOWN (1)
 *           PING     (1)
 *           SHM_OFFER (1), SHM_SWITCH (1), SHM_DECLINE (1): moving a same-machine connection to a
 *                    {@link ShmTransport}; the TCP connection then stays open, silent, to detect the peer's end
 * reply     OK (1) | value
 *           THROWN (1) | the exception as a {@code RemoteFailure} (value): class, message, trace, causes,
 *                        and the original when it could be encoded
 *           REFUSED (1) | reason (1) | message (string)
 * string    length (4) | UTF-8 bytes
 * value     tag (1) | tag-specific body (see the TAG_ constants)
 * </pre>
 * Values of the common types (null, booleans, numbers, strings, byte arrays, {@code ArrayList},
 * {@code HashMap}/{@code LinkedHashMap}, {@code Object[]}, proxies) are encoded here by hand: fast, and
 * decoding them instantiates no class the peer could choose. Anything else travels as a codec blob that
 * the server decodes with its allow-list.
 */
final class Protocol {
    static final byte[] MAGIC = "MP4JMGR1".getBytes(StandardCharsets.US_ASCII);
    static final int NONCE_LENGTH = 32;
    static final int MAC_LENGTH = 32;
    static final byte ACCEPTED = 1;
    static final byte REJECTED = 0;
    static final String CLIENT_LABEL = "mp4j-manager client";
    static final String SERVER_LABEL = "mp4j-manager server";

    /** Length of the frame header: the payload length. */
    static final int HEADER_LENGTH = 4;
    /** The shortest request: an opcode. */
    static final int MIN_REQUEST_LENGTH = 1;
    /** Default largest payload a server accepts (and a client sends): 64 MiB. */
    static final int DEFAULT_MAX_FRAME_LENGTH = 64 << 20;
    /** Nesting depth of hand-encoded containers beyond which a frame is malformed. */
    static final int MAX_VALUE_DEPTH = 64;

    static final byte OP_CALL = 1;
    static final byte OP_CREATE = 2;
    static final byte OP_RELEASE = 3;
    static final byte OP_REGISTER = 4;
    static final byte OP_SHUTDOWN = 5;
    static final byte OP_PING = 6;
    /** Same machine: the client asks for a shared-memory transport; the reply names a new segment. */
    static final byte OP_SHM_OFFER = 7;
    /** The client has attached the segment: after the reply, both sides talk through it. */
    static final byte OP_SHM_SWITCH = 8;
    /** The client could not attach: the segment is dropped, the connection stays on TCP. */
    static final byte OP_SHM_DECLINE = 9;

    static final byte REPLY_OK = 0;
    static final byte REPLY_THROWN = 1;
    static final byte REPLY_REFUSED = 2;

    /** A value of a class the server does not allow, or otherwise not decodable there. */
    static final byte REFUSED_VALUE = 1;
    /** No object with that id: released, or never created. */
    static final byte REFUSED_NO_OBJECT = 2;
    /** The object's interface has no such method, or the operation is not offered by this server. */
    static final byte REFUSED_UNSUPPORTED = 3;
    /** No type registered under that name. */
    static final byte REFUSED_NO_TYPE = 4;

    static final byte TAG_NULL = 0;
    static final byte TAG_TRUE = 1;
    static final byte TAG_FALSE = 2;
    static final byte TAG_INT = 3;
    static final byte TAG_LONG = 4;
    static final byte TAG_DOUBLE = 5;
    static final byte TAG_STRING = 6;
    static final byte TAG_BYTES = 7;
    static final byte TAG_FLOAT = 8;
    static final byte TAG_SHORT = 9;
    static final byte TAG_BYTE = 10;
    static final byte TAG_CHAR = 11;
    /** count (4) | values: decodes as {@code Object[]}. */
    static final byte TAG_OBJECT_ARRAY = 12;
    /** count (4) | values: decodes as {@code ArrayList}. */
    static final byte TAG_LIST = 13;
    /** count (4) | key, value pairs: decodes as {@code LinkedHashMap}. */
    static final byte TAG_MAP = 14;
    /** host (string) | port (4) | tls (1) | authkey (bytes) | object id (4) | type name (string) | interface (string). */
    static final byte TAG_PROXY = 15;
    /** length (4) | bytes of the codec's encoding. */
    static final byte TAG_CODEC = 16;

    private Protocol() {
    }
}
