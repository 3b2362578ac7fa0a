package multiprocessing4j.internal.pool;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import multiprocessing4j.internal.runtime.ChildEntry;
import multiprocessing4j.internal.runtime.Link;

/**
 * What a pool hands over to a child JVM of the runtime: connect the two pool connections to the pool's
 * socket, proving itself with the secret (which travelled inside this entry, over the runtime's
 * authenticated link), and run the {@link WorkerLoop} until told to stop. The runtime makes the child
 * exit when its parent dies. The runtime's link to the pool carries only the codec's news ({@link PoolCodec}):
 * {@code poolWarm} says whether the pool's JVM read Fory already when it started this worker.
 */
record WorkerEntry(String socket, byte[] secret, boolean poolWarm) implements ChildEntry {
    /**
     * The entry from {@link #toBytes()}: the runtime constructs it in the worker through this constructor rather
     * than deserializing it (see {@code ChildJvm.handOver(String, Class, byte[], ...)}: a fresh JVM would pay
     * ≈ 90 ms for the serialization machinery). Layout: {@code int8 poolWarm, SECRET_LENGTH secret, UTF-8 socket path}.
     */
    WorkerEntry(byte[] bytes) {
        this(new String(bytes, 1 + WireFormat.SECRET_LENGTH, bytes.length - 1 - WireFormat.SECRET_LENGTH,
                StandardCharsets.UTF_8), Arrays.copyOfRange(bytes, 1, 1 + WireFormat.SECRET_LENGTH), bytes[0] != 0);
    }

    byte[] toBytes() {
        byte[] path = socket.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[1 + WireFormat.SECRET_LENGTH + path.length];
        bytes[0] = (byte) (poolWarm ? 1 : 0);
        System.arraycopy(secret, 0, bytes, 1, WireFormat.SECRET_LENGTH);
        System.arraycopy(path, 0, bytes, 1 + WireFormat.SECRET_LENGTH, path.length);
        return bytes;
    }

    @Override
    public void run(Link parent) throws IOException {
        PoolCodec.inWorker(parent, poolWarm);
        Path path = Path.of(socket);
        SocketChannel tasks = WorkerMain.connect(path, secret, WireFormat.CONNECTION_TASKS);
        SocketChannel results = WorkerMain.connect(path, secret, WireFormat.CONNECTION_RESULTS);
        int status = new WorkerLoop(tasks, results).run();
        results.close();
        if (status != 0) {
            throw new IOException("the pool's end of the connection closed: the pool is gone");
        }
    }
}
