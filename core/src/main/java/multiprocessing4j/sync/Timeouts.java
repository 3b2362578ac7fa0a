package multiprocessing4j.sync;

import java.time.Duration;

/** Converts the {@link Duration} timeouts of the public API to nanoseconds, saturating. */
final class Timeouts {
    private Timeouts() {
    }

    /**
     * The timeout in nanoseconds, 0 for a negative one, {@link Long#MAX_VALUE} for one too long to count.
     *
     * @throws NullPointerException if {@code timeout} is null, naming the parameter
     */
    static long nanos(Duration timeout) {
        if (timeout == null) {
            throw new NullPointerException("timeout must not be null: use the variant without a timeout to wait without limit");
        }
        if (timeout.isNegative()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
