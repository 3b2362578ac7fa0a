package multiprocessing4j.internal.manager;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import multiprocessing4j.internal.codec.CodecException;
import multiprocessing4j.internal.codec.RemoteFailure;
import multiprocessing4j.manager.ManagerAuthenticationException;
import multiprocessing4j.manager.ManagerConnectionException;
import multiprocessing4j.shared.SharedMemory;

/**
 * One client thread's connection to a manager: calls go out and replies come back on it strictly in
 * turn, through a reusable writer and reader. Owned by one thread ({@link ManagerClient} hands out one
 * per thread), which is also what makes that thread the owner of the locks it takes.
 */
final class ClientConnection {
    private final ManagerClient client;
    private Transport transport;
    private final WireWriter writer;
    private final WireReader reader;
    private final int maxFrameLength;
    private final Thread owner;
    private final byte[] header = new byte[Protocol.HEADER_LENGTH];
    private byte[] in = new byte[1024];
    private volatile boolean open = true;

    private ClientConnection(ManagerClient client, Transport transport, int maxFrameLength) {
        this.client = client;
        this.transport = transport;
        this.maxFrameLength = maxFrameLength;
        this.owner = Thread.currentThread();
        this.writer = new WireWriter(ManagerCodecs.trusted());
        this.reader = new WireReader(ManagerCodecs.trusted(), client::proxy);
    }

    /**
     * Connects and authenticates this thread. An interrupt meanwhile does not abort it (a blocking connect
     * would close the channel); it stays set, for the caller's next interruption check.
     */
    static ClientConnection open(ManagerClient client) {
        boolean interrupted = Thread.interrupted();
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    return connect(client);
                } catch (ManagerConnectionException e) {
                    // An interrupt that lands during the blocking connect closes the channel under it: remember
                    // it and connect again (a few times at most, so a thread interrupted in a loop still ends).
                    if (!(e.getCause() instanceof java.nio.channels.ClosedByInterruptException) || attempt == 3) {
                        throw e;
                    }
                    interrupted |= Thread.interrupted();
                }
            }
        } finally {
            if (interrupted || Thread.interrupted()) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static ClientConnection connect(ManagerClient client) {
        Endpoint ep = client.endpoint();
        InetSocketAddress address = ep.socketAddress();
        if (address.isUnresolved()) {
            throw new ManagerConnectionException(ep.toString(), "cannot connect to the manager at " + ep
                    + ": unknown host", null);
        }
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, client.connectTimeout().toMillis());
        Transport transport = null;
        try {
            if (client.ssl() == null) {
                SocketChannel channel = SocketChannel.open();
                try {
                    channel.socket().connect(address, timeoutMillis);
                    transport = new ChannelTransport(channel, ManagerClient.spinNanos());
                } catch (IOException | RuntimeException e) {
                    channel.close();
                    throw e;
                }
            } else {
                SSLSocket socket = (SSLSocket) client.ssl().getSocketFactory().createSocket();
                try {
                    socket.connect(address, timeoutMillis);
                    socket.setSoTimeout(timeoutMillis);
                    socket.startHandshake();
                    transport = new TlsTransport(socket);
                } catch (IOException | RuntimeException e) {
                    socket.close();
                    throw e;
                }
            }
            Handshake.Accepted accepted = Handshake.connect(transport, client.authkey(),
                    TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
            ClientConnection c = new ClientConnection(client, transport, accepted.maxFrameLength());
            if (transport instanceof ChannelTransport socket && address.getAddress().isLoopbackAddress()
                    && ManagerClient.sharedMemoryEnabled()) {
                c.upgrade(socket);
            }
            return c;
        } catch (Handshake.Failed e) {
            transport.close();
            throw new ManagerAuthenticationException(ep.toString(), "authentication with the manager at " + ep
                    + " failed: " + e.getMessage());
        } catch (IOException e) {
            if (transport != null) {
                transport.close();
            }
            throw new ManagerConnectionException(ep.toString(), "cannot connect to the manager at " + ep + ": " + e,
                    e);
        }
    }

    /**
     * Same machine: asks the server for a shared-memory transport and moves to it, or stays on TCP if the
     * server offers none or the segment cannot be attached here (another /dev/shm, another user).
     */
    private void upgrade(ChannelTransport socket) {
        writer.begin();
        writer.u8(Protocol.OP_SHM_OFFER);
        exchange("shared-memory offer");
        if (reader.u8() != Protocol.REPLY_OK) {
            return;
        }
        String name = (String) reader.value();
        SharedMemory shm;
        try {
            shm = SharedMemory.attach(name);
        } catch (RuntimeException e) {
            simple(Protocol.OP_SHM_DECLINE, "shared-memory decline");
            return;
        }
        try {
            simple(Protocol.OP_SHM_SWITCH, "shared-memory switch");
        } catch (RuntimeException e) {
            shm.close();
            throw e;
        }
        transport = new ShmTransport(shm, false, socket);
    }

    boolean isOpen() {
        return open;
    }

    Thread owner() {
        return owner;
    }

    void close() {
        open = false;
        transport.close();
    }

    Object call(int id, MethodKey method, int argc, Object a, Object b, Object c) {
        writer.begin();
        writer.u8(Protocol.OP_CALL);
        writer.i32(id);
        writer.str(method.signature);
        writer.u8(argc);
        if (argc > 0) {
            writer.value(a);
            if (argc > 1) {
                writer.value(b);
                if (argc > 2) {
                    writer.value(c);
                }
            }
        }
        exchange(method.display);
        return reply(method.display);
    }

    Object call(int id, MethodKey method, Object[] args) {
        writer.begin();
        writer.u8(Protocol.OP_CALL);
        writer.i32(id);
        writer.str(method.signature);
        int argc = args == null ? 0 : args.length;
        if (argc > 255) {
            throw new IllegalArgumentException("a manager call takes at most 255 arguments");
        }
        writer.u8(argc);
        for (int i = 0; i < argc; i++) {
            writer.value(args[i]);
        }
        exchange(method.display);
        return reply(method.display);
    }

    /** Creates an object; returns {@code [id, interface name]}. */
    Object[] create(String typeName, Object[] args) {
        writer.begin();
        writer.u8(Protocol.OP_CREATE);
        writer.str(typeName);
        writer.u8(args.length);
        for (Object a : args) {
            writer.value(a);
        }
        String what = "creating a " + typeName;
        exchange(what);
        int status = reader.u8();
        if (status == Protocol.REPLY_OK) {
            return new Object[] {reader.i32(), reader.str()};
        }
        return failure(status, what);
    }

    void release(int id) {
        writer.begin();
        writer.u8(Protocol.OP_RELEASE);
        writer.i32(id);
        exchange("release");
        reply("release");
    }

    void register(String name, String ifaceName, byte[] factory) {
        writer.begin();
        writer.u8(Protocol.OP_REGISTER);
        writer.str(name);
        writer.str(ifaceName);
        writer.bytes(factory);
        exchange("register");
        reply("register");
    }

    void simple(byte op, String what) {
        writer.begin();
        writer.u8(op);
        exchange(what);
        reply(what);
    }

    private void exchange(String what) {
        int n = writer.finish();
        if (n - Protocol.HEADER_LENGTH > maxFrameLength) {
            throw new IllegalArgumentException(what + ": the request is " + (n - Protocol.HEADER_LENGTH)
                    + " bytes, more than the manager at " + client.endpoint() + " accepts (" + maxFrameLength + ")");
        }
        if (!open) {
            throw gone(what, null);
        }
        try {
            transport.write(writer.buffer(), 0, n);
            transport.readFully(header, 0, Protocol.HEADER_LENGTH, -1);
            int length = ((header[0] & 0xFF) << 24) | ((header[1] & 0xFF) << 16) | ((header[2] & 0xFF) << 8)
                    | (header[3] & 0xFF);
            if (length <= 0) {
                throw new IOException("bad reply length " + length);
            }
            if (in.length < length) {
                in = new byte[Math.max(length, in.length * 2)];
            }
            transport.readFully(in, 0, length, -1);
            reader.reset(in, 0, length);
        } catch (IOException e) {
            close();
            throw gone(what, e);
        }
    }

    private ManagerConnectionException gone(String what, IOException e) {
        String reason = e instanceof EOFException ? "the server closed the connection" : String.valueOf(e);
        return new ManagerConnectionException(client.endpoint().toString(), "lost the connection to the manager at "
                + client.endpoint() + " during " + what + ": " + reason, e);
    }

    private Object reply(String what) {
        int status = reader.u8();
        if (status == Protocol.REPLY_OK) {
            try {
                return reader.value();
            } catch (CodecException e) {
                throw new IllegalStateException(what + ": the manager's reply cannot be decoded here: " + e.getMessage(),
                        e);
            } catch (MalformedFrameException e) {
                close();
                throw gone(what, new IOException("malformed reply: " + e.getMessage()));
            }
        }
        return failure(status, what);
    }

    private <T> T failure(int status, String what) {
        if (status == Protocol.REPLY_REFUSED) {
            int reason = reader.u8();
            String message = reader.str();
            throw switch (reason) {
                case Protocol.REFUSED_VALUE -> new IllegalArgumentException(what + ": " + message);
                case Protocol.REFUSED_NO_OBJECT -> new IllegalStateException(what + ": " + message);
                case Protocol.REFUSED_NO_TYPE -> new IllegalArgumentException(message);
                default -> new UnsupportedOperationException(what + ": " + message);
            };
        }
        if (status == Protocol.REPLY_THROWN) {
            throw ClientConnection.<RuntimeException>sneaky(remoteFailure());
        }
        close();
        throw gone(what, new IOException("unknown reply status " + status));
    }

    /** The server's exception, rebuilt when possible, its trace followed by this caller's. */
    private Throwable remoteFailure() {
        Object v = reader.value();
        if (!(v instanceof RemoteFailure failure)) {
            close();
            throw gone("a call", new IOException("malformed failure reply: " + v));
        }
        Throwable t = failure.rebuild(ManagerCodecs.trusted());
        StackTraceElement[] remote = t.getStackTrace();
        StackTraceElement[] local = new Throwable().getStackTrace();
        StackTraceElement[] trace = new StackTraceElement[remote.length + 1 + local.length];
        System.arraycopy(remote, 0, trace, 0, remote.length);
        trace[remote.length] = new StackTraceElement("<manager " + client.endpoint() + ">", "remote call", null, -1);
        System.arraycopy(local, 0, trace, remote.length + 1, local.length);
        t.setStackTrace(trace);
        return t;
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
