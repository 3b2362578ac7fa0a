package multiprocessing4j.internal.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;

/** {@link Spin}: the rings' busy-wait before blocking, and how its budget adapts. */
class SpinTest {

    @Test
    void aWordThatAlreadyChangedEndsTheSpinAtOnce() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(ValueLayout.JAVA_INT);
            word.set(ValueLayout.JAVA_INT, 0, 7);
            boolean multiCpu = Runtime.getRuntime().availableProcessors() > 1;
            assertEquals(multiCpu, new Spin().untilChanged(word, 0, 6, Long.MAX_VALUE));
        }
    }

    @Test
    void anUnchangedWordEndsTheSpinWithinItsBudget() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(ValueLayout.JAVA_INT);
            assertFalse(new Spin().untilChanged(word, 0, 0, Long.MAX_VALUE));
            assertFalse(new Spin().untilChanged(word, 0, 0, 0), "no time left: no spin");
        }
    }

    @Test
    void blockReturnsOnceAnotherThreadChangesTheWordAndWakesIt() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment cell = arena.allocate(8, 8); // word at 0, waiter count at 4
            Thread signaller = new Thread(() -> {
                // given the waiter counted itself in (bounded: 10 s), change the word and wake it
                long giveUp = System.nanoTime() + 10_000_000_000L;
                while (cell.get(ValueLayout.JAVA_INT, 4) == 0 && System.nanoTime() < giveUp) {
                    Thread.onSpinWait();
                }
                multiprocessing4j.internal.platform.Futex.INT.setRelease(cell, 0L, 1);
                multiprocessing4j.internal.platform.Futex.wakeIfWaiting(cell, 0, 4, 1);
            });
            signaller.start();
            assertTrue(Spin.block(cell, 0, 0, 4, 10_000_000_000L), "woken by the change");
            signaller.join();
            assertEquals(0, cell.get(ValueLayout.JAVA_INT, 4), "the waiter count is back to zero");
        }
    }

    @Test
    void blockGivesUpWhenTheTimeRunsOutAndHonoursInterruption() {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment cell = arena.allocate(8, 8);
            try {
                assertFalse(Spin.block(cell, 0, 0, 4, 1_000_000));
                Thread.currentThread().interrupt();
                org.junit.jupiter.api.Assertions.assertThrows(InterruptedException.class, () -> Spin.block(cell, 0, 0, 4, 1_000_000_000L));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            } finally {
                Thread.interrupted();
            }
            assertEquals(0, cell.get(ValueLayout.JAVA_INT, 4));
        }
    }

    @Test
    void theBudgetGrowsToCoverShortBlockedWaitsAndShrinksAfterLongOnes() {
        Spin spin = new Spin();
        long initial = spin.budgetNanos();
        // a wait that blocked but ended soon (a peer's wake-up): a longer spin would have caught it
        spin.blocked(30_000);
        assertTrue(spin.budgetNanos() >= 30_000, "covers the wait: " + spin.budgetNanos());
        assertTrue(spin.budgetNanos() <= Spin.MAX_NANOS);
        for (int i = 0; i < 10; i++) {
            spin.blocked(Spin.MAX_NANOS * 1_000); // an idle peer
        }
        assertEquals(Spin.MIN_NANOS, spin.budgetNanos(), "idle peers cost little spinning");
        assertTrue(initial >= Spin.MIN_NANOS && initial <= Spin.MAX_NANOS);
    }
}
