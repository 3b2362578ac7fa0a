package multiprocessing4j.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import multiprocessing4j.ChildProcess;
import multiprocessing4j.Connection;
import multiprocessing4j.Pipe;
import multiprocessing4j.ProcessQueue;
import multiprocessing4j.internal.codec.Codecs;
import multiprocessing4j.internal.platform.Futex;

/**
 * Queue and pipe figures between JVMs, side by side with {@code bench/python/queue_pipe_bench.py}:
 * <ul>
 *   <li>{@code queue-8b}: 1 producer process to 1 consumer process, 8-byte messages ({@code byte[8]}), messages/s;</li>
 *   <li>{@code queue-1k}: the same with 1 KiB messages (a queue created with a 1100-byte inline size);</li>
 *   <li>{@code queue-2x2}: 2 producer processes to 2 consumer processes, 8-byte messages, messages/s;</li>
 *   <li>{@code queue-pingpong}: round trip of a small message through two queues, µs;</li>
 *   <li>{@code pipe-pingpong}: round trip of a small object ({@code Integer}) over a duplex pipe, µs;</li>
 *   <li>{@code pipe-1m}: {@code sendBytes} of 1 MiB messages received with {@code recvBytes}, GB/s.</li>
 * </ul>
 * Producers and consumers are child JVMs ({@link ChildProcess}) started by this one (this JVM only coordinates, except in
 * the ping-pongs, where it is one side). Each figure is the median of 3 runs; the throughput rows
 * run their 3 timed rounds after an untimed one, in the same peers (so does the Python harness).
 * Run: {@code java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
 * -cp bench/target/classes:core/target/classes:bench/target/lib/* multiprocessing4j.bench.QueuePipeBench [variant...]}
 */
public final class QueuePipeBench {
    private static final int RUNS = 3;

    public static void main(String[] args) throws Exception {
        List<String> variants = args.length > 0 ? Arrays.asList(args)
                : List.of("queue-8b", "queue-1k", "queue-2x2", "queue-pingpong", "pipe-pingpong", "pipe-1m");
        Futex.prepare();
        Codecs.warmUp();
        for (String v : variants) {
            double[] r = v.startsWith("queue-") && !v.endsWith("pingpong") ? throughputRounds(v) : new double[RUNS];
            for (int i = 0; i < RUNS && !(v.startsWith("queue-") && !v.endsWith("pingpong")); i++) {
                r[i] = run(v);
            }
            Arrays.sort(r);
            String unit = v.endsWith("pingpong") ? "us round trip" : v.equals("pipe-1m") ? "GB/s" : "msgs/s";
            System.out.printf("java %-15s %,14.2f %s (median of %d; runs %s)%n", v, r[RUNS / 2], unit, RUNS, Arrays.toString(r));
            // The mp4j bench convention: RESULT <figure> <value> <unit> <higher|lower>-is-better.
            boolean roundTrip = v.endsWith("pingpong");
            System.out.printf("RESULT %s %.3f %s %s%n", v.replace('-', '.'), r[RUNS / 2],
                    roundTrip ? "us" : v.equals("pipe-1m") ? "GB/s" : "msgs/s", roundTrip ? "lower-is-better" : "higher-is-better");
        }
    }

    private static double run(String variant) throws Exception {
        return switch (variant) {
            case "queue-pingpong" -> queuePingPong(50_000);
            case "pipe-pingpong" -> pipePingPong(50_000);
            case "pipe-1m" -> pipeBytes(2_000);
            default -> throw new IllegalArgumentException("unknown variant " + variant);
        };
    }

    /** The throughput rows: {@value #RUNS} timed rounds after an untimed one, by the same peer processes. */
    private static double[] throughputRounds(String variant) throws Exception {
        return switch (variant) {
            case "queue-8b" -> throughput(1, 1, 2_000_000, 8, ProcessQueue.DEFAULT_INLINE_BYTES);
            case "queue-1k" -> throughput(1, 1, 500_000, 1024, 1100);
            case "queue-2x2" -> throughput(2, 2, 1_000_000, 8, ProcessQueue.DEFAULT_INLINE_BYTES);
            default -> throw new IllegalArgumentException("unknown variant " + variant);
        };
    }

    /**
     * Messages per second from {@code producers} to {@code consumers} processes, {@code total} messages in all
     * per round. The peers live for every round: the first round is untimed, so that the timed ones measure
     * compiled code rather than the peers' JIT compilers competing for the two cores (measured in one sitting:
     * 8-byte rounds of fresh peers spread from 2.3 to 3.6 M msgs/s).
     */
    private static double[] throughput(int producers, int consumers, int total, int size, int inline) throws Exception {
        List<ChildProcess> peers = new ArrayList<>();
        double[] rates = new double[RUNS];
        try (ProcessQueue<byte[]> q = ProcessQueue.create(4096, inline); ProcessQueue<Long> done = ProcessQueue.create(16);
             ProcessQueue<Integer> go = ProcessQueue.create(16)) {
            for (int c = 0; c < consumers; c++) {
                peers.add(start("consume", handle(q), handle(done)));
            }
            for (int p = 0; p < producers; p++) {
                peers.add(start("produce", handle(q), handle(done), handle(go), Integer.toString(total / producers),
                        Integer.toString(size)));
            }
            for (int round = -1; round < RUNS; round++) {
                for (int p = 0; p < producers; p++) {
                    go.put(round);
                }
                // Each peer reports its start and end times (System.nanoTime is machine-wide on Linux); pairs of
                // concurrent reporters may interleave: the extremes are what counts.
                long first = Long.MAX_VALUE;
                long last = Long.MIN_VALUE;
                for (int i = 0; i < producers * 2; i++) {
                    long t = done.take();
                    first = Math.min(first, t);
                    last = Math.max(last, t);
                }
                // Every producer is done: now one end marker per consumer (a one-byte message naming the round).
                for (int c = 0; c < consumers; c++) {
                    q.put(new byte[] {(byte) (round + 2)});
                }
                for (int i = 0; i < consumers * 2; i++) {
                    long t = done.take();
                    first = Math.min(first, t);
                    last = Math.max(last, t);
                }
                if (round >= 0) {
                    rates[round] = total / ((last - first) / 1e9);
                }
            }
            return rates;
        } finally {
            for (ChildProcess p : peers) {
                p.kill();
                p.join();
            }
        }
    }

    private static double queuePingPong(int rounds) throws Exception {
        try (ProcessQueue<Integer> ping = ProcessQueue.create(4); ProcessQueue<Integer> pong = ProcessQueue.create(4)) {
            ChildProcess peer = start("queue-echo", handle(ping), handle(pong), Integer.toString(rounds * 2));
            try {
                for (int i = 0; i < rounds; i++) {
                    ping.put(i);
                    pong.take();
                }
                long start = System.nanoTime();
                for (int i = 0; i < rounds; i++) {
                    ping.put(i);
                    pong.take();
                }
                return (System.nanoTime() - start) / 1e3 / rounds;
            } finally {
                peer.kill();
                peer.join();
            }
        }
    }

    private static double pipePingPong(int rounds) throws Exception {
        try (Pipe pipe = Pipe.open()) {
            ChildProcess peer = start("pipe-echo", handle(pipe.right()), "", Integer.toString(rounds * 2));
            try {
                Connection c = pipe.left();
                for (int i = 0; i < rounds; i++) {
                    c.send(i);
                    c.recv();
                }
                long start = System.nanoTime();
                for (int i = 0; i < rounds; i++) {
                    c.send(i);
                    c.recv();
                }
                return (System.nanoTime() - start) / 1e3 / rounds;
            } finally {
                peer.kill();
                peer.join();
            }
        }
    }

    private static double pipeBytes(int messages) throws Exception {
        try (Pipe pipe = Pipe.open(false); ProcessQueue<Long> done = ProcessQueue.create(4)) {
            ChildProcess peer = start("pipe-send", handle(pipe.right()), handle(done), Integer.toString(messages));
            try {
                Connection c = pipe.left();
                for (int i = 0; i < messages / 10; i++) {
                    c.recvBytes();
                }
                long start = System.nanoTime();
                long bytes = 0;
                for (int i = messages / 10; i < messages; i++) {
                    bytes += c.recvBytes().length;
                }
                return bytes / ((System.nanoTime() - start) / 1e9) / 1e9;
            } finally {
                peer.kill();
                peer.join();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void peer(String[] args) throws Exception {
        Futex.prepare();
        Codecs.warmUp();
        String mode = args[1];
        Object a = attach(args[2]);
        Object b = args[3].isEmpty() ? null : attach(args[3]);
        switch (mode) {
            case "produce" -> {
                // One round per number taken from the go queue, until killed.
                ProcessQueue<byte[]> q = (ProcessQueue<byte[]>) a;
                ProcessQueue<Long> done = (ProcessQueue<Long>) b;
                ProcessQueue<Integer> go = (ProcessQueue<Integer>) attach(args[4]);
                int count = Integer.parseInt(args[5]);
                byte[] message = new byte[Integer.parseInt(args[6])];
                while (true) {
                    go.take();
                    long start = System.nanoTime();
                    for (int i = 0; i < count; i++) {
                        q.put(message);
                    }
                    long end = System.nanoTime();
                    done.put(start);
                    done.put(end);
                }
            }
            case "consume" -> {
                // One round per end marker (a one-byte message naming the round), until killed. A marker of a
                // round this consumer has finished is another consumer's: handed back.
                ProcessQueue<byte[]> q = (ProcessQueue<byte[]>) a;
                ProcessQueue<Long> done = (ProcessQueue<Long>) b;
                int finished = 0;
                while (true) {
                    byte[] m = q.take();
                    if (m.length == 1 && m[0] <= finished) {
                        q.put(m);
                        continue;
                    }
                    long start = System.nanoTime();
                    while (m.length != 1) {
                        m = q.take();
                    }
                    finished = m[0];
                    long end = System.nanoTime();
                    done.put(start);
                    done.put(end);
                }
            }
            case "queue-echo" -> {
                ProcessQueue<Integer> ping = (ProcessQueue<Integer>) a;
                ProcessQueue<Integer> pong = (ProcessQueue<Integer>) b;
                for (int i = 0; i < Integer.parseInt(args[4]); i++) {
                    pong.put(ping.take());
                }
            }
            case "pipe-echo" -> {
                Connection c = (Connection) a;
                for (int i = 0; i < Integer.parseInt(args[4]); i++) {
                    c.send(c.recv());
                }
            }
            case "pipe-send" -> {
                Connection c = (Connection) a;
                byte[] message = new byte[1 << 20];
                for (int i = 0; i < Integer.parseInt(args[4]); i++) {
                    c.sendBytes(message, 0, message.length);
                }
            }
            default -> throw new IllegalArgumentException(mode);
        }
    }

    /**
     * A peer is a {@link ChildProcess}, as a user would start one (Python's harness uses {@code Process}
     * likewise): it runs with the library's child-JVM options, whose small young generation matters for a
     * consumer that allocates a message per take. Started cold, without the warm spare: taking a spare would
     * launch the next one while the figure is measured, a JVM start-up competing for the two cores (pipe
     * ping-pong runs in one sitting: 0.7, 3.2 and 4.3 µs).
     */
    private static ChildProcess start(String mode, String a, String b, String... rest) {
        List<String> args = new ArrayList<>(List.of("peer", mode, a, b));
        args.addAll(List.of(rest));
        String[] peerArgs = args.toArray(String[]::new);
        return ChildProcess.builder(() -> {
            try {
                peer(peerArgs);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).name(mode).daemon(true).warmSpare(false).start();
    }

    private static String handle(Object handle) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(handle);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    private static Object attach(String handle) throws Exception {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(handle)))) {
            return in.readObject();
        }
    }
}
