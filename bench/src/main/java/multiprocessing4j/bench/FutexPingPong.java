package multiprocessing4j.bench;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import multiprocessing4j.internal.platform.Futex;
import multiprocessing4j.internal.platform.ProcessTree;
import multiprocessing4j.shared.SharedMemory;

/**
 * Round trip between two JVMs over one shared cell: this JVM flips the "ping" word and wakes the
 * peer, the peer answers on the "pong" word and wakes this JVM. Two variants:
 * <ul>
 *   <li>{@code futex}: every wait is a futex wait straight away and every flip is followed by a
 *   wake system call (what a blocking event costs: two cross-CPU wake-ups per round trip);</li>
 *   <li>{@code spin}: {@code Futex.awaitChange} (short adaptive spin, then futex) with a waiter
 *   count, and {@code Futex.wakeIfWaiting}, as the library's primitives do.</li>
 * </ul>
 * Run: {@code java --enable-native-access=ALL-UNNAMED -cp bench/target/classes:core/target/classes
 * multiprocessing4j.bench.FutexPingPong [rounds] [variant...]}. Prints the median of five runs, and a
 * {@code RESULT} line per variant for {@code mp4j bench}.
 */
public final class FutexPingPong {
    // Cell layout: ping word and its waiter count on one cache line, pong and its count on the next.
    private static final long PING = 0;
    private static final long PING_WAITERS = 4;
    private static final long PONG = 64;
    private static final long PONG_WAITERS = 68;
    private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(30);

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("peer")) {
            peer(args[1], args[2], Integer.parseInt(args[3]));
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        List<String> variants = args.length > 1 ? Arrays.asList(args).subList(1, args.length) : List.of("futex", "spin");
        Futex.prepare();
        for (String variant : variants) {
            double roundTrip = run(variant, rounds);
            System.out.printf("futex ping-pong %-5s round trip: %.2f us (median of 5 x %d rounds, native futex: %s)%n",
                    variant, roundTrip, rounds, Futex.isNative());
            // The spin-then-block variant is what the library's events use: it is the one compared with CPython's Event.
            System.out.printf("RESULT %s %.3f us lower-is-better%n",
                    variant.equals("spin") ? "sync.event.pingpong" : "futex.pingpong.blocking", roundTrip);
        }
    }

    private static double run(String variant, int rounds) throws Exception {
        double[] results = new double[5];
        try (SharedMemory shm = SharedMemory.create(128)) {
            MemorySegment cell = shm.segment();
            // The peer runs in the same mode as this JVM (native futex or polling fallback).
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    Futex.isNative() ? "--enable-native-access=ALL-UNNAMED" : "-Dmp4j.bench.fallback=true", "-Xshare:auto",
                    "-D" + ProcessTree.ROOT_PID_PROPERTY + "=" + ProcessTree.rootPid(),
                    "-cp", System.getProperty("java.class.path"), FutexPingPong.class.getName(),
                    "peer", shm.name(), variant, Integer.toString(rounds * (results.length + 1))));
            Process peer = new ProcessBuilder(command).inheritIO().start();
            try {
                int value = 0;
                for (int r = -1; r < results.length; r++) {
                    long start = System.nanoTime();
                    for (int i = 0; i < rounds; i++) {
                        value++;
                        signal(cell, PING, PING_WAITERS, value, variant);
                        await(cell, PONG, PONG_WAITERS, value - 1, variant);
                    }
                    if (r >= 0) {
                        results[r] = (System.nanoTime() - start) / 1000.0 / rounds;
                    }
                }
                peer.waitFor(30, TimeUnit.SECONDS);
            } finally {
                peer.destroyForcibly();
                shm.unlink();
            }
        }
        Arrays.sort(results);
        return results[results.length / 2];
    }

    private static void peer(String name, String variant, int rounds) throws Exception {
        Futex.prepare();
        try (SharedMemory shm = SharedMemory.attach(name)) {
            MemorySegment cell = shm.segment();
            for (int value = 1; value <= rounds; value++) {
                await(cell, PING, PING_WAITERS, value - 1, variant);
                signal(cell, PONG, PONG_WAITERS, value, variant);
            }
        }
    }

    private static void signal(MemorySegment cell, long word, long waiters, int value, String variant) {
        Futex.INT.setRelease(cell, word, value);
        if (variant.equals("futex")) {
            Futex.wake(cell, word, 1);
        } else {
            Futex.wakeIfWaiting(cell, word, waiters, 1);
        }
    }

    private static void await(MemorySegment cell, long word, long waiters, int old, String variant)
            throws InterruptedException {
        if (variant.equals("futex")) {
            while ((int) Futex.INT.getAcquire(cell, word) == old) {
                if (Futex.waitNanos(cell, word, old, TIMEOUT) == Futex.TIMED_OUT) {
                    throw new IllegalStateException("peer did not answer within 30 s");
                }
            }
        } else if (!Futex.awaitChange(cell, word, old, waiters, TIMEOUT)) {
            throw new IllegalStateException("peer did not answer within 30 s");
        }
    }
}
