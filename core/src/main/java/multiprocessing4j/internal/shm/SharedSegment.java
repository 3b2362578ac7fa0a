package multiprocessing4j.internal.shm;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

import multiprocessing4j.internal.platform.ProcessTree;

/**
 * One named, mapped {@code /dev/shm} file: the storage under every shared primitive. A segment is
 * a {@link SegmentDescriptor header} followed by the payload the primitive lays out.
 *
 * <p><b>Names.</b> Generated names are {@code mp4j-<rootPid>-<16 hex digits>}, which is how the
 * {@link SegmentTracker} finds them once the tree is gone. A user-chosen name is 1 to
 * {@value #MAX_NAME_LENGTH} characters of {@code [A-Za-z0-9._-]}, not starting with '.', '-' or
 * {@code mp4j-}; the tracker learns it through a per-tree list file.
 *
 * <p><b>Mapping.</b> The whole file is mapped read-write in a <em>shared</em> arena: every thread
 * may use it, and {@link #close()} from any thread unmaps it. A thread still using the payload
 * after that gets {@link IllegalStateException} (never a crash); a thread blocked in a futex wait
 * on it notices within one wait slice. Segments are never unmapped implicitly: an unclosed one
 * stays mapped until the JVM exits.
 *
 * <p><b>Who unlinks (the rule).</b> {@link #unlink()} removes the name now (existing mappings
 * stay valid). Otherwise: at normal JVM exit a shutdown hook unlinks the segments this JVM
 * created and never {@link #markHandedOff() handed off}; a segment that was handed off (its
 * handle serialized, e.g. sent to a child or returned to the parent) may be in use elsewhere, so it
 * stays until someone unlinks it or until the whole process tree is gone, when the tracker
 * removes it. Handles of other layouts call {@link #markHandedOff()} in their {@code writeReplace}.
 */
public final class SharedSegment implements AutoCloseable {
    /** Where segments live. */
    public static final Path SHM_DIR = Path.of("/dev/shm");
    /** Longest accepted name (NAME_MAX is 255; leave room for the tracker's bookkeeping). */
    public static final int MAX_NAME_LENGTH = 200;
    /** Prefix of every generated name and every tracker file. */
    public static final String PREFIX = "mp4j-";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final long ATTACH_INIT_WAIT_NANOS = 2_000_000_000L;

    /** Segments this JVM created and has neither unlinked nor handed off. */
    private static final Set<SharedSegment> OWNED = ConcurrentHashMap.newKeySet();
    private static volatile boolean hookInstalled;

    private final String name;
    private final Path path;
    private final Arena arena;
    private final MemorySegment whole;
    private final MemorySegment payload;
    private final int kind;
    private final boolean creator;
    private volatile boolean closed;
    private volatile boolean unlinked;

    private SharedSegment(String name, Arena arena, MemorySegment whole, int kind, long payloadLength, boolean creator) {
        this.name = name;
        this.path = SHM_DIR.resolve(name);
        this.arena = arena;
        this.whole = whole;
        this.payload = whole.asSlice(SegmentDescriptor.HEADER_LENGTH, payloadLength);
        this.kind = kind;
        this.creator = creator;
    }

    /**
     * Creates a new segment of {@code kind} with {@code payloadLength} zeroed payload bytes, file
     * mode 0600, and maps it.
     *
     * @param name a user-chosen name, or {@code null} for a generated one
     * @throws IllegalArgumentException for a bad name or length, or when there is not enough room in /dev/shm
     * @throws IllegalStateException if a segment with that name exists already
     * @throws UnsupportedOperationException off Linux
     */
    public static SharedSegment create(String name, int kind, long payloadLength) {
        checkPlatform();
        if (payloadLength <= 0) {
            throw new IllegalArgumentException("a shared segment needs a positive size, was " + payloadLength);
        }
        if (payloadLength > Long.MAX_VALUE - SegmentDescriptor.HEADER_LENGTH) {
            throw new IllegalArgumentException("shared segment size " + payloadLength + " is too large");
        }
        if (name != null) {
            checkName(name);
            if (name.startsWith(PREFIX)) {
                throw new IllegalArgumentException("shared segment name '" + name + "' starts with '" + PREFIX
                        + "', which is reserved for generated names: choose another name or pass none");
            }
        }
        long total = SegmentDescriptor.HEADER_LENGTH + payloadLength;
        try {
            long usable = shmStore().getUsableSpace();
            if (total > usable) {
                throw new IllegalArgumentException("a shared segment of " + payloadLength + " bytes does not fit: "
                        + SHM_DIR + " has " + usable + " bytes free (it is a tmpfs; its size is a mount option)");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the free space of " + SHM_DIR, e);
        }
        SegmentTracker.ensureRunning();
        if (name != null) {
            SegmentTracker.recordUserName(name);
        }
        for (int attempt = 0; ; attempt++) {
            String n = name != null ? name : generatedName();
            Path p = SHM_DIR.resolve(n);
            FileChannel channel;
            try {
                channel = FileChannel.open(p, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                        StandardOpenOption.WRITE), OWNER_ONLY);
            } catch (FileAlreadyExistsException e) {
                if (name == null && attempt < 8) {
                    continue;
                }
                throw new IllegalStateException("a shared segment named '" + n + "' exists already: attach to it, "
                        + "or unlink it first, or choose another name", e);
            } catch (IOException e) {
                throw new IllegalStateException("cannot create shared segment " + p + ": " + e.getMessage(), e);
            }
            Arena arena = Arena.ofShared();
            try (channel) {
                // Extends the file sparsely; tmpfs hands out pages on first touch.
                channel.write(ByteBuffer.allocate(1), total - 1);
                MemorySegment whole = channel.map(FileChannel.MapMode.READ_WRITE, 0, total, arena);
                SegmentDescriptor.initialise(whole, kind, payloadLength, ProcessTree.rootPid(),
                        SegmentTracker.rootStartTime(), ProcessTree.selfPid());
                SharedSegment segment = new SharedSegment(n, arena, whole, kind, payloadLength, true);
                own(segment);
                return segment;
            } catch (IOException | RuntimeException e) {
                arena.close();
                try {
                    Files.deleteIfExists(p);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw new IllegalStateException("cannot create shared segment " + p + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Maps an existing segment.
     *
     * @param expectedKind the layout kind the caller will read, or 0 for any
     * @throws IllegalArgumentException for a bad name, or a file that is not a segment of that kind
     * @throws IllegalStateException if no segment has that name (anymore), or it cannot be read
     * @throws UnsupportedOperationException off Linux
     */
    public static SharedSegment attach(String name, int expectedKind) {
        checkPlatform();
        checkName(name);
        Path p = SHM_DIR.resolve(name);
        long deadline = System.nanoTime() + ATTACH_INIT_WAIT_NANOS;
        while (true) {
            try (FileChannel channel = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long total = channel.size();
                if (total >= SegmentDescriptor.HEADER_LENGTH) {
                    Arena arena = Arena.ofShared();
                    try {
                        MemorySegment whole = channel.map(FileChannel.MapMode.READ_WRITE, 0, total, arena);
                        if (SegmentDescriptor.isInitialised(whole)) {
                            SegmentDescriptor.checkHeader(name, whole, expectedKind);
                            long payloadLength = whole.get(ValueLayout.JAVA_LONG,
                                    SegmentDescriptor.PAYLOAD_LENGTH_OFFSET);
                            int kind = whole.get(ValueLayout.JAVA_INT, SegmentDescriptor.KIND_OFFSET);
                            return new SharedSegment(name, arena, whole, kind, payloadLength, false);
                        }
                        long first = whole.get(ValueLayout.JAVA_LONG, 0);
                        if (first != 0) {
                            throw new IllegalArgumentException("'" + p + "' is not a multiprocessing4j shared segment "
                                    + "(its first bytes are not the segment magic)");
                        }
                        arena.close();
                    } catch (RuntimeException e) {
                        arena.close();
                        throw e;
                    }
                }
            } catch (NoSuchFileException e) {
                throw new IllegalStateException("no shared segment named '" + name + "' exists (in " + SHM_DIR
                        + "): it was never created, or it was unlinked, or its process tree is gone", e);
            } catch (AccessDeniedException e) {
                throw new IllegalStateException("shared segment '" + name + "' belongs to another user: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new IllegalStateException("cannot attach shared segment " + p + ": " + e.getMessage(), e);
            }
            // A creator is between creating the file and publishing its header: give it a moment.
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("shared segment '" + name + "' was never initialised: its creator "
                        + "died while creating it, or it is not a multiprocessing4j segment");
            }
            LockSupport.parkNanos(200_000);
        }
    }

    /**
     * Checks a segment name.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static void checkName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("a shared segment name must not be null");
        }
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("a shared segment name has 1 to " + MAX_NAME_LENGTH
                    + " characters, '" + abbreviate(name) + "' has " + name.length());
        }
        if (name.indexOf('/') >= 0) {
            throw new IllegalArgumentException("a shared segment name must not contain '/': '" + abbreviate(name)
                    + "' (it names a file directly in " + SHM_DIR + ")");
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a shared segment name uses only letters, digits, '.', '_' and '-', "
                    + "and starts with a letter, digit or '_': '" + abbreviate(name) + "' does not");
        }
    }

    /** The segment's name (its file name in /dev/shm). */
    public String name() {
        return name;
    }

    /** The file in /dev/shm. */
    public Path path() {
        return path;
    }

    /** The layout kind from the header. */
    public int kind() {
        return kind;
    }

    /** The payload: the bytes after the header, 64-byte aligned. */
    public MemorySegment payload() {
        return payload;
    }

    /** The whole mapping, header included. */
    public MemorySegment whole() {
        return whole;
    }

    /** Whether this handle created the segment (rather than attached to it). */
    public boolean isCreator() {
        return creator;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Records that a handle to this segment left this JVM (was serialized), so this JVM's exit no
     * longer unlinks it; see the class comment. Harmless on attached segments.
     */
    public void markHandedOff() {
        OWNED.remove(this);
    }

    /** Unmaps the segment in this JVM. Harmless when repeated. The name stays (see {@link #unlink()}). */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        arena.close();
    }

    /**
     * Removes the name: no one can attach any more; existing mappings (in any process) stay valid
     * until closed. Harmless when repeated or when the name is gone already.
     */
    public void unlink() {
        unlinked = true;
        OWNED.remove(this);
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new IllegalStateException("cannot unlink shared segment " + path + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@link #unlink()} was called on this handle. */
    public boolean isUnlinked() {
        return unlinked;
    }

    @Override
    public String toString() {
        return "SharedSegment[" + name + ", " + SegmentDescriptor.kindName(kind) + ", " + payload.byteSize() + " bytes"
                + (closed ? ", closed" : "") + "]";
    }

    private static String generatedName() {
        return PREFIX + ProcessTree.rootPid() + "-" + String.format("%016x", ThreadLocalRandom.current().nextLong());
    }

    private static void own(SharedSegment segment) {
        OWNED.add(segment);
        if (!hookInstalled) {
            synchronized (SharedSegment.class) {
                if (!hookInstalled) {
                    Runtime.getRuntime().addShutdownHook(new Thread(SharedSegment::unlinkOwned, "mp4j-shm-unlink"));
                    hookInstalled = true;
                }
            }
        }
    }

    private static void unlinkOwned() {
        for (SharedSegment segment : OWNED) {
            try {
                Files.deleteIfExists(segment.path);
            } catch (IOException ignored) {
                // Best effort at exit; the tracker removes whatever is left once the tree is gone.
            }
        }
    }

    private static volatile FileStore shmStore;

    /** The /dev/shm file store, looked up once: the lookup scans the mount table (about 80 µs). */
    private static FileStore shmStore() throws IOException {
        FileStore store = shmStore;
        if (store == null) {
            store = Files.getFileStore(SHM_DIR);
            shmStore = store;
        }
        return store;
    }

    private static void checkPlatform() {
        if (!Files.isDirectory(SHM_DIR) || !System.getProperty("os.name", "").startsWith("Linux")) {
            throw new UnsupportedOperationException("multiprocessing4j shared memory needs Linux and its " + SHM_DIR
                    + " tmpfs; this is " + System.getProperty("os.name"));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
