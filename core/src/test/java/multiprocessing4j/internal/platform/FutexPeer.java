package multiprocessing4j.internal.platform;

import java.util.concurrent.TimeUnit;

import multiprocessing4j.internal.shm.SharedSegment;

/**
 * Test peer in another JVM: attaches segment {@code args[0]}, waits for word 0 to leave 0, then
 * sets word 4 to 1 and wakes it; prints {@code READY} once attached.
 */
public final class FutexPeer {
    public static void main(String[] args) throws Exception {
        try (SharedSegment segment = SharedSegment.attach(args[0], 0)) {
            System.out.println("READY");
            boolean changed = Futex.awaitChange(segment.payload(), 0, 0, TimeUnit.SECONDS.toNanos(20));
            Futex.INT.setRelease(segment.payload(), 4L, changed ? 1 : 2);
            Futex.wakeAll(segment.payload(), 4);
        }
    }
}
