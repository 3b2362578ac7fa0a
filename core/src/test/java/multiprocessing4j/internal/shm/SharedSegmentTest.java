package multiprocessing4j.internal.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import multiprocessing4j.internal.platform.ProcessTree;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SharedSegmentTest {
    private static final int KIND = SegmentDescriptor.kind("TEST");
    private final List<SharedSegment> made = new ArrayList<>();

    @AfterEach
    void unlinkEverything() {
        for (SharedSegment s : made) {
            s.unlink();
            s.close();
        }
    }

    private SharedSegment create(String name, long size) {
        SharedSegment s = SharedSegment.create(name, KIND, size);
        made.add(s);
        return s;
    }

    private SharedSegment attach(String name, int kind) {
        SharedSegment s = SharedSegment.attach(name, kind);
        made.add(s);
        return s;
    }

    @Test
    void anAttachedSegmentSharesTheCreatorsBytes() {
        SharedSegment created = create(null, 4096);
        SharedSegment attached = attach(created.name(), KIND);

        created.payload().set(ValueLayout.JAVA_LONG, 8, 0x1234_5678_9abcL);

        assertEquals(0x1234_5678_9abcL, attached.payload().get(ValueLayout.JAVA_LONG, 8));
        assertEquals(4096, attached.payload().byteSize());
        assertTrue(created.isCreator());
        assertFalse(attached.isCreator());
    }

    @Test
    void aNewSegmentIsZeroedAndCacheLineAligned() {
        SharedSegment s = create(null, 1000);

        assertEquals(0, s.payload().address() % SegmentDescriptor.CACHE_LINE_LENGTH);
        for (long i = 0; i < 1000; i++) {
            assertEquals(0, s.payload().get(ValueLayout.JAVA_BYTE, i));
        }
    }

    @Test
    void theFileIsReadableAndWritableByTheOwnerOnly() throws Exception {
        SharedSegment s = create(null, 64);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(s.path())));
    }

    @Test
    void generatedNamesCarryTheRootPid() {
        SharedSegment s = create(null, 64);

        assertTrue(s.name().matches("mp4j-" + ProcessTree.rootPid() + "-[0-9a-f]{16}"), s.name());
        assertEquals(Path.of("/dev/shm", s.name()), s.path());
    }

    @Test
    void aUserChosenNameIsUsedAsIs() {
        SharedSegment s = create("segment-test-" + ProcessTree.selfPid(), 64);

        assertTrue(Files.exists(Path.of("/dev/shm", "segment-test-" + ProcessTree.selfPid())));
        assertEquals("segment-test-" + ProcessTree.selfPid(), s.name());
    }

    @Test
    void badNamesAreRejectedWithTheReason() {
        assertThrows(IllegalArgumentException.class, () -> SharedSegment.create("a/b", KIND, 64));
        assertThrows(IllegalArgumentException.class, () -> SharedSegment.create("", KIND, 64));
        assertThrows(IllegalArgumentException.class, () -> SharedSegment.create("x".repeat(201), KIND, 64));
        assertThrows(IllegalArgumentException.class, () -> SharedSegment.create("white space", KIND, 64));
        assertThrows(IllegalArgumentException.class, () -> SharedSegment.create(".hidden", KIND, 64));
        assertThrows(IllegalArgumentException.class, () -> SharedSegment.attach("..", KIND));
        IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class,
                () -> SharedSegment.create("mp4j-mine", KIND, 64));
        assertTrue(reserved.getMessage().contains("reserved"), reserved.getMessage());
        IllegalArgumentException slash = assertThrows(IllegalArgumentException.class,
                () -> SharedSegment.create("/leading", KIND, 64));
        assertTrue(slash.getMessage().contains("'/'"), slash.getMessage());
    }

    @Test
    void nonPositiveSizesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> SharedSegment.create(null, KIND, 0));
        assertThrows(IllegalArgumentException.class, () -> SharedSegment.create(null, KIND, -1));
    }

    @Test
    void aSizeLargerThanDevShmIsRejectedBeforeAnythingIsCreated() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SharedSegment.create(null, KIND, Long.MAX_VALUE / 2));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
    }

    @Test
    void attachingAMissingNameSaysSo() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SharedSegment.attach("no-such-segment-" + ProcessTree.selfPid(), KIND));
        assertTrue(e.getMessage().contains("no shared segment named"), e.getMessage());
    }

    @Test
    void attachingWithTheWrongKindSaysWhichKindItHolds() {
        SharedSegment s = create(null, 64);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SharedSegment.attach(s.name(), SegmentDescriptor.kind("LOCK")));
        assertTrue(e.getMessage().contains("'TEST'") && e.getMessage().contains("'LOCK'"), e.getMessage());
    }

    @Test
    void attachingAForeignFileIsRejected() throws Exception {
        Path foreign = Path.of("/dev/shm", "foreign-" + ProcessTree.selfPid());
        Files.write(foreign, "this is not a segment, just some text long enough for a header........".getBytes());
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SharedSegment.attach(foreign.getFileName().toString(), 0));
            assertTrue(e.getMessage().contains("not a multiprocessing4j shared segment"), e.getMessage());
        } finally {
            Files.deleteIfExists(foreign);
        }
    }

    @Test
    void creatingAnExistingNameFails() {
        SharedSegment s = create("segment-dup-" + ProcessTree.selfPid(), 64);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SharedSegment.create(s.name(), KIND, 64));
        assertTrue(e.getMessage().contains("exists already"), e.getMessage());
    }

    @Test
    void closingTwiceIsHarmlessAndUseAfterCloseThrows() {
        SharedSegment s = create(null, 64);

        s.close();
        s.close();

        assertTrue(s.isClosed());
        assertThrows(IllegalStateException.class, () -> s.payload().get(ValueLayout.JAVA_INT, 0));
    }

    @Test
    void unlinkRemovesTheNameButExistingMappingsStayValid() {
        SharedSegment created = create(null, 64);
        SharedSegment attached = attach(created.name(), KIND);

        created.unlink();
        created.unlink();
        created.payload().set(ValueLayout.JAVA_INT, 0, 99);

        assertFalse(Files.exists(created.path()));
        assertEquals(99, attached.payload().get(ValueLayout.JAVA_INT, 0));
        assertThrows(IllegalStateException.class, () -> SharedSegment.attach(created.name(), KIND));
    }

    @Test
    void creatingASegmentStartsTheTreesTracker() throws Exception {
        create(null, 64);

        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!SegmentTracker.isTrackerRunning(ProcessTree.rootPid()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(SegmentTracker.isTrackerRunning(ProcessTree.rootPid()));
    }
}
