package multiprocessing4j;

import java.io.Serializable;

/**
 * A {@link Runnable} that is also {@link Serializable}, so that a lambda written where one is expected
 * can be sent to another JVM. Everything it captures must be serializable too (or be one of this
 * library's handles, which attach to the same shared object on the other side).
 *
 * <pre>{@code
 * ChildProcess child = ChildProcess.start(() -> System.out.println("hello from a child JVM"));
 * }</pre>
 */
@FunctionalInterface
public interface SerializableRunnable extends Runnable, Serializable {
}
