package multiprocessing4j.internal.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * Class-data sharing for children, made automatically: a dynamic AppCDS archive of the classes a child
 * loads (ours, the codec's, the JDK's), in a cache directory, keyed by everything that makes an archive
 * valid or not (the {@code java} binary and its version, each class path jar with its size and time, the
 * JVM options). The first child for a key dumps it at its exit ({@code -XX:+AutoCreateSharedArchive});
 * later children map it and skip loading and verifying those classes.
 *
 * <p>Only when the class path is all jars and there is no module path ({@link ClassPath#allJars()}): with a
 * classes directory on it (an IDE, {@code mvn test}) the dump fails, and with {@code AutoCreateSharedArchive}
 * it would be retried at every child's exit, ≈ +150 ms each. Only one child per key dumps at a time (a lock
 * file, stale after {@value #LOCK_STALE_SECONDS} s): concurrent dumps of one file are not something the JVM
 * promises to survive. A dumper that ends without an archive (killed: a pool closing kills its workers still
 * starting, a timeout kills a task's) frees the lock at once ({@link #dumperExited}), so that the next child
 * dumps instead: else every child would start without the archive for a minute, and a program that only ever
 * runs pools might never get one. CDS messages are switched off in children ({@code -Xlog:cds*=off}): an unusable
 * archive only means a slower start, never output in the user's stream.
 *
 * <p>Off with {@code -Dmp4j.cds=false}; the directory is {@code -Dmp4j.cache.dir}, else
 * {@code $XDG_CACHE_HOME/multiprocessing4j/cds}, else {@code ~/.cache/multiprocessing4j/cds}.
 */
final class CdsArchive {
    static final String PROPERTY = "mp4j.cds";
    static final String CACHE_DIR_PROPERTY = "mp4j.cache.dir";
    private static final long LOCK_STALE_SECONDS = 60;
    private static final String QUIET = "-Xlog:cds*=off";
    private static final String DUMP = "-XX:+AutoCreateSharedArchive";
    private static final String ARCHIVE = "-XX:SharedArchiveFile=";

    private CdsArchive() {
    }

    /**
     * The options that give a child the archive (or make it dump one), or none.
     *
     * @param before the command so far ({@code java} and the runtime's options)
     * @param user   the user's options
     */
    static List<String> options(List<String> before, List<String> user, ClassPath cp) {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY)) || !cp.allJars()
                || user.stream().anyMatch(o -> o.startsWith("-Xshare") || o.contains("SharedArchiveFile")
                || o.contains("AOTCache") || o.contains("ArchiveClassesAtExit"))) {
            return List.of();
        }
        Path dir = cacheDirectory();
        if (dir == null) {
            return List.of();
        }
        Path archive = dir.resolve(key(before, user, cp) + ".jsa");
        if (Files.isRegularFile(archive)) {
            return List.of(ARCHIVE + archive, QUIET);
        }
        return tryLock(dir.resolve(archive.getFileName() + ".lock"))
                ? List.of(ARCHIVE + archive, DUMP, QUIET)
                : List.of();
    }

    private static Path cacheDirectory() {
        String configured = System.getProperty(CACHE_DIR_PROPERTY);
        Path dir;
        if (configured != null) {
            dir = Path.of(configured);
        } else {
            String xdg = System.getenv("XDG_CACHE_HOME");
            dir = (xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache"))
                    .resolve("multiprocessing4j");
        }
        try {
            return Files.createDirectories(dir.resolve("cds"));
        } catch (IOException | SecurityException e) {
            return null; // no cache: children start without the archive
        }
    }

    /** The archive a child launched with {@code command} is to dump at its exit, or null if it dumps none. */
    static Path dumpTarget(List<String> command) {
        if (!command.contains(DUMP)) {
            return null;
        }
        for (String option : command) {
            if (option.startsWith(ARCHIVE)) {
                return Path.of(option.substring(ARCHIVE.length()));
            }
        }
        return null;
    }

    /**
     * The child that was to dump {@code archive} has exited: if it left no archive (it was killed, or the dump
     * failed), its lock is removed so that the next child for the key dumps. Harmless if the lock is gone.
     */
    static void dumperExited(Path archive) {
        if (Files.isRegularFile(archive)) {
            return;
        }
        try {
            Files.deleteIfExists(archive.resolveSibling(archive.getFileName() + ".lock"));
        } catch (IOException e) {
            // the lock goes stale in a minute instead
        }
    }

    private static boolean tryLock(Path lock) {
        try {
            Files.createFile(lock);
            return true;
        } catch (FileAlreadyExistsException e) {
            try {
                FileTime t = Files.getLastModifiedTime(lock);
                if (t.toInstant().isBefore(Instant.now().minus(Duration.ofSeconds(LOCK_STALE_SECONDS)))) {
                    Files.setLastModifiedTime(lock, FileTime.from(Instant.now())); // the dumper died: take over
                    return true;
                }
            } catch (IOException gone) {
                // raced with another taker: let it dump
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    static String key(List<String> before, List<String> user, ClassPath cp) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            update(sha, System.getProperty("java.vm.version"));
            before.forEach(o -> update(sha, o));
            user.forEach(o -> update(sha, o));
            for (String entry : cp.classPath()) {
                update(sha, entry);
                try {
                    Path p = Path.of(entry);
                    update(sha, Files.size(p) + "/" + Files.getLastModifiedTime(p).toMillis());
                } catch (IOException e) {
                    update(sha, "missing");
                }
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static void update(MessageDigest sha, String s) {
        sha.update(s.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
    }
}
