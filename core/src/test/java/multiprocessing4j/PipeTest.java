package multiprocessing4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import multiprocessing4j.internal.codec.NotSerializableValueException;
import org.junit.jupiter.api.Test;

class PipeTest {

    @Test
    void aDuplexPipeCarriesObjectsBothWays() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            pipe.left().send("to the right");
            pipe.right().send(List.of(1, 2, 3));

            assertEquals("to the right", pipe.right().recv());
            assertEquals(List.of(1, 2, 3), pipe.left().recv());
        }
    }

    @Test
    void aOneWayPipeSendsFromTheRightToTheLeftOnly() throws Exception {
        try (Pipe pipe = Pipe.open(false)) {
            pipe.right().send(42);

            assertEquals(42, pipe.left().recv());
            assertThrows(IllegalStateException.class, () -> pipe.left().send(1));
            assertThrows(IllegalStateException.class, () -> pipe.right().recv());
            assertTrue(pipe.left().readable());
            assertFalse(pipe.left().writable());
        }
    }

    @Test
    void bytesOfAnySizeArriveWholeAndInOrder() throws Exception {
        try (Pipe pipe = Pipe.open(true, 1 << 16)) {
            Random random = new Random(1);
            List<byte[]> sent = new ArrayList<>();
            for (int size : new int[] {0, 1, 100, 16_000, 70_000, 1 << 20, 5, 3_000_001}) {
                byte[] b = new byte[size];
                random.nextBytes(b);
                sent.add(b);
            }
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                try {
                    for (byte[] b : sent) {
                        pipe.right().sendBytes(b, 0, b.length);
                    }
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });

            for (byte[] expected : sent) {
                assertArrayEquals(expected, pipe.left().recvBytes());
            }
            sender.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void sendBytesSendsTheGivenRangeOnly() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            pipe.left().sendBytes(new byte[] {1, 2, 3, 4, 5}, 1, 3);

            assertArrayEquals(new byte[] {2, 3, 4}, pipe.right().recvBytes());
            assertThrows(IndexOutOfBoundsException.class, () -> pipe.left().sendBytes(new byte[4], 2, 3));
        }
    }

    @Test
    void recvBytesIntoFillsTheBufferAndKeepsAMessageThatDoesNotFit() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            pipe.right().sendBytes(new byte[] {7, 8, 9});
            byte[] small = new byte[4];

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pipe.left().recvBytesInto(small, 2));
            assertTrue(e.getMessage().contains("3 bytes"), e.getMessage());
            assertEquals(3, pipe.left().recvBytesInto(small, 1));

            assertArrayEquals(new byte[] {0, 7, 8, 9}, small);
        }
    }

    @Test
    void pollSaysWhetherAMessageIsWaiting() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            assertFalse(pipe.left().poll());
            long start = System.nanoTime();
            assertFalse(pipe.left().poll(Duration.ofMillis(150)));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(150));

            pipe.right().send("x");

            assertTrue(pipe.left().poll(Duration.ofSeconds(5)));
            assertEquals("x", pipe.left().recv());
        }
    }

    @Test
    void timedRecvThrowsTimeoutExceptionWhenNothingArrives() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            assertThrows(TimeoutException.class, () -> pipe.left().recv(Duration.ofMillis(100)));
            assertThrows(TimeoutException.class, () -> pipe.left().recvBytes(Duration.ofMillis(10)));
        }
    }

    @Test
    void timedSendThrowsTimeoutExceptionWhileThePipeIsFull() throws Exception {
        try (Pipe pipe = Pipe.open(true, 4096)) {
            byte[] chunk = new byte[900];
            int sent = 0;
            try {
                while (true) {
                    pipe.right().sendBytes(chunk, 0, chunk.length, Duration.ofMillis(50));
                    sent++;
                }
            } catch (TimeoutException expected) {
                // full
            }
            assertTrue(sent > 0);
            for (int i = 0; i < sent; i++) {
                assertEquals(900, pipe.left().recvBytes().length);
            }
            assertFalse(pipe.left().poll());
        }
    }

    @Test
    void aFragmentedSendThatTimesOutIsDroppedWholeByTheReceiver() throws Exception {
        try (Pipe pipe = Pipe.open(true, 4096)) {
            assertThrows(TimeoutException.class, () -> pipe.right().sendBytes(new byte[50_000], 0, 50_000, Duration.ofMillis(100)));
            CompletableFuture<byte[]> next = CompletableFuture.supplyAsync(() -> {
                try {
                    return pipe.left().recvBytes();
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });

            pipe.right().sendBytes(new byte[] {1});

            assertArrayEquals(new byte[] {1}, next.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void interruptingABlockedRecvThrowsInterruptedException() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread receiver = Thread.ofPlatform().start(() -> {
                try {
                    pipe.left().recv();
                    outcome.complete(null);
                } catch (Throwable t) {
                    outcome.complete(t);
                }
            });
            ProcessQueueTest.awaitState(receiver);

            receiver.interrupt();

            assertTrue(outcome.get(10, TimeUnit.SECONDS) instanceof InterruptedException);
        }
    }

    @Test
    void closingAnEndWhileAnotherThreadIsBlockedInRecvDoesNotHang() throws Exception {
        Pipe pipe = Pipe.open();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread receiver = Thread.ofPlatform().start(() -> {
            try {
                pipe.left().recv();
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        ProcessQueueTest.awaitState(receiver);

        pipe.close();

        // EOF or "closed" if the close came first, IllegalStateException if it came during the wait; never a hang.
        Throwable t = outcome.get(10, TimeUnit.SECONDS);
        assertTrue(t instanceof IOException || t instanceof IllegalStateException, String.valueOf(t));
    }

    @Test
    void recvGetsWhatWasSentThenEofOnceTheOtherEndIsClosed() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            pipe.right().send("one");
            pipe.right().send("two");
            pipe.right().close();

            assertEquals("one", pipe.left().recv());
            assertEquals("two", pipe.left().recv());
            assertThrows(EOFException.class, () -> pipe.left().recv());
            assertThrows(EOFException.class, () -> pipe.left().recv());
            assertTrue(pipe.left().poll(), "EOF counts as readable, as in Python");
        }
    }

    @Test
    void sendThrowsIOExceptionOnceTheOtherEndIsClosed() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            pipe.left().close();

            assertThrows(IOException.class, () -> pipe.right().send("anyone?"));
        }
    }

    @Test
    void closingBothEndsRemovesTheSharedMemoryAndClosingTwiceIsHarmless() throws Exception {
        Pipe pipe = Pipe.open();
        String name = pipe.left().toString().substring("Connection[".length()).split(",")[0];
        assertTrue(Files.exists(Path.of("/dev/shm", name)));

        pipe.close();
        pipe.close();

        assertFalse(Files.exists(Path.of("/dev/shm", name)));
        assertThrows(IOException.class, () -> pipe.right().send(1));
    }

    @Test
    void anObjectThatCannotBeSerializedFailsAtSendNamingItsClass() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            NotSerializableValueException e = assertThrows(NotSerializableValueException.class, () -> pipe.left().send(new Thread()));

            assertTrue(e.getMessage().contains("java.lang.Thread"), e.getMessage());
            assertFalse(pipe.right().poll());
        }
    }

    @Test
    void anEndInAnotherProcessEchoesWhatItReceives() throws Exception {
        List<Peers.Peer> peers = new ArrayList<>();
        try (Pipe pipe = Pipe.open()) {
            peers.add(Peers.start(pipe.right(), "echo"));
            for (int i = 0; i < 1000; i++) {
                pipe.left().send("ping " + i);
                assertEquals("ping " + i, pipe.left().recv(Duration.ofSeconds(10)));
            }
            pipe.left().close();
            assertTrue(peers.get(0).process().waitFor(10, TimeUnit.SECONDS), "the peer saw EOF and exited");
        } finally {
            Peers.destroy(peers);
        }
    }

    @Test
    void objectsOfEveryKindAndNullEchoBackFromAnotherProcessExactly() throws Exception {
        List<Peers.Peer> peers = new ArrayList<>();
        try (Pipe pipe = Pipe.open()) {
            peers.add(Peers.start(pipe.right(), "echo"));
            List<Object> sent = new ArrayList<>(MessageKinds.all());
            sent.add(3, null);
            for (int i = 0; i < sent.size(); i++) {
                pipe.left().send(sent.get(i));
                MessageKinds.assertSame(sent.get(i), pipe.left().recv(Duration.ofSeconds(30)), MessageKinds.describe(sent.get(i), i));
            }
            pipe.left().close();
            assertTrue(peers.get(0).process().waitFor(10, TimeUnit.SECONDS), "the peer saw EOF and exited");
        } finally {
            Peers.destroy(peers);
        }
    }

    @Test
    void recvGetsWhatADeadPeerSentThenEof() throws Exception {
        List<Peers.Peer> peers = new ArrayList<>();
        try (Pipe pipe = Pipe.open()) {
            Peers.Peer peer = Peers.start(pipe.right(), "send-then-hang", "3");
            peers.add(peer);
            peer.awaitLine("SENT", Duration.ofSeconds(30));

            peer.process().destroyForcibly();
            peer.process().waitFor();

            for (int i = 0; i < 3; i++) {
                assertEquals("message " + i, pipe.left().recv(Duration.ofSeconds(10)));
            }
            assertThrows(EOFException.class, () -> pipe.left().recv(Duration.ofSeconds(10)));
        } finally {
            Peers.destroy(peers);
        }
    }

    @Test
    void sendToADeadPeerThrowsInsteadOfHanging() throws Exception {
        List<Peers.Peer> peers = new ArrayList<>();
        try (Pipe pipe = Pipe.open(true, 4096)) {
            Peers.Peer peer = Peers.start(pipe.right(), "hold");
            peers.add(peer);
            peer.process().destroyForcibly();
            peer.process().waitFor();

            assertThrows(IOException.class, () -> {
                for (int i = 0; i < 100; i++) {
                    pipe.left().sendBytes(new byte[1000]);
                }
            });
        } finally {
            Peers.destroy(peers);
        }
    }

    @Test
    void anEndCapturedInAChildProcessLambdaTalksBack() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            Connection childEnd = pipe.right();
            try (ChildProcess child = ChildProcess.start(() -> {
                try {
                    childEnd.send("hello " + childEnd.recv());
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            })) {
                pipe.left().send("parent");

                assertEquals("hello parent", pipe.left().recv(Duration.ofSeconds(60)));
                assertTrue(child.join(Duration.ofSeconds(30)));
                assertThrows(EOFException.class, () -> pipe.left().recv(Duration.ofSeconds(10)), "the child's exit is EOF");
            }
        }
    }
}
