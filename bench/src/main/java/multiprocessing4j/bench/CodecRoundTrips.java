package multiprocessing4j.bench;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@link CodecBenchmark}'s round trips with the default codec, short JMH settings, as
 * {@code RESULT} lines for {@code mp4j bench}: {@code codec.small.roundtrip} (a small record) and
 * {@code codec.task.roundtrip} (a lambda with two captures). Run: {@code java -cp <bench jar>:<lib/*>
 * multiprocessing4j.bench.CodecRoundTrips [--quick]}. Counterpart: {@code bench/python/codec_bench.py}.
 */
public final class CodecRoundTrips {
    private CodecRoundTrips() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--quick");
        Options options = new OptionsBuilder()
                .include(CodecBenchmark.class.getName() + "\\.(smallObjectRoundTrip|lambdaRoundTrip)$")
                .param("codecName", "fory")
                .forks(1)
                .jvmArgsAppend("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow")
                .warmupIterations(quick ? 1 : 2)
                .warmupTime(TimeValue.milliseconds(quick ? 500 : 1000))
                .measurementIterations(quick ? 2 : 3)
                .measurementTime(TimeValue.milliseconds(quick ? 500 : 1000))
                .timeUnit(TimeUnit.NANOSECONDS)
                .build();
        for (RunResult r : new Runner(options).run()) {
            String method = r.getParams().getBenchmark().substring(r.getParams().getBenchmark().lastIndexOf('.') + 1);
            String figure = method.equals("smallObjectRoundTrip") ? "codec.small.roundtrip" : "codec.task.roundtrip";
            System.out.printf("RESULT %s %.3f ns lower-is-better%n", figure, r.getPrimaryResult().getScore());
        }
    }
}
