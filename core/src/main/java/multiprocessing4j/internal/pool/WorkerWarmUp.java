package multiprocessing4j.internal.pool;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import multiprocessing4j.SerializableCallable;

/**
 * What a spare made for pool workers runs while it warms up ({@code JvmSpec.warmUpOption}, named in
 * {@link WorkerProcess#spec}): a worker's first conversation, once, so that a pool created from ready spares does
 * not pay for it. Measured in a ready spare without it, the first time: attaching to the rings and reading the
 * first frame ≈ 8 ms, creating the worker's loop ≈ 4 ms, decoding and running the first task and sending its
 * result more, of a pool's ≈ 30-40 ms from creation to first result.
 *
 * <p>The conversation is a real {@link WorkerLoop} on a thread of its own, on a pair of rings (created here and
 * attached as a worker attaches: the loop's end unlinks their name), with this class playing the pool:
 * {@code INIT}, one {@code TASKS} frame with a task, {@code STOP}. The worker's entry is constructed once too, as
 * the runtime constructs it (reflectively: its constructor's first call costs about a millisecond). Nothing of it
 * reaches a pool, nothing is left behind, and it gives up after {@value #WARM_UP_SECONDS} s (the spare is then
 * merely less warm). The rings make sure the tree's segment tracker runs, as a pool's own rings would.
 */
final class WorkerWarmUp implements Runnable {
    private static final long WARM_UP_SECONDS = 10;

    private WorkerWarmUp() {
    }

    @Override
    public void run() {
        try {
            warmUp();
        } catch (IOException | InterruptedException | RuntimeException | ReflectiveOperationException e) {
            // an optimisation only: a real worker meets whatever is really wrong here, and says so
        }
    }

    /** The warm-up itself, failures included (for tests). */
    static void warmUp() throws IOException, InterruptedException, ReflectiveOperationException {
        Constructor<WorkerEntry> entry = WorkerEntry.class.getDeclaredConstructor(byte[].class);
        entry.setAccessible(true);
        entry.newInstance((Object) new WorkerEntry("warm-up", null, null, true, false).toBytes());
        try (RingWire pool = RingWire.create()) {
            WorkerLoop loop = new WorkerLoop(RingWire.attach(pool.name()));
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
