package multiprocessing4j.internal.pool;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import multiprocessing4j.internal.runtime.ChildEntry;
import multiprocessing4j.internal.runtime.Link;

/**
 * What a pool hands over to a child JVM of the runtime: run the {@link WorkerLoop} until told to stop, on the
 * wire the entry names. By default that is the pool's pair of shared-memory rings ({@code rings}: the segment's
 * name, which travelled inside this entry over the runtime's authenticated link), and the worker has no other
 * connection to its pool: the pool learns of its death from the runtime ({@code ChildJvm.gone()}). With socket
 * transport it connects the two pool connections to the pool's {@code socket}, proving itself with the
 * {@code secret}. The runtime makes the child exit when its parent dies. The runtime's link to the pool carries
 * only the codec's news ({@link PoolCodec}): {@code poolWarm} says whether the pool's JVM read Fory already when
 * it started this worker, {@code tellWhenWarm} whether the pool waits to hear when Fory is warm here.
 *
 * @param rings  the rings' segment name, or null: the sockets
 * @param socket the pool's socket, or null: the rings
 * @param secret what the worker proves itself with on the socket (null with the rings)
 */
record WorkerEntry(String rings, String socket, byte[] secret, boolean poolWarm, boolean tellWhenWarm)
        implements ChildEntry {
    private static final int POOL_WARM = 1;
    private static final int TELL_WHEN_WARM = 2;
    private static final int RINGS = 4;

    WorkerEntry {
        if ((rings == null) == (socket == null) || (socket != null && secret == null)) {
            throw new IllegalArgumentException("a worker's entry names either its rings or its socket and secret");
        }
    }

    /**
     * The entry from {@link #toBytes()}: the runtime constructs it in the worker through this constructor rather
     * than deserializing it (see {@code ChildJvm.handOver(String, Class, byte[], ...)}: a fresh JVM would pay
     * ≈ 90 ms for the serialization machinery). Layout: {@code int8 flags}, then the UTF-8 ring name, or
     * {@code SECRET_LENGTH} bytes of secret and the UTF-8 socket path.
     */
    WorkerEntry(byte[] bytes) {
        this((bytes[0] & RINGS) != 0 ? new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8) : null,
                (bytes[0] & RINGS) != 0 ? null : new String(bytes, 1 + WireFormat.SECRET_LENGTH,
                        bytes.length - 1 - WireFormat.SECRET_LENGTH, StandardCharsets.UTF_8),
                (bytes[0] & RINGS) != 0 ? null : Arrays.copyOfRange(bytes, 1, 1 + WireFormat.SECRET_LENGTH),
                (bytes[0] & POOL_WARM) != 0, (bytes[0] & TELL_WHEN_WARM) != 0);
    }

    byte[] toBytes() {
        byte flags = (byte) ((poolWarm ? POOL_WARM : 0) | (tellWhenWarm ? TELL_WHEN_WARM : 0) | (rings != null ? RINGS : 0));
        byte[] name = (rings != null ? rings : socket).getBytes(StandardCharsets.UTF_8);
        byte[] proof = rings != null ? new byte[0] : secret;
        byte[] bytes = new byte[1 + proof.length + name.length];
        bytes[0] = flags;
        System.arraycopy(proof, 0, bytes, 1, proof.length);
        System.arraycopy(name, 0, bytes, 1 + proof.length, name.length);
        return bytes;
    }

    @Override
    public void run(Link parent) throws IOException {
        PoolCodec.inWorker(parent, poolWarm, tellWhenWarm);
        WorkerLoop loop;
        SocketChannel results = null;
        if (rings != null) {
            loop = new WorkerLoop(RingWire.attach(rings));
        } else {
            Path path = Path.of(socket);
            SocketChannel tasks = WorkerMain.connect(path, secret, WireFormat.CONNECTION_TASKS);
            results = WorkerMain.connect(path, secret, WireFormat.CONNECTION_RESULTS);
            loop = new WorkerLoop(tasks, results);
        }
        int status = loop.run();
        if (results != null) {
            results.close();
        }
        if (status != 0) {
            throw new IOException("the pool's end of the " + (rings != null ? "rings" : "connection")
                    + " closed: the pool is gone");
        }
    }
}
