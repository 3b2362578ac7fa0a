package multiprocessing4j.internal.runtime;

import multiprocessing4j.internal.codec.Codec;
import multiprocessing4j.internal.codec.Codecs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runtime's internal API as pools and managers use it: one long-lived child JVM running a worker loop
 * that exchanges many messages with its parent over the link.
 */
@Timeout(60)
class ChildJvmTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Codec CODEC = Codecs.fromSystemProperty();

    @AfterAll
    static void noChildLeft() throws InterruptedException {
        Spares.clear();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (ProcessHandle.current().descendants().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count());
    }

    /** Upper-cases every message until it receives "stop", then returns (the child exits with 0). */
    private static final ChildEntry UPPER_CASE_WORKER = parent -> {
        while (true) {
            String m = new String(parent.receive(), StandardCharsets.UTF_8);
            if (m.equals("stop")) {
                return;
            }
            parent.send(m.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
        }
    };

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aLongLivedWorkerAnswersManyMessagesInOrderAndExitsWithZeroWhenItsLoopReturns() throws Exception {
        try (ChildJvm worker = ChildJvm.obtain(JvmSpec.DEFAULT, false)) {
            worker.handOver("worker-1", CODEC.encode(UPPER_CASE_WORKER), true, Output.INHERIT, Output.INHERIT);
            assertTrue(worker.awaitReady(WAIT));
            for (int i = 0; i < 200; i++) {
                worker.link().send(utf8("task " + i));
            }
            for (int i = 0; i < 200; i++) {
                assertArrayEquals(utf8("TASK " + i), worker.link().receive(WAIT));
            }
            worker.link().send(utf8("stop"));
            assertEquals(0, worker.exit().get().intValue());
            assertThrows(LinkClosedException.class, () -> worker.link().receive(WAIT));
        }
    }

    /** Sends its constructor's argument back, then returns. */
    static final class EchoArgument implements ChildEntry {
        private final byte[] argument;

        private EchoArgument(byte[] argument) {
            this.argument = argument;
        }

        @Override
        public void run(Link parent) throws LinkClosedException {
            parent.send(argument);
        }
    }

    @Test
    void anEntryHandedOverByClassIsConstructedInTheChildFromItsArgument() throws Exception {
        try (ChildJvm worker = ChildJvm.obtain(JvmSpec.DEFAULT, false)) {
            worker.handOver("by-class", EchoArgument.class, utf8("argument"), true, Output.INHERIT, Output.INHERIT);
            assertTrue(worker.awaitReady(WAIT));
            assertArrayEquals(utf8("argument"), worker.link().receive(WAIT));
            assertEquals(0, worker.exit().get().intValue());
        }
    }

    @Test
    void largeMessagesArriveWhole() throws Exception {
        try (ChildJvm worker = ChildJvm.obtain(JvmSpec.DEFAULT, false)) {
            worker.handOver("worker-2", CODEC.encode(UPPER_CASE_WORKER), true, Output.INHERIT, Output.INHERIT);
            byte[] big = new byte[8 * 1024 * 1024];
            Arrays.fill(big, (byte) 'a');
            assertTrue(worker.awaitReady(WAIT));
            worker.link().send(big);
            byte[] back = worker.link().receive(WAIT);
            assertEquals(big.length, back.length);
            assertEquals('A', back[back.length - 1]);
        }
    }

    @Test
    void closingTheLinkEndsTheWorkerAsIfItsParentHadDied() throws Exception {
        ChildJvm worker = ChildJvm.obtain(JvmSpec.DEFAULT, false);
        worker.handOver("worker-3", CODEC.encode(UPPER_CASE_WORKER), true, Output.INHERIT, Output.INHERIT);
        assertTrue(worker.awaitReady(WAIT));
        worker.link().close();
        assertEquals(ChildMain.ORPHAN_STATUS, worker.exit().get().intValue());
        worker.close();
    }

    @Test
    void aWorkerThatDiesIsSeenAsEndOfLinkAndASignalExitCode() throws Exception {
        try (ChildJvm worker = ChildJvm.obtain(JvmSpec.DEFAULT, false)) {
            worker.handOver("worker-4", CODEC.encode(UPPER_CASE_WORKER), true, Output.INHERIT, Output.INHERIT);
            assertTrue(worker.awaitReady(WAIT));
            worker.kill();
            assertThrows(LinkClosedException.class, () -> worker.link().receive(WAIT));
            assertEquals(-9, worker.exit().get().intValue());
        }
    }
}
