package multiprocessing4j.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who dumps the children's class-data archive, and what happens to its lock when the dumper ends. */
class CdsArchiveTest {
    @TempDir
    Path dir;

    @Test
    void onlyAChildToldToCreateTheArchiveDumpsIt() {
        Path archive = dir.resolve("k.jsa");
        assertEquals(archive, CdsArchive.dumpTarget(List.of("java", "-XX:SharedArchiveFile=" + archive,
                "-XX:+AutoCreateSharedArchive", "-Xlog:cds*=off", "Main")));
        assertNull(CdsArchive.dumpTarget(List.of("java", "-XX:SharedArchiveFile=" + archive, "-Xlog:cds*=off", "Main")),
                "a child that maps an existing archive dumps nothing");
        assertNull(CdsArchive.dumpTarget(List.of("java", "Main")));
    }

    @Test
    void aDumperThatEndedWithoutAnArchiveFreesTheLockForTheNextChild() throws Exception {
        // given: a child took the lock and was killed before it could dump (as a pool closing kills a starting worker)
        Path archive = dir.resolve("k.jsa");
        Path lock = Files.createFile(dir.resolve("k.jsa.lock"));
        // when
        CdsArchive.dumperExited(archive);
        // then: the lock is gone, so the next child takes it at once rather than after it goes stale
        assertFalse(Files.exists(lock));
    }

    @Test
    void aDumperThatLeftAnArchiveKeepsTheLock() throws Exception {
        Path archive = Files.write(dir.resolve("k.jsa"), new byte[]{1});
        Path lock = Files.createFile(dir.resolve("k.jsa.lock"));
        CdsArchive.dumperExited(archive);
        assertTrue(Files.exists(lock), "nothing to redo: children map the archive");
        assertTrue(Files.exists(archive));
    }
}
