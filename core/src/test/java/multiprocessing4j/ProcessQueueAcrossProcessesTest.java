package multiprocessing4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ProcessQueueAcrossProcessesTest {
    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(120);

    @Test
    void fourProducersAndFourConsumersDeliverAMillionMessagesExactlyOnceInFifoOrderPerProducer() throws Exception {
        int producers = 4;
        int consumers = 4;
        long perProducer = 250_000;
        List<Peers.Peer> peers = new ArrayList<>();
        try (ProcessQueue<Long> q = ProcessQueue.create(1024)) {
            for (int c = 0; c < consumers; c++) {
                peers.add(Peers.start(q, "consume"));
            }
            for (int p = 0; p < producers; p++) {
                // The last producer also puts one sentinel per consumer, after its own messages;
                // consumers stop at the first sentinel they meet, so sentinels go last of all.
                peers.add(Peers.start(q, "produce", Integer.toString(p + 1), Long.toString(perProducer), "0"));
            }
            for (int p = 0; p < producers; p++) {
                peers.get(consumers + p).linesUntilDone(PEER_TIMEOUT);
            }
            for (int c = 0; c < consumers; c++) {
                q.put(-1L);
            }

            Map<Long, long[]> totals = new HashMap<>();
            for (int c = 0; c < consumers; c++) {
                for (String line : peers.get(c).linesUntilDone(PEER_TIMEOUT)) {
                    if (line.startsWith("FIFO-VIOLATION")) {
                        fail(line);
                    }
                    if (line.startsWith("RESULT ")) {
                        String[] f = line.split(" ");
                        long[] t = totals.computeIfAbsent(Long.parseLong(f[1]), k -> new long[2]);
                        t[0] += Long.parseLong(f[2]);
                        t[1] += Long.parseLong(f[3]);
                    }
                }
            }

            assertEquals(producers, totals.size());
            for (Map.Entry<Long, long[]> e : totals.entrySet()) {
                assertEquals(perProducer, e.getValue()[0], "messages of producer " + e.getKey());
                assertEquals(perProducer * (perProducer - 1) / 2, e.getValue()[1], "sequence sum of producer " + e.getKey());
            }
            assertEquals(0, q.size());
        } finally {
            Peers.destroy(peers);
        }
    }

    @Test
    void aProducerKilledMidStreamLeavesTheQueueUsableAndItsMessagesAPrefix() throws Exception {
        List<Peers.Peer> peers = new ArrayList<>();
        try (ProcessQueue<Long> q = ProcessQueue.create(64)) {
            Peers.Peer producer = Peers.start(q, "produce-forever", "7");
            peers.add(producer);
            // Given a producer that keeps putting while this process takes
            long expected = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (expected < 20_000 && System.nanoTime() < deadline) {
                Long m = q.poll(Duration.ofSeconds(5));
                assertEquals(7L << 40 | expected, m);
                expected++;
            }
            // When it is killed with SIGKILL in the middle of its stream
            producer.process().destroyForcibly();
            producer.process().waitFor();

            // Then what it put before arrives in order, without gaps, and the queue works for others
            Long m;
            while ((m = q.poll(Duration.ofMillis(400))) != null) {
                assertEquals(7L << 40 | expected, m, "messages of the killed producer stay in order without gaps");
                expected++;
            }
            for (long i = 0; i < 200; i++) {
                assertTrue(q.offer(i, Duration.ofSeconds(5)), "the ring is not stuck on a dead claimer");
                assertEquals(i, q.take());
            }
        } finally {
            Peers.destroy(peers);
        }
    }

    @Test
    void aConsumerKilledMidStreamDoesNotBlockTheQueueForOthers() throws Exception {
        List<Peers.Peer> peers = new ArrayList<>();
        try (ProcessQueue<Long> q = ProcessQueue.create(64)) {
            Peers.Peer consumer = Peers.start(q, "consume-forever");
            peers.add(consumer);
            // Given a consumer that keeps taking while this process puts
            for (long i = 0; i < 20_000; i++) {
                assertTrue(q.offer(i, Duration.ofSeconds(10)));
            }
            // When it is killed with SIGKILL while taking
            consumer.process().destroyForcibly();
            consumer.process().waitFor();
            q.clear();

            // Then every slot can be filled and emptied again, in order
            for (int round = 0; round < 3; round++) {
                for (long i = 0; i < 64; i++) {
                    assertTrue(q.offer(i, Duration.ofSeconds(5)), "slot " + i + " is free again");
                }
                for (long i = 0; i < 64; i++) {
                    assertEquals(i, q.poll(Duration.ofSeconds(5)));
                }
            }
        } finally {
            Peers.destroy(peers);
        }
    }

    @Test
    void largeMessagesFromAnotherProcessArriveWholeAmongSmallOnesAndLeaveNoSideSegment() throws Exception {
        List<Peers.Peer> peers = new ArrayList<>();
        try (ProcessQueue<byte[]> q = ProcessQueue.create(4)) {
            peers.add(Peers.start(q, "produce-mixed", "30"));

            for (int i = 0; i < 30; i++) {
                byte[] m = q.poll(Duration.ofSeconds(30));
                assertEquals(i % 3 == 0 ? 1_000_000 + i : 10 + i, m.length, "message " + i);
                for (byte b : m) {
                    if (b != (byte) i) {
                        fail("message " + i + " is torn");
                    }
                }
            }

            peers.get(0).linesUntilDone(PEER_TIMEOUT);
            assertEquals(0, ProcessQueueTest.sideSegments());
        } finally {
            Peers.destroy(peers);
        }
    }

    @Test
    void messagesOfEveryKindFromAnotherProcessArriveExactlyWithTheirClassesInOrder() throws Exception {
        List<Peers.Peer> peers = new ArrayList<>();
        try (ProcessQueue<Object> q = ProcessQueue.create(4)) {
            // Given a producer in another JVM putting byte arrays, strings, boxed values (written directly),
            // records and collections (through the serializer), small, inline-sized and huge, in one queue
            peers.add(Peers.start(q, "produce-kinds"));

            // Then each arrives as it was sent, with its class, in order
            List<Object> expected = MessageKinds.all();
            for (int i = 0; i < expected.size(); i++) {
                Object m = q.poll(Duration.ofSeconds(30));
                MessageKinds.assertSame(expected.get(i), m, MessageKinds.describe(expected.get(i), i));
            }
            peers.get(0).linesUntilDone(PEER_TIMEOUT);
            assertEquals(0, ProcessQueueTest.sideSegments(), "the huge ones' side segments are gone");
        } finally {
            Peers.destroy(peers);
        }
    }

    @Test
    void aQueueCapturedInAChildProcessLambdaIsTheSameQueue() throws Exception {
        try (JoinableProcessQueue<Integer> jobs = JoinableProcessQueue.create(8);
             ProcessQueue<Integer> results = ProcessQueue.create(8)) {
            for (int i = 1; i <= 5; i++) {
                jobs.put(i);
            }
            try (ChildProcess child = ChildProcess.start(() -> {
                try {
                    for (int i = 0; i < 5; i++) {
                        results.put(jobs.take() * 10);
                        jobs.taskDone();
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            })) {
                assertTrue(jobs.join(Duration.ofSeconds(60)), "the child marked every job done");
                int sum = 0;
                for (int i = 0; i < 5; i++) {
                    sum += results.poll(Duration.ofSeconds(10));
                }
                assertEquals(150, sum);
                assertTrue(child.join(Duration.ofSeconds(30)));
            }
        }
    }
}
