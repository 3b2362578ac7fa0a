package multiprocessing4j.internal.pool;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** How a task's failure reaches a caller that does not expect checked exceptions. */
public final class Failures {
    private Failures() {
    }

    /**
     * Throws {@code failure} as it is when it is unchecked, else wrapped in a {@link CompletionException}.
     * A {@link java.util.concurrent.TimeoutException} of a task killed for running too long is wrapped too.
     */
    public static RuntimeException rethrow(Throwable failure) {
        if (failure instanceof ExecutionException || failure instanceof CompletionException) {
            if (failure.getCause() != null) {
                failure = failure.getCause();
            }
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        throw new CompletionException(failure.getMessage(), failure);
    }
}
