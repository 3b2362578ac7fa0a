package multiprocessing4j.internal.pool;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.nio.ByteBuffer;

/**
 * What a spare made for pool workers runs while it warms up ({@code JvmSpec.warmUpOption}, named in
 * {@link WorkerProcess#spec}): a worker's first steps, once, so that a pool created from ready spares does not
 * pay for them. Measured in a ready spare, the first time: attaching to the rings and reading the first frame
 * ≈ 8 ms, creating the worker's loop ≈ 4 ms, of a pool's ≈ 30-40 ms from creation to first result.
 *
 * <p>A pair of rings is created and attached in this process (its name is unlinked at once, as a worker does),
 * and a frame goes each way; then both ends are closed. Nothing is left behind, and nothing of it reaches a pool.
 */
final class WorkerWarmUp implements Runnable {
    private WorkerWarmUp() {
    }

    @Override
    public void run() {
        try {
            warmUp();
        } catch (IOException | RuntimeException e) {
            // an optimisation only: a real worker meets whatever is really wrong here, and says so
        }
    }

    /** The warm-up itself, failures included (for tests). */
    static void warmUp() throws IOException {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        try {
            lookup.ensureInitialized(WorkerLoop.class);
            lookup.ensureInitialized(FrameReader.class);
            lookup.ensureInitialized(WorkerEntry.class);
        } catch (IllegalAccessException impossible) {
            throw new IllegalStateException(impossible); // same package
        }
        new FunctionCache<>();
        PoolCodec.codec().decode(PoolCodec.codec().encode(42));
        RingWire pool = RingWire.create();
        try (pool; RingWire worker = RingWire.attach(pool.name())) {
            ByteBuffer frame = ByteBuffer.allocate(WireFormat.HEADER_LENGTH + 8);
            frame.putInt(1 + 8).put(WireFormat.READY).putLong(ProcessHandle.current().pid());
            pool.write(frame);
            if (worker.next() == null) {
                throw new IOException("the warm-up's frame did not arrive");
            }
            frame.clear();
            frame.putInt(1 + 8).put(WireFormat.READY).putLong(ProcessHandle.current().pid());
            worker.write(frame);
            if (pool.next() == null) {
                throw new IOException("the warm-up's answer did not arrive");
            }
        }
    }
}
