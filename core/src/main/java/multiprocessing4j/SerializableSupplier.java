package multiprocessing4j;

import java.io.Serializable;
import java.util.function.Supplier;

/**
 * A {@link Supplier} that is also {@link Serializable}: a factory run in another JVM, for example
 * the one a manager uses to create a registered custom object.
 *
 * <pre>{@code
 * manager.register("counter", Counter.class, () -> new AtomicCounter());  // runs in the manager's JVM
 * }</pre>
 *
 * @param <T> the type supplied
 */
@FunctionalInterface
public interface SerializableSupplier<T> extends Supplier<T>, Serializable {
}
