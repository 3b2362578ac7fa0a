package multiprocessing4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Messages of every kind the codec treats differently, for queue and pipe tests: the values written
 * directly (byte arrays, strings, boxed primitives) with their edge cases, mixed with values that go
 * through the general serializer, small ones inline and large ones in side segments or fragments.
 */
final class MessageKinds {
    private MessageKinds() {
    }

    record Point(int x, int y) implements Serializable {
    }

    /** The same list in every JVM (the peers build it too). */
    static List<Object> all() {
        byte[] huge = new byte[3_000_000];
        for (int i = 0; i < huge.length; i++) {
            huge[i] = (byte) (i * 7);
        }
        List<Object> values = new ArrayList<>(List.of(
                new byte[0], new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, huge, new Point(1, 2),
                "", "plain", "Latin-1 é", "€ and 😀", "a\uD800b", "x".repeat(100_000),
                0, Integer.MIN_VALUE, Long.MAX_VALUE, -1L, 0.1d, Double.NaN, -0.0d, 2.5f, (short) -3, (byte) 9, 'q', '\uD800',
                true, false, List.of(new byte[] {9}, "in a list", 7), Map.of("k", 1L), new int[] {1, 2},
                new String[] {"arr"}, new Point(3, 4), new byte[1024]));
        return values;
    }

    /** Equal, and of the same class; doubles and floats bit for bit. */
    static void assertSame(Object expected, Object actual, String what) {
        if (expected == null) {
            assertNull(actual, what);
            return;
        }
        assertEquals(expected.getClass(), actual == null ? null : actual.getClass(), what);
        switch (expected) {
            case byte[] b -> assertArrayEquals(b, (byte[]) actual, what);
            case int[] a -> assertArrayEquals(a, (int[]) actual, what);
            case Object[] a -> assertArrayEquals(a, (Object[]) actual, what);
            case Double d -> assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits((Double) actual), what);
            case Float f -> assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits((Float) actual), what);
            case List<?> l -> {
                List<?> a = (List<?>) actual;
                assertEquals(l.size(), a.size(), what);
                for (int i = 0; i < l.size(); i++) {
                    assertSame(l.get(i), a.get(i), what + "[" + i + "]");
                }
            }
            default -> assertEquals(expected, actual, what);
        }
    }

    static String describe(Object value, int index) {
        String text = value instanceof byte[] b ? "byte[" + b.length + "]" : value instanceof String s && s.length() > 20
                ? "String(" + s.length() + ")" : value instanceof int[] a ? Arrays.toString(a) : String.valueOf(value);
        return "message " + index + " (" + text + ")";
    }
}
