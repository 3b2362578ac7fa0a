package multiprocessing4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import multiprocessing4j.internal.codec.Codecs;
import multiprocessing4j.internal.platform.TestJvm;
import multiprocessing4j.internal.shm.SharedSegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LiveValueTest {
    private final List<LiveValue<?>> made = new ArrayList<>();
    private final List<Process> peers = new ArrayList<>();

    @AfterEach
    void cleanUp() throws InterruptedException {
        for (Process p : peers) {
            TestJvm.destroy(p);
        }
        for (LiveValue<?> v : made) {
            v.unlink();
            v.close();
        }
    }

    private <T> LiveValue<T> track(LiveValue<T> v) {
        made.add(v);
        return v;
    }

    private Process peer(String... args) throws Exception {
        Process p = TestJvm.start(LivePeer.class, List.of("--sun-misc-unsafe-memory-access=allow"), args);
        peers.add(p);
        return p;
    }

    private static <T> T roundTrip(T o) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            @SuppressWarnings("unchecked")
            T t = (T) in.readObject();
            return t;
        }
    }

    private static boolean exists(String name) {
        return Files.exists(SharedSegment.SHM_DIR.resolve(name));
    }

    private static void awaitCondition(String what, java.util.function.BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void aNewValueIsEmptyAtVersionZero() {
        LiveValue<String> value = track(LiveValue.create());

        assertEquals(Optional.empty(), value.latest());
        assertEquals(0, value.version());
        assertEquals(Optional.empty(), value.publishedAt());
        assertFalse(value.publisherAlive());
        assertTrue(value.publisherPid().isEmpty());
    }

    @Test
    void publishMakesTheNextVersionTheLatest() {
        LiveValue<String> value = track(LiveValue.create());
        Instant before = Instant.now();

        long first = value.publish("one");
        long second = value.publish("two");

        assertEquals(1, first);
        assertEquals(2, second);
        assertEquals(Optional.of("two"), value.latest());
        assertEquals(2, value.version());
        Instant at = value.publishedAt().orElseThrow();
        assertFalse(at.isBefore(before.minusMillis(1)), at + " is before " + before);
        assertTrue(value.publisherAlive());
        assertEquals(ProcessHandle.current().pid(), value.publisherPid().orElseThrow());
    }

    @Test
    void readingAnUnchangedValueDoesNotDeserializeItAgain() {
        LiveValue<List<Integer>> value = track(LiveValue.create());
        value.publish(List.of(1, 2, 3));

        List<Integer> first = value.latest().orElseThrow();
        List<Integer> again = value.latest().orElseThrow();
        value.publish(List.of(1, 2, 3));
        List<Integer> afterPublish = value.latest().orElseThrow();

        assertSame(first, again, "an unchanged version must come from the handle's cache");
        assertNotSame(first, afterPublish, "a new version must be decoded");
        assertEquals(first, afterPublish);
    }

    @Test
    void nullIsRefused() {
        LiveValue<String> value = track(LiveValue.create());

        NullPointerException e = assertThrows(NullPointerException.class, () -> value.publish(null));
        assertTrue(e.getMessage().contains("cannot be null"), e.getMessage());
    }

    @Test
    void anUnserializableValueIsRefusedAndThePreviousOneStays() {
        LiveValue<Object> value = track(LiveValue.create());
        value.publish("kept");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> value.publish(new Object() { }));

        assertTrue(e.getMessage().contains("LiveValueTest"), e.getMessage());
        assertEquals(Optional.of("kept"), value.latest());
        assertEquals(1, value.version());
    }

    @Test
    void aBadCapacityHintIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> LiveValue.create(0));
        assertThrows(IllegalArgumentException.class, () -> LiveValue.create(-5));
    }

    @Test
    void valuesLargerThanTheStorageMoveItToALargerSegmentAndTheOldOneIsUnlinked() throws Exception {
        LiveValue<byte[]> value = track(LiveValue.create(64));
        LiveValue<byte[]> reader = roundTrip(value);
        made.add(reader);
        value.publish(new byte[10]);
        assertEquals(10, reader.latest().orElseThrow().length);
        String smallData = dataName(value);

        byte[] big = new byte[8 * 1024 * 1024];
        big[big.length - 1] = 42;
        value.publish(big);
        byte[] read = reader.latest().orElseThrow();
        value.publish(new byte[3]);

        assertEquals(big.length, read.length);
        assertEquals(42, read[read.length - 1]);
        assertEquals(3, reader.latest().orElseThrow().length);
        assertFalse(exists(smallData), "the outgrown data segment must be unlinked");
        assertTrue(exists(dataName(value)));
    }

    private static String dataName(LiveValue<?> value) throws Exception {
        // The data segment's name is internal; read it through the cell the way a reader finds it.
        var field = LiveValue.class.getDeclaredField("cell");
        field.setAccessible(true);
        return ((multiprocessing4j.internal.live.LiveCell) field.get(value)).dataName();
    }

    @Test
    void awaitFirstTimesOutWhenNothingIsPublished() {
        LiveValue<String> value = track(LiveValue.create());

        TimeoutException e = assertThrows(TimeoutException.class, () -> value.awaitFirst(Duration.ofMillis(100)));
        assertTrue(e.getMessage().contains("no value was published"), e.getMessage());
    }

    @Test
    void awaitFirstReturnsAtOnceWhenAValueExists() throws Exception {
        LiveValue<String> value = track(LiveValue.create());
        value.publish("here");

        assertEquals("here", value.awaitFirst(Duration.ZERO));
    }

    @Test
    void awaitFirstIsWokenByAPublicationInAnotherThread() throws Exception {
        LiveValue<String> value = track(LiveValue.create());
        CompletableFuture<String> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return value.awaitFirst(Duration.ofSeconds(20));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });

        value.publish("woken");

        assertEquals("woken", waiter.get(20, TimeUnit.SECONDS));
    }

    @Test
    void awaitNewerReturnsTheLatestAboveTheGivenVersion() throws Exception {
        LiveValue<Integer> value = track(LiveValue.create());
        value.publish(1);
        value.publish(2);

        LiveValue.Snapshot<Integer> s = value.awaitNewer(1, Duration.ofSeconds(5));

        assertEquals(2, s.value());
        assertEquals(2, s.version());
    }

    @Test
    void awaitNewerTimesOutWhenNothingNewerComes() {
        LiveValue<Integer> value = track(LiveValue.create());
        value.publish(1);

        assertThrows(TimeoutException.class, () -> value.awaitNewer(1, Duration.ofMillis(100)));
    }

    @Test
    void awaitNewerIsInterruptible() throws Exception {
        LiveValue<Integer> value = track(LiveValue.create());
        value.publish(1);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                value.awaitNewer(1, Duration.ofMinutes(5));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        awaitCondition("waiter blocked", () -> waiter.getState() == Thread.State.RUNNABLE
                || waiter.getState() == Thread.State.TIMED_WAITING, Duration.ofSeconds(5));

        waiter.interrupt();
        waiter.join(10_000);

        assertFalse(waiter.isAlive());
        assertTrue(outcome.get() instanceof InterruptedException, String.valueOf(outcome.get()));
    }

    @Test
    void aHandleCapturedInALambdaAttachesToTheSameValue() throws Exception {
        LiveValue<String> value = track(LiveValue.create());
        SerializableRunnable task = () -> value.publish("from the copy");

        SerializableRunnable copy = roundTrip(task);
        copy.run();
        SerializableRunnable viaCodec = (SerializableRunnable) Codecs.defaultCodec().decode(Codecs.defaultCodec().encode(
                (SerializableRunnable) () -> value.publish("via the codec")));
        assertEquals(Optional.of("from the copy"), value.latest());
        viaCodec.run();

        assertEquals(Optional.of("via the codec"), value.latest());
        assertEquals(2, value.version());
    }

    @Test
    void aChildProcessPublishesThroughTheHandleItsTaskCaptured() throws Exception {
        LiveValue<String> value = track(LiveValue.create());

        try (ChildProcess child = ChildProcess.start(() -> value.publish("from the child"))) {
            child.join();
            assertEquals(0, child.exitCode().orElseThrow(), String.valueOf(child.failure()));
        }

        assertEquals(Optional.of("from the child"), value.latest());
        assertFalse(value.publisherAlive(), "the child has exited");
    }

    @Test
    void storageAChildGrewOutlivesTheChild() throws Exception {
        // given a child that outgrows the storage, which makes it create the new data segment, and exits normally
        LiveValue<byte[]> value = track(LiveValue.create(64));
        try (ChildProcess child = ChildProcess.start(() -> {
            byte[] big = new byte[100_000];
            big[99_999] = 7;
            value.publish(big);
        })) {
            child.join();
            assertEquals(0, child.exitCode().orElseThrow(), String.valueOf(child.failure()));
        }

        // then the segment it created was not unlinked by its exit: the value is still readable here
        byte[] read = value.latest().orElseThrow();
        assertEquals(100_000, read.length);
        assertEquals(7, read[99_999]);
        assertTrue(exists(dataName(value)));
    }

    @Test
    void aReaderInAnotherProcessNeverSeesATornValueWhileThePublisherRuns() throws Exception {
        // given a publisher process writing versions as fast as it can, in varying sizes that outgrow the storage
        LiveValue<int[]> value = track(LiveValue.create());
        Process publisher = peer("stress", LivePeer.encode(value), "3000");
        value.awaitFirst(Duration.ofSeconds(30));

        // when this process reads for as long as the publisher runs
        long reads = 0;
        long lastVersion = 0;
        long distinct = 0;
        while (publisher.isAlive()) {
            LiveValue.Snapshot<int[]> s = value.snapshot().orElseThrow();
            int[] a = s.value();
            // then every value read is whole: its length and every element belong to its version
            assertEquals(LivePeer.stressLength(s.version()), a.length, "length of version " + s.version());
            for (int x : a) {
                if (x != (int) s.version()) {
                    throw new AssertionError("torn value: version " + s.version() + " holds " + x);
                }
            }
            assertTrue(s.version() >= lastVersion, "versions went back");
            if (s.version() != lastVersion) {
                distinct++;
            }
            lastVersion = s.version();
            reads++;
        }
        assertTrue(publisher.waitFor(30, TimeUnit.SECONDS));
        String out = new String(publisher.getInputStream().readAllBytes());
        assertEquals(0, publisher.exitValue(), out);
        assertTrue(out.contains("PUBLISHED"), out);
        assertTrue(distinct > 10, "too few versions seen to mean anything: " + distinct + " in " + reads + " reads");
    }

    @Test
    void aValuePublishedInAnotherProcessIsReadHere() throws Exception {
        LiveValue<String> value = track(LiveValue.create());
        Process publisher = peer("publish-and-wait", LivePeer.encode(value), "hello");

        assertEquals("hello", value.awaitFirst(Duration.ofSeconds(30)));
        assertEquals(publisher.pid(), value.publisherPid().orElseThrow());
        assertTrue(value.publisherAlive());
    }

    @Test
    void aReaderInAnotherProcessGetsTheValue() throws Exception {
        LiveValue<String> value = track(LiveValue.create());
        Process reader = peer("read", LivePeer.encode(value));
        value.publish("for the child");

        BufferedReader out = TestJvm.reader(reader);
        assertEquals("for the child", TestJvm.awaitLine(reader, out, "VALUE ", Duration.ofSeconds(30)));
    }

    @Test
    void afterThePublisherIsKilledTheLastValueStaysAndPublisherAliveTurnsFalse() throws Exception {
        // given a publisher process that published and was then killed with SIGKILL
        LiveValue<String> value = track(LiveValue.create());
        Process publisher = peer("publish-and-wait", LivePeer.encode(value), "last words");
        value.awaitFirst(Duration.ofSeconds(30));
        assertTrue(value.publisherAlive());

        publisher.destroyForcibly();
        assertTrue(publisher.waitFor(10, TimeUnit.SECONDS));

        // then the value is still readable, known to be stale, and another process may take over
        awaitCondition("publisherAlive() false", () -> !value.publisherAlive(), Duration.ofSeconds(10));
        assertEquals(Optional.of("last words"), value.latest());
        value.publish("taken over");
        assertEquals(Optional.of("taken over"), value.latest());
        assertTrue(value.publisherAlive());
    }

    @Test
    void aSecondPublishingProcessIsRefusedWhileTheFirstLives() throws Exception {
        LiveValue<String> value = track(LiveValue.create());
        Process publisher = peer("publish-and-wait", LivePeer.encode(value), "mine");
        value.awaitFirst(Duration.ofSeconds(30));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> value.publish("also mine"));

        assertTrue(e.getMessage().contains(Long.toString(publisher.pid())), e.getMessage());
        assertEquals(Optional.of("mine"), value.latest());
    }

    @Test
    void closingTheCreatorLeavesNothingInDevShm() throws Exception {
        LiveValue<byte[]> value = LiveValue.create(64);
        value.publish(new byte[10]);
        String control = value.name();
        String firstData = dataName(value);
        value.publish(new byte[100_000]);
        String data = dataName(value);
        assertNotEquals(firstData, data);

        value.close();
        value.close();

        assertFalse(exists(control));
        assertFalse(exists(firstData));
        assertFalse(exists(data));
        assertThrows(IllegalStateException.class, value::latest);
        assertThrows(IllegalStateException.class, () -> value.publish(new byte[1]));
    }

    @Test
    void closingAnAttachedHandleLeavesTheValueToOthers() throws Exception {
        LiveValue<String> value = track(LiveValue.create());
        value.publish("still here");
        LiveValue<String> other = roundTrip(value);

        other.close();

        assertEquals(Optional.of("still here"), value.latest());
        assertTrue(exists(value.name()));
    }

    @Test
    void aUnlinkedValueCannotBeAttached() throws Exception {
        LiveValue<String> value = track(LiveValue.create());
        value.unlink();

        assertThrows(IllegalStateException.class, () -> roundTrip(value));
    }
}
