package multiprocessing4j.bench;

import java.util.Arrays;

import multiprocessing4j.shared.SharedMemory;

/**
 * Cost of a {@code SharedMemory} life cycle in one process: create (4 KiB, touch one byte),
 * close, unlink. The very first create of a JVM also starts the tree's tracker process; it is
 * reported separately. Run: {@code java --enable-native-access=ALL-UNNAMED -cp <bench jar>:<core jar>
 * multiprocessing4j.bench.SharedMemoryLifecycle [count]}.
 */
public final class SharedMemoryLifecycle {
    public static void main(String[] args) {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        long first = System.nanoTime();
        SharedMemory m = SharedMemory.create(4096);
        first = System.nanoTime() - first;
        m.unlink();
        m.close();
        double[] results = new double[5];
        for (int r = -1; r < results.length; r++) {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                SharedMemory shm = SharedMemory.create(4096);
                shm.segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 1);
                shm.close();
                shm.unlink();
            }
            if (r >= 0) {
                results[r] = (System.nanoTime() - start) / 1000.0 / count;
            }
        }
        Arrays.sort(results);
        System.out.printf("SharedMemory create+touch+close+unlink (4 KiB): %.2f us (median of 5 x %d); first create in the JVM (starts the tracker): %.2f ms%n",
                results[2], count, first / 1e6);
        System.out.printf("RESULT shm.lifecycle %.3f us lower-is-better%n", results[2]);
    }
}
