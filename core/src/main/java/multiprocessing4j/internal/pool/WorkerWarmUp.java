package multiprocessing4j.internal.pool;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import multiprocessing4j.SerializableCallable;

/**
 * What a spare made for pool workers runs while it warms up ({@code JvmSpec.warmUpOption}, named in
 * {@link WorkerProcess#spec}): a worker's first conversation, once, so that a pool created from ready spares does
 * not pay for it. Measured in a ready spare, the first time: attaching to the rings and reading the first frame
 * ≈ 8 ms, creating the worker's loop ≈ 4 ms, decoding and running the first task and sending its result more,
 * of a pool's ≈ 30-40 ms from creation to first result.
 *
 * <p>The conversation is a real {@link WorkerLoop} on a thread of its own, over a pair of sockets (in a {@code 0700}
 * directory, removed as soon as both are connected) and a pair of rings (created here; the loop unlinks their name
 * when it attaches, as a worker does), with this class playing the pool: {@code RINGS}, {@code INIT}, one
 * {@code TASKS} frame with a task, {@code STOP}. Nothing of it reaches a pool, nothing is left behind, and it
 * gives up after {@value #WARM_UP_SECONDS} s (the spare is then merely less warm). The rings make sure the tree's
 * segment tracker runs, as a pool's own rings would.
 */
final class WorkerWarmUp implements Runnable {
    private static final long WARM_UP_SECONDS = 10;

    private WorkerWarmUp() {
    }

    @Override
    public void run() {
        try {
            warmUp();
        } catch (IOException | InterruptedException | RuntimeException e) {
            // an optimisation only: a real worker meets whatever is really wrong here, and says so
        }
    }

    /** The warm-up itself, failures included (for tests). */
    static void warmUp() throws IOException, InterruptedException {
        Path directory = Files.createTempDirectory("mp4j-warm-up-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path socket = directory.resolve("s");
        // should this JVM exit during the warm-up (its parent closed it): deleted in reverse order, socket first
        directory.toFile().deleteOnExit();
        socket.toFile().deleteOnExit();
        SocketChannel workerTasks = null;
        SocketChannel workerResults = null;
        SocketChannel poolTasks = null;
        SocketChannel poolResults = null;
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            workerTasks = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            poolTasks = server.accept();
            workerResults = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            poolResults = server.accept();
            Files.delete(socket);
            Files.delete(directory);
            converse(workerTasks, workerResults, poolTasks);
        } finally {
            for (SocketChannel c : new SocketChannel[]{workerTasks, workerResults, poolTasks, poolResults}) {
                if (c != null) {
                    c.close();
                }
            }
            Files.deleteIfExists(socket);
            Files.deleteIfExists(directory);
        }
    }

    private static void converse(SocketChannel workerTasks, SocketChannel workerResults, SocketChannel poolTasks)
            throws IOException, InterruptedException {
        try (RingWire pool = RingWire.create()) {
            byte[] name = pool.name().getBytes(StandardCharsets.UTF_8);
            ByteBuffer rings = ByteBuffer.allocate(WireFormat.HEADER_LENGTH + name.length);
            rings.putInt(1 + name.length).put(WireFormat.RINGS).put(name).flip();
            while (rings.hasRemaining()) {
                poolTasks.write(rings);
            }
            WorkerLoop loop = new WorkerLoop(workerTasks, workerResults);
            int[] status = {-1};
            Thread worker = Thread.ofPlatform().daemon().name("mp4j-worker-warm-up").start(() -> {
                try {
                    status[0] = loop.run();
                } catch (IOException e) {
                    // the pool end gave up: see below
                }
            });
            ByteBuffer frame = ByteBuffer.allocate(1024);
            frame.putInt(1).put(WireFormat.INIT);
            pool.write(frame);
            expect(pool, WireFormat.READY);

            byte[] fn = PoolCodec.codec().encode((SerializableCallable<Object>) () -> 42);
            frame.clear();
            frame.putInt(0).put(WireFormat.TASKS).putInt(1)
                    .putLong(1).put(WireFormat.KIND_CALL).putLong(1).putInt(fn.length).put(fn).putInt(0);
            frame.putInt(0, frame.position() - 4);
            pool.write(frame);
            expect(pool, WireFormat.RESULT);

            frame.clear();
            frame.putInt(1).put(WireFormat.STOP);
            pool.write(frame);
            if (!worker.join(java.time.Duration.ofSeconds(WARM_UP_SECONDS)) || status[0] != 0) {
                throw new IOException("the warm-up's worker loop did not stop as told (status " + status[0] + ")");
            }
        }
    }

    /** The next frame from the loop, which must be of {@code type}: waited for {@value #WARM_UP_SECONDS} s at most. */
    private static void expect(RingWire pool, byte type) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WARM_UP_SECONDS);
        ByteBuffer frame = null;
        while (frame == null && pool.awaitReadable(Math.max(0, deadline - System.nanoTime()), true)) {
            frame = pool.tryNext();
            if (System.nanoTime() - deadline > 0) {
                break;
            }
        }
        if (frame == null || frame.get(frame.position()) != type) {
            throw new IOException("the warm-up's worker loop did not answer with frame type " + type + " in time");
        }
    }
}
