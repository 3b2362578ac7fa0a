package multiprocessing4j.internal.platform;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * Run without native access: checks that Futex falls back to polling and that a wait still ends
 * when another thread changes the word. Exit code 0 on success.
 */
public final class FallbackProbe {
    public static void main(String[] args) throws Exception {
        if (Futex.isNative()) {
            System.exit(3);
        }
        MemorySegment word = Arena.global().allocate(64, 64);
        Thread setter = Thread.ofPlatform().start(() -> {
            Futex.INT.setRelease(word, 0L, 1);
            Futex.wakeAll(word, 0);
        });
        boolean changed = Futex.awaitChange(word, 0, 0, TimeUnit.SECONDS.toNanos(10));
        setter.join();
        boolean timedOut = !Futex.awaitChange(word, 0, 1, TimeUnit.MILLISECONDS.toNanos(20));
        System.exit(changed && timedOut ? 0 : 4);
    }
}
