package multiprocessing4j.manager;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * A reentrant lock together with one condition, held by a manager: Python's {@code Condition}. It is
 * both the {@link Lock} to hold and the {@link Condition} to wait on.
 *
 * <pre>{@code
 * ManagedCondition changed = manager.condition();
 * changed.lock();
 * try {
 *     while (!ready.get()) changed.await();
 * } finally {
 *     changed.unlock();
 * }
 * }</pre>
 *
 * <p>Ownership is per thread, in whatever process: the thread that locks it must unlock it. A lock
 * held by a thread whose process dies (or whose connection to the manager closes) is released.
 * {@code await} releases the lock while waiting and holds it again when it returns, as
 * {@link Condition} specifies; it may also return spuriously, so wait in a loop on the predicate.
 * {@link #newCondition()} gives further conditions of the same lock.
 */
public interface ManagedCondition extends Lock, Condition {
}
