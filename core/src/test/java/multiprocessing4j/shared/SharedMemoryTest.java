package multiprocessing4j.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import multiprocessing4j.internal.platform.ProcessTree;
import multiprocessing4j.internal.platform.TestJvm;
import multiprocessing4j.internal.shm.SegmentDescriptor;
import multiprocessing4j.internal.shm.SharedSegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SharedMemoryTest {
    private final List<SharedMemory> made = new ArrayList<>();

    @AfterEach
    void unlinkEverything() {
        for (SharedMemory m : made) {
            m.unlink();
            m.close();
        }
    }

    private SharedMemory track(SharedMemory m) {
        made.add(m);
        return m;
    }

    private static byte[] serialize(Object o) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    private static Object deserialize(byte[] bytes) throws Exception {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        }
    }

    @Test
    void createdMemoryIsZeroedAndExactlyTheRequestedSize() {
        SharedMemory shm = track(SharedMemory.create(1000));

        assertEquals(1000, shm.size());
        assertEquals(1000, shm.segment().byteSize());
        assertEquals(0L, shm.segment().get(ValueLayout.JAVA_LONG, 992));
    }

    @Test
    void attachingByNameSharesTheBytes() {
        SharedMemory created = track(SharedMemory.create("shm-test-" + ProcessTree.selfPid(), 64));
        SharedMemory attached = track(SharedMemory.attach(created.name()));

        created.segment().set(ValueLayout.JAVA_INT, 12, 77);

        assertEquals(77, attached.segment().get(ValueLayout.JAVA_INT, 12));
        assertEquals(created.name(), attached.name());
        assertEquals(64, attached.size());
    }

    @Test
    void theFileIsOwnerReadWriteOnly() throws Exception {
        SharedMemory shm = track(SharedMemory.create(64));

        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(Path.of("/dev/shm", shm.name()))));
    }

    @Test
    void aHandleSurvivesJdkSerializationAndAttachesToTheSameMemory() throws Exception {
        SharedMemory shm = track(SharedMemory.create(64));
        shm.segment().set(ValueLayout.JAVA_LONG, 0, 5L);

        SharedMemory copy = track((SharedMemory) deserialize(serialize(shm)));
        copy.segment().set(ValueLayout.JAVA_LONG, 8, 6L);

        assertNotSame(shm, copy);
        assertEquals(5L, copy.segment().get(ValueLayout.JAVA_LONG, 0));
        assertEquals(6L, shm.segment().get(ValueLayout.JAVA_LONG, 8));
    }

    @Test
    void aHandleCapturedInASerializableLambdaAttachesOnTheOtherSide() throws Exception {
        SharedMemory shm = track(SharedMemory.create(64));
        shm.segment().set(ValueLayout.JAVA_LONG, 0, 31L);
        LongSupplier reader = (LongSupplier & java.io.Serializable) () -> shm.segment().get(ValueLayout.JAVA_LONG, 0);

        LongSupplier copy = (LongSupplier) deserialize(serialize(reader));

        assertEquals(31L, copy.getAsLong());
    }

    @Test
    void aHandleSentToAnotherJvmWritesIntoTheSameMemory() throws Exception {
        SharedMemory shm = track(SharedMemory.create(64));
        String handle = Base64.getEncoder().encodeToString(serialize(shm));
        Process peer = null;
        try {
            peer = TestJvm.start(HandleReceiver.class, List.of(), handle);

            assertTrue(peer.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, peer.exitValue(), new String(peer.getInputStream().readAllBytes()));
            assertEquals(4242L, shm.segment().get(ValueLayout.JAVA_LONG, 0));
        } finally {
            TestJvm.destroy(peer);
        }
    }

    @Test
    void closingTwiceIsHarmlessAndTheSegmentIsThenUnusable() {
        SharedMemory shm = track(SharedMemory.create(64));
        var segment = shm.segment();

        shm.close();
        shm.close();

        assertThrows(IllegalStateException.class, shm::segment);
        assertThrows(IllegalStateException.class, () -> segment.get(ValueLayout.JAVA_INT, 0));
    }

    @Test
    void afterUnlinkNobodyCanAttachButMappingsStay() {
        SharedMemory shm = track(SharedMemory.create(64));

        shm.unlink();
        shm.unlink();
        shm.segment().set(ValueLayout.JAVA_INT, 0, 1);

        assertFalse(Files.exists(Path.of("/dev/shm", shm.name())));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SharedMemory.attach(shm.name()));
        assertTrue(e.getMessage().contains(shm.name()), e.getMessage());
    }

    @Test
    void attachingAMissingNameFailsClearly() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SharedMemory.attach("never-created-" + ProcessTree.selfPid()));
        assertTrue(e.getMessage().contains("no shared segment named"), e.getMessage());
    }

    @Test
    void attachingTheStorageOfAnotherKindOfObjectFails() {
        SharedSegment other = SharedSegment.create(null, SegmentDescriptor.kind("LOCK"), 64);
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SharedMemory.attach(other.name()));
            assertTrue(e.getMessage().contains("'LOCK'"), e.getMessage());
        } finally {
            other.unlink();
            other.close();
        }
    }

    @Test
    void badArgumentsAreRejectedAtTheCall() {
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.create(0));
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.create(null, 64));
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.create("a/b", 64));
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.attach("a/b"));
    }
}
