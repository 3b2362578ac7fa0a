package multiprocessing4j;

import java.io.ByteArrayInputStream;
import java.io.ObjectInputStream;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Test peer in another JVM. {@code args[0]} is a Base64 JDK-serialized handle (a queue or a
 * connection), which attaches here; {@code args[1]} says what to do:
 * <ul>
 *   <li>{@code produce <id> <count> <sentinels>}: put {@code id << 40 | seq} for seq in [0, count), then {@code sentinels} times -1;</li>
 *   <li>{@code produce-mixed <count>}: put byte arrays, every third of about 1 MB, the others small, filled with their index;</li>
 *   <li>{@code produce-kinds}: put {@link MessageKinds#all()} in order;</li>
 *   <li>{@code produce-forever <id>}: put {@code id << 40 | seq} until killed;</li>
 *   <li>{@code consume}: take until -1, checking FIFO per producer; print {@code RESULT id count sum} lines and {@code DONE};</li>
 *   <li>{@code consume-forever}: take until killed;</li>
 *   <li>{@code echo}: receive objects on a connection and send them back until EOF;</li>
 *   <li>{@code send-then-hang <n>}: send n objects on a connection, then sleep until killed;</li>
 *   <li>{@code hold}: attach, then sleep until killed.</li>
 * </ul>
 * Prints {@code READY} once attached.
 */
public final class QueuePeer {
    public static void main(String[] args) throws Exception {
        Object handle;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(args[0])))) {
            handle = in.readObject();
        }
        System.out.println("READY");
        System.out.flush();
        switch (args[1]) {
            case "produce" -> {
                @SuppressWarnings("unchecked") ProcessQueue<Long> q = (ProcessQueue<Long>) handle;
                long id = Long.parseLong(args[2]);
                long count = Long.parseLong(args[3]);
                for (long seq = 0; seq < count; seq++) {
                    q.put(id << 40 | seq);
                }
                for (int i = 0; i < Integer.parseInt(args[4]); i++) {
                    q.put(-1L);
                }
                System.out.println("DONE");
            }
            case "produce-mixed" -> {
                @SuppressWarnings("unchecked") ProcessQueue<byte[]> q = (ProcessQueue<byte[]>) handle;
                for (int i = 0; i < Integer.parseInt(args[2]); i++) {
                    byte[] m = new byte[i % 3 == 0 ? 1_000_000 + i : 10 + i];
                    java.util.Arrays.fill(m, (byte) i);
                    q.put(m);
                }
                System.out.println("DONE");
            }
            case "produce-kinds" -> {
                @SuppressWarnings("unchecked") ProcessQueue<Object> q = (ProcessQueue<Object>) handle;
                for (Object m : MessageKinds.all()) {
                    q.put(m);
                }
                System.out.println("DONE");
            }
            case "produce-forever" -> {
                @SuppressWarnings("unchecked") ProcessQueue<Long> q = (ProcessQueue<Long>) handle;
                long id = Long.parseLong(args[2]);
                for (long seq = 0; ; seq++) {
                    q.put(id << 40 | seq);
                }
            }
            case "consume" -> {
                @SuppressWarnings("unchecked") ProcessQueue<Long> q = (ProcessQueue<Long>) handle;
                Map<Long, long[]> seen = new HashMap<>();
                while (true) {
                    long m = q.take();
                    if (m == -1L) {
                        break;
                    }
                    long id = m >>> 40;
                    long seq = m & ((1L << 40) - 1);
                    long[] s = seen.computeIfAbsent(id, k -> new long[] {0, 0, -1});
                    if (seq <= s[2]) {
                        System.out.println("FIFO-VIOLATION producer " + id + " seq " + seq + " after " + s[2]);
                    }
                    s[0]++;
                    s[1] += seq;
                    s[2] = seq;
                }
                for (Map.Entry<Long, long[]> e : seen.entrySet()) {
                    System.out.println("RESULT " + e.getKey() + " " + e.getValue()[0] + " " + e.getValue()[1]);
                }
                System.out.println("DONE");
            }
            case "consume-forever" -> {
                ProcessQueue<?> q = (ProcessQueue<?>) handle;
                while (true) {
                    q.take();
                }
            }
            case "echo" -> {
                Connection c = (Connection) handle;
                try {
                    while (true) {
                        c.send(c.recv());
                    }
                } catch (java.io.EOFException e) {
                    c.close();
                }
            }
            case "send-then-hang" -> {
                Connection c = (Connection) handle;
                for (int i = 0; i < Integer.parseInt(args[2]); i++) {
                    c.send("message " + i);
                }
                System.out.println("SENT");
                System.out.flush();
                Thread.sleep(600_000);
            }
            case "hold" -> Thread.sleep(600_000);
            default -> throw new IllegalArgumentException(args[1]);
        }
    }
}
