package multiprocessing4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.Base64;

/**
 * Test peer for {@link LiveValueTest}: receives a {@link LiveValue} handle (base64 of JDK
 * serialization) and publishes or reads through it.
 * <ul>
 *   <li>{@code stress HANDLE MILLIS}: publishes int arrays whose elements all equal the version and whose
 *       length is {@link #stressLength(long)}, as fast as it can, then prints {@code PUBLISHED n}.</li>
 *   <li>{@code publish-and-wait HANDLE TEXT}: publishes TEXT, prints {@code PUBLISHED}, then waits to be killed.</li>
 *   <li>{@code read HANDLE}: awaits the first value and prints {@code VALUE text}.</li>
 * </ul>
 */
public final class LivePeer {
    private LivePeer() {
    }

    /** Length of the array published as {@code version} in stress mode: varies, and grows past the default room. */
    static int stressLength(long version) {
        return 1 + (int) (version * 7919 % 6000);
    }

    static String encode(LiveValue<?> value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    @SuppressWarnings("unchecked")
    static <T> LiveValue<T> decode(String handle) throws Exception {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(handle)))) {
            return (LiveValue<T>) in.readObject();
        }
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "stress" -> {
                try (LiveValue<int[]> value = decode(args[1])) {
                    long end = System.nanoTime() + Long.parseLong(args[2]) * 1_000_000L;
                    long n = 0;
                    while (System.nanoTime() < end) {
                        long version = value.version() + 1;
                        int[] a = new int[stressLength(version)];
                        Arrays.fill(a, (int) version);
                        value.publish(a);
                        n++;
                    }
                    System.out.println("PUBLISHED " + n);
                }
            }
            case "publish-and-wait" -> {
                LiveValue<String> value = decode(args[1]);
                value.publish(args[2]);
                System.out.println("PUBLISHED");
                System.out.flush();
                Thread.sleep(Long.MAX_VALUE);
            }
            case "read" -> {
                try (LiveValue<String> value = decode(args[1])) {
                    System.out.println("VALUE " + value.awaitFirst(java.time.Duration.ofSeconds(20)));
                }
            }
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }
}
