package multiprocessing4j.bench;

import java.io.Serializable;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

import multiprocessing4j.SerializableCallable;
import multiprocessing4j.internal.codec.Codec;
import multiprocessing4j.internal.codec.Codecs;
import multiprocessing4j.internal.codec.EncodeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Round trips through the codecs: a small record, a serializable lambda with two captures, and the
 * hot path of a shared-memory queue (encode into a reused buffer, copy into a native segment, decode
 * from the slice). Counterpart: {@code bench/python/codec_bench.py} (pickle).
 *
 * <pre>
 * java -jar bench/target/multiprocessing4j-bench-0.1.0-SNAPSHOT.jar CodecBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {

    /** A typical small message. */
    public record Order(long id, String customer, double amount, int quantity) implements Serializable {
    }

    @Param({"fory", "jdk"})
    public String codecName;

    private Codec codec;
    private Order order;
    private SerializableCallable<String> task;
    private EncodeBuffer buffer;
    private Arena arena;
    private MemorySegment ring;

    @Setup
    public void setUp() {
        codec = codecName.equals("jdk") ? Codecs.jdkCodec() : Codecs.defaultCodec();
        order = new Order(42L, "acme", 99.5, 3);
        String prefix = "result-";
        int n = 7;
        task = () -> prefix + n;
        buffer = new EncodeBuffer();
        arena = Arena.ofConfined();
        ring = arena.allocate(64 * 1024);
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public Object smallObjectRoundTrip() {
        return codec.decode(codec.encode(order));
    }

    @Benchmark
    public Object lambdaRoundTrip() {
        return codec.decode(codec.encode(task));
    }

    @Benchmark
    public Object smallObjectThroughSharedMemorySlot() {
        int n = codec.encode(order, buffer.clear());
        MemorySegment.copy(buffer.array(), 0, ring, ValueLayout.JAVA_BYTE, 128, n);
        return codec.decode(ring.asSlice(128, n));
    }
}
