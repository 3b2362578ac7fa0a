package multiprocessing4j.bench;

import java.io.Serializable;

import multiprocessing4j.SerializableCallable;
import multiprocessing4j.internal.codec.Codec;
import multiprocessing4j.internal.codec.Codecs;

/**
 * The cost of the first encode + decode of a serializable lambda in a fresh JVM: what a freshly started
 * child pays on the critical path before it runs its first task. Run it several times, in new JVMs:
 *
 * <pre>
 * for i in 1 2 3 4 5; do java -cp 'bench/target/multiprocessing4j-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*' \
 *     -Dmp4j.codec=fory multiprocessing4j.bench.CodecFirstUse; done
 * </pre>
 * With the argument {@code warm}, {@link Codecs#warmUp()} runs first (what a spare child does before it
 * declares itself ready), and "create" includes it. Prints the codec creation, the first encode, the first decode, and a second round trip of another
 * lambda and a record (classes not seen yet), in microseconds.
 */
public final class CodecFirstUse {

    record Reply(String text, int code) implements Serializable {
    }

    public static void main(String[] args) throws Exception {
        boolean warm = args.length > 0 && args[0].equals("warm");
        long t0 = System.nanoTime();
        Codec codec = Codecs.fromSystemProperty();
        if (warm) {
            Codecs.warmUp();
        }
        long t1 = System.nanoTime();
        String greeting = "hello";
        int count = 3;
        SerializableCallable<String> task = () -> greeting.repeat(count);
        byte[] bytes = codec.encode(task);
        long t2 = System.nanoTime();
        @SuppressWarnings("unchecked")
        SerializableCallable<String> copy = (SerializableCallable<String>) codec.decode(bytes);
        long t3 = System.nanoTime();
        if (!copy.call().equals("hellohellohello")) {
            throw new AssertionError(copy.call());
        }
        SerializableCallable<Reply> second = () -> new Reply(greeting, count);
        Reply reply = ((SerializableCallable<?>) codec.decode(codec.encode(second))).call() instanceof Reply r ? r : null;
        Object result = codec.decode(codec.encode(reply));
        long t4 = System.nanoTime();
        if (!(result instanceof Reply)) {
            throw new AssertionError(result);
        }
        System.out.printf("codec=%s warmUp=%s create=%d us firstEncode=%d us firstDecode=%d us firstTotal=%d us secondLambdaAndRecord=%d us%n",
                System.getProperty(Codecs.PROPERTY, "fory"), warm, (t1 - t0) / 1000, (t2 - t1) / 1000, (t3 - t2) / 1000,
                (t3 - t0) / 1000, (t4 - t3) / 1000);
        System.out.printf("RESULT codec.first.roundtrip %.3f us lower-is-better%n", (t3 - t0) / 1000.0);
    }
}
