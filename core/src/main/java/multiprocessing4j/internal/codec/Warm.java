package multiprocessing4j.internal.codec;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import multiprocessing4j.SerializableCallable;

/** The sample values {@link Codecs#warmUp()} round-trips: one of each kind a task and its result use. */
final class Warm {
    private Warm() {
    }

    record Sample(String text, long number) implements Serializable {
    }

    static final class Plain implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        final String text = "warm";
        final List<Object> items = new ArrayList<>(List.of(1, 2L, 3.0));
        final Map<String, Object> map = new HashMap<>(Map.of("k", "v"));
    }

    /** A serializable lambda there and back through {@code jdk}: what a pool's first task needs of it. */
    static void jdkRoundTrip(JdkCodec jdk) {
        String text = "warm";
        SerializableCallable<String> task = () -> text;
        byte[] bytes = jdk.encode(task);
        if (jdk.decodeStream(bytes, 1, bytes.length - 1) == null) {
            throw new IllegalStateException("codec warm-up lost a lambda");
        }
    }

    static void roundTrip(Codec codec) {
        String text = "warm";
        long number = 1;
        SerializableCallable<Sample> task = () -> new Sample(text, number);
        Object[] values = {task, new Sample(text, number), new Plain(), List.of(text), new int[] {1},
            RemoteFailure.capture(new IllegalStateException(text), codec)};
        EncodeBuffer buffer = new EncodeBuffer();
        for (Object value : values) {
            Object copy = codec.decode(codec.encode(value));
            if (copy == null) {
                throw new IllegalStateException("codec warm-up lost a " + value.getClass().getName());
            }
            int length = codec.encode(value, buffer.clear());
            codec.decode(buffer.array(), 0, length);
        }
    }
}
