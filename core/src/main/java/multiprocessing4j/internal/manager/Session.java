package multiprocessing4j.internal.manager;

import java.io.EOFException;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import multiprocessing4j.internal.codec.CodecException;
import multiprocessing4j.internal.codec.RemoteFailure;
import multiprocessing4j.shared.SharedMemory;

/**
 * One client connection on the server, served by its own thread: authenticate, then read a request,
 * run it, write the reply, until the client goes. A thread per connection is what lets one client
 * block (in a queue's take, a lock) without stalling any other; since each client thread has its own
 * connection, the session is also the <em>owner</em> of the locks that thread takes.
 *
 * <p>Anything wrong with the connection (a bad key, a malformed, truncated or oversized frame, the
 * peer vanishing) ends this session alone: it is logged, the connection is closed, and whatever the
 * session held ({@link SessionResource}) is given back.
 */
final class Session implements Runnable {
    private static final System.Logger LOG = System.getLogger("multiprocessing4j.manager");
    private static final ThreadLocal<Session> CURRENT = new ThreadLocal<>();
    private static final Object[] NO_ARGS = {};
    /** How long a client may take to send the rest of a frame it has started. */
    private static final long FRAME_BODY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    static final long HANDSHAKE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final ManagerServer server;
    private final Supplier<Transport> opener;
    private final Set<SessionResource> resources = ConcurrentHashMap.newKeySet();
    private final WireReader reader;
    private final WireWriter writer;
    private final byte[] header = new byte[Protocol.HEADER_LENGTH];
    private byte[] frame = new byte[1024];
    private volatile Transport transport;
    /** A shared-memory segment offered to the client and not yet switched to or declined. */
    private SharedMemory offered;
    /** The transport to use from the next request on (set by SHM_SWITCH, after its reply). */
    private Transport switchTo;
    private volatile String peer;

    /** @param opener makes the transport on the session's thread (a TLS handshake can take a while) */
    Session(ManagerServer server, Supplier<Transport> opener, String peer) {
        this.server = server;
        this.opener = opener;
        this.peer = peer;
        this.reader = new WireReader(server.restrictedCodec(), null);
        this.writer = new WireWriter(ManagerCodecs.trusted());
    }

    /** The session whose request this thread is running, or {@code null} outside a manager's server. */
    static Session current() {
        return CURRENT.get();
    }

    String peer() {
        return peer;
    }

    void track(SessionResource r) {
        resources.add(r);
    }

    void untrack(SessionResource r) {
        resources.remove(r);
    }

    @Override
    public void run() {
        CURRENT.set(this);
        try {
            Transport t = opener.get();
            if (t == null) {
                return;
            }
            transport = t;
            peer = t.peer();
            if (server.isClosed()) {
                return;
            }
            Handshake.serve(t, server.authkey(), server.maxFrameLength(), HANDSHAKE_TIMEOUT_NANOS);
            LOG.log(System.Logger.Level.DEBUG, "manager client connected from {0}", peer);
            serve();
        } catch (EOFException e) {
            LOG.log(System.Logger.Level.DEBUG, "manager client {0} disconnected", peer);
        } catch (Handshake.Failed e) {
            LOG.log(System.Logger.Level.WARNING, "dropping manager connection from {0}: authentication failed: {1}",
                    peer, e.getMessage());
        } catch (MalformedFrameException e) {
            LOG.log(System.Logger.Level.WARNING, "dropping manager connection from {0}: malformed frame: {1}", peer,
                    e.getMessage());
        } catch (IOException | RuntimeException e) {
            if (!server.isClosed()) {
                LOG.log(System.Logger.Level.WARNING, "dropping manager connection from " + peer + ": " + e, e);
            }
        } finally {
            for (SessionResource r : resources) {
                try {
                    r.sessionClosed(this);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "releasing what " + peer + " held failed", e);
                }
            }
            resources.clear();
            dropOffer();
            Transport t = transport;
            if (t != null) {
                t.close();
            }
            server.sessionEnded(this);
            CURRENT.remove();
        }
    }

    private void serve() throws IOException {
        while (!server.isClosed()) {
            Transport t = transport;
            t.readFully(header, 0, Protocol.HEADER_LENGTH, -1);
            int length = ((header[0] & 0xFF) << 24) | ((header[1] & 0xFF) << 16) | ((header[2] & 0xFF) << 8)
                    | (header[3] & 0xFF);
            if (length < Protocol.MIN_REQUEST_LENGTH || length > server.maxFrameLength()) {
                throw new MalformedFrameException("frame length " + length + " outside 1.." + server.maxFrameLength());
            }
            if (frame.length < length) {
                frame = new byte[Math.max(length, frame.length * 2)];
            }
            try {
                t.readFully(frame, 0, length, FRAME_BODY_TIMEOUT_NANOS);
            } catch (EOFException e) {
                throw new MalformedFrameException("truncated frame: the client closed the connection " + length
                        + "-byte frame in");
            }
            reader.reset(frame, 0, length);
            writer.begin();
            boolean more = handle();
            int n = writer.finish();
            t.write(writer.buffer(), 0, n);
            if (switchTo != null) {
                transport = switchTo;
                switchTo = null;
            }
            if (!more) {
                return;
            }
        }
    }

    /** Runs one request, leaving the reply in {@code writer}; returns whether to go on serving. */
    private boolean handle() {
        int op = reader.u8();
        switch (op) {
            case Protocol.OP_CALL -> call();
            case Protocol.OP_CREATE -> create();
            case Protocol.OP_RELEASE -> {
                int id = reader.i32();
                reader.expectEnd();
                ok(server.objects().remove(id));
            }
            case Protocol.OP_REGISTER -> register();
            case Protocol.OP_SHM_OFFER -> offerSharedMemory();
            case Protocol.OP_SHM_SWITCH -> {
                reader.expectEnd();
                if (offered == null || !(transport instanceof ChannelTransport socket)) {
                    throw new MalformedFrameException("SHM_SWITCH without an offer");
                }
                switchTo = new ShmTransport(offered, true, socket);
                offered.unlink();
                offered = null;
                ok(null);
            }
            case Protocol.OP_SHM_DECLINE -> {
                reader.expectEnd();
                dropOffer();
                ok(null);
            }
            case Protocol.OP_PING -> {
                reader.expectEnd();
                ok(null);
            }
            case Protocol.OP_SHUTDOWN -> {
                reader.expectEnd();
                if (!server.acceptsShutdown()) {
                    refuse(Protocol.REFUSED_UNSUPPORTED, "this manager is not shut down by its clients: it stops when"
                            + " the process that serves it closes it");
                    return true;
                }
                ok(null);
                server.closeSoon();
                return false;
            }
            default -> throw new MalformedFrameException("unknown opcode " + op);
        }
        return true;
    }

    private void offerSharedMemory() {
        reader.expectEnd();
        if (!(transport instanceof ChannelTransport) || offered != null || !ManagerClient.sharedMemoryEnabled()) {
            refuse(Protocol.REFUSED_UNSUPPORTED, "no shared-memory transport here");
            return;
        }
        try {
            offered = SharedMemory.create(ShmTransport.SEGMENT_LENGTH);
        } catch (RuntimeException e) {
            refuse(Protocol.REFUSED_UNSUPPORTED, "no shared-memory transport here: " + e.getMessage());
            return;
        }
        writer.u8(Protocol.REPLY_OK);
        writer.value(offered.name());
    }

    private void dropOffer() {
        if (offered != null) {
            offered.unlink();
            offered.close();
            offered = null;
        }
    }

    private Object[] args(String what) {
        int argc = reader.u8();
        Object[] args = argc == 0 ? NO_ARGS : new Object[argc];
        for (int i = 0; i < argc; i++) {
            args[i] = reader.value();
        }
        reader.expectEnd();
        return args;
    }

    private void call() {
        int id = reader.i32();
        String sig = reader.str();
        Object[] args;
        try {
            args = args(sig);
        } catch (CodecException e) {
            refuseValue(e);
            return;
        }
        ObjectTable.Entry entry = server.objects().get(id);
        if (entry == null) {
            refuse(Protocol.REFUSED_NO_OBJECT, "no object #" + id + " on the manager at " + server.endpoint()
                    + ": it was released, or never created there");
            return;
        }
        Method m = entry.methods().get(sig);
        if (m == null || m.getParameterCount() != args.length) {
            refuse(Protocol.REFUSED_UNSUPPORTED, entry.iface().getName() + " has no method " + sig);
            return;
        }
        resolveOwnProxies(m, args);
        Object result;
        try {
            result = m.invoke(entry.target(), args);
        } catch (InvocationTargetException e) {
            thrown(e.getCause());
            return;
        } catch (IllegalAccessException | IllegalArgumentException e) {
            thrown(new IllegalArgumentException("cannot call " + entry.iface().getSimpleName() + "." + sig + " with "
                    + Arrays.stream(args).map(a -> a == null ? "null" : a.getClass().getName()).toList() + ": " + e
                    .getMessage(), e));
            return;
        }
        ok(result);
    }

    /**
     * A proxy of this very manager passed where the method wants something other than a handle (a
     * registered type's method taking a {@code List}) becomes the managed object itself, as in Python;
     * where any object will do (the built-in containers) it stays a handle, that is, a reference.
     */
    private void resolveOwnProxies(Method m, Object[] args) {
        Class<?>[] types = m.getParameterTypes();
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof ProxyHandle h && !types[i].isInstance(h) && server.owns(h)) {
                ObjectTable.Entry target = server.objects().get(h.objectId());
                if (target != null && types[i].isInstance(target.target())) {
                    args[i] = target.target();
                }
            }
        }
    }

    private void create() {
        String name = reader.str();
        Object[] args;
        try {
            args = args(name);
        } catch (CodecException e) {
            refuseValue(e);
            return;
        }
        TypeRegistry.Type type = server.types().get(name);
        if (type == null) {
            refuse(Protocol.REFUSED_NO_TYPE, "no type registered under '" + name + "' on the manager at "
                    + server.endpoint() + " (registered: " + server.types().names() + ")");
            return;
        }
        Object target;
        try {
            target = type.factory().apply(args);
        } catch (RuntimeException | Error e) {
            thrown(e);
            return;
        }
        if (!type.iface().isInstance(target)) {
            thrown(new IllegalStateException("the factory of '" + name + "' made a " + (target == null ? "null"
                    : target.getClass().getName()) + ", not a " + type.iface().getName()));
            return;
        }
        ObjectTable.Entry entry = server.objects().add(name, type.iface(), target);
        writer.u8(Protocol.REPLY_OK);
        writer.i32(entry.id());
        writer.str(type.iface().getName());
    }

    private void register() {
        String name = reader.str();
        String ifaceName = reader.str();
        byte[] factory = reader.bytes();
        reader.expectEnd();
        if (!server.acceptsRegistrations()) {
            refuse(Protocol.REFUSED_UNSUPPORTED, "the manager at " + server.endpoint() + " does not accept types from"
                    + " its clients: register '" + name + "' where the server is created");
            return;
        }
        try {
            Class<?> iface = Class.forName(ifaceName, false, Thread.currentThread().getContextClassLoader());
            Object supplier = ManagerCodecs.trusted().decode(factory);
            if (!(supplier instanceof Supplier<?> s)) {
                throw new IllegalArgumentException("the factory for '" + name + "' is not a Supplier");
            }
            server.register(name, iface, s);
            ok(null);
        } catch (ClassNotFoundException e) {
            thrown(new IllegalArgumentException("the manager cannot load " + ifaceName + ": " + e, e));
        } catch (RuntimeException e) {
            thrown(e);
        }
    }

    private void ok(Object value) {
        int mark = writer.position();
        writer.u8(Protocol.REPLY_OK);
        try {
            writer.value(value);
        } catch (RuntimeException e) {
            writer.truncate(mark);
            thrown(new IllegalStateException("the manager could not send back a "
                    + value.getClass().getName() + ": " + e.getMessage(), e));
        }
    }

    private void thrown(Throwable t) {
        writer.u8(Protocol.REPLY_THROWN);
        writer.value(RemoteFailure.capture(t, ManagerCodecs.trusted()));
    }

    private void refuseValue(CodecException e) {
        refuse(Protocol.REFUSED_VALUE, "the manager at " + server.endpoint() + " refused a value: " + e.getMessage()
                + " (a manager decodes only the built-in types and the classes it allows; allow yours with"
                + " Manager.builder().allow(...) where the server is created)");
    }

    private void refuse(byte reason, String message) {
        writer.u8(Protocol.REPLY_REFUSED);
        writer.u8(reason);
        writer.str(message);
    }

    /** Ends the session from another thread: the connection closes and the session's thread exits. */
    void close() {
        Transport t = transport;
        if (t != null) {
            t.close();
        }
    }
}
