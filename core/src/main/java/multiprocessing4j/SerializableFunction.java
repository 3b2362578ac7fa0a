package multiprocessing4j;

import java.io.Serializable;
import java.util.function.Function;

/**
 * A {@link Function} that is also {@link Serializable}: what {@code map}, {@code imap} and
 * {@code apply} run in a worker JVM, one input at a time. Python's {@code starmap} is {@code map}
 * over records.
 *
 * <pre>{@code
 * List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3));
 * }</pre>
 *
 * @param <T> the input type (serializable)
 * @param <R> the result type (serializable)
 */
@FunctionalInterface
public interface SerializableFunction<T, R> extends Function<T, R>, Serializable {
}
