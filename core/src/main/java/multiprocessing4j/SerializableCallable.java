package multiprocessing4j;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A {@link Callable} that is also {@link Serializable}: a task that returns a value computed in another JVM.
 *
 * <pre>{@code
 * Future<Long> f = executor.submit(() -> LongStream.range(0, 1_000_000).sum());
 * }</pre>
 *
 * @param <V> the result type, which must be serializable as well
 */
@FunctionalInterface
public interface SerializableCallable<V> extends Callable<V>, Serializable {
}
