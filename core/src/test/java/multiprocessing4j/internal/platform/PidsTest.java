package multiprocessing4j.internal.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class PidsTest {
    @Test
    void thisJvmIsAliveWithItsStartTime() {
        long start = Pids.selfStartTime();

        assertTrue(start > 0);
        assertTrue(Pids.isAlive(ProcessTree.selfPid(), start));
        assertEquals(start, Pids.startTime(ProcessTree.selfPid()));
    }

    @Test
    void aPidWithAnotherStartTimeIsNotTheSameProcess() {
        long start = Pids.selfStartTime();

        assertFalse(Pids.isAlive(ProcessTree.selfPid(), start + 1), "a reused pid must not pass for the old process");
    }

    @Test
    void anExitedProcessIsDead() throws Exception {
        Process p = new ProcessBuilder("sleep", "30").start();
        try {
            long start = Pids.startTime(p.pid());
            assertTrue(Pids.isAlive(p.pid(), start));

            p.destroyForcibly();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));

            assertFalse(Pids.isAlive(p.pid(), start));
            assertEquals(Pids.NO_PROCESS, Pids.startTime(p.pid()));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void nonsensePidsAreDead() {
        assertEquals(Pids.NO_PROCESS, Pids.startTime(0));
        assertEquals(Pids.NO_PROCESS, Pids.startTime(-5));
        assertFalse(Pids.isAlive(Integer.MAX_VALUE, 1));
        assertFalse(Pids.isAlive(ProcessTree.selfPid(), Pids.NO_PROCESS));
    }
}
