package multiprocessing4j;

import multiprocessing4j.internal.runtime.Spares;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * After a test class: ends the warm spares, then checks that no process started by this JVM is left
 * (every descendant, grandchildren included, by pid).
 */
public final class NoLeftoverProcesses implements AfterAllCallback {
    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        Spares.clear();
        Await.condition(Duration.ofSeconds(10), () -> descendants().isEmpty());
        assertEquals(List.of(), descendants(), "processes of ours still running after " + context.getDisplayName());
    }

    static List<Long> descendants() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
    }
}
