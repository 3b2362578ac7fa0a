package multiprocessing4j.internal.runtime;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parent's socket exists only while a launch is pending, so that a parent killed with SIGKILL
 * between launches leaves nothing in the temporary directory.
 */
@Timeout(60)
class ListenerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long FIRST_ID = Long.MAX_VALUE - 10; // never a real launch's id

    @BeforeAll
    @AfterAll
    static void noSpares() {
        Spares.clear(); // a spare being launched would hold the socket open
    }

    @Test
    void theSocketIsBoundForAPendingLaunchAndRemovedWithItsDirectoryWhenNoneIsLeft() throws Exception {
        Listener listener = Listener.get();
        Path first = listener.expect(FIRST_ID, new byte[Wire.SECRET_LENGTH], null);
        Path second = listener.expect(FIRST_ID + 1, new byte[Wire.SECRET_LENGTH], null);
        assertEquals(first, second, "one socket serves every pending launch");
        assertTrue(Files.exists(first));

        listener.forget(FIRST_ID);
        assertTrue(Files.exists(first), "a launch is still pending");
        listener.forget(FIRST_ID + 1);
        assertFalse(Files.exists(first.getParent()), "no launch pending: no socket, no directory");
    }

    @Test
    void aNewLaunchAfterTheSocketWasRemovedBindsAFreshOne() throws Exception {
        Listener listener = Listener.get();
        Path before = listener.expect(FIRST_ID + 2, new byte[Wire.SECRET_LENGTH], null);
        listener.forget(FIRST_ID + 2);
        Path after = listener.expect(FIRST_ID + 3, new byte[Wire.SECRET_LENGTH], null);
        try {
            assertNotEquals(before.getParent(), after.getParent());
            assertTrue(Files.exists(after));
        } finally {
            listener.forget(FIRST_ID + 3);
        }
    }

    @Test
    void aChildThatHasConnectedLeavesNoSocketBehind() throws Exception {
        try (ChildJvm child = ChildJvm.obtain(JvmSpec.DEFAULT, false)) {
            assertTrue(child.awaitReady(WAIT));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (ourSocketDirectoryExists() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertFalse(ourSocketDirectoryExists());
            assertTrue(child.isAlive(), "the connection outlives the socket it was accepted on");
        }
    }

    private static boolean ourSocketDirectoryExists() throws Exception {
        String prefix = Listener.DIR_PREFIX + ProcessHandle.current().pid() + "-";
        for (Path base : new Path[]{Path.of(System.getProperty("java.io.tmpdir")), Path.of("/tmp")}) {
            try (var dirs = Files.newDirectoryStream(base, prefix + "*")) {
                if (dirs.iterator().hasNext()) {
                    return true;
                }
            }
        }
        return false;
    }
}
