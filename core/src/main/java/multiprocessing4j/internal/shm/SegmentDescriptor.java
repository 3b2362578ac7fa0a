package multiprocessing4j.internal.shm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * The header at the start of every multiprocessing4j shared segment, so that attaching to the
 * wrong file (another layout, another program's file, a half-created segment) fails clearly
 * instead of corrupting memory. The payload (the layout of one primitive) starts at
 * {@link #HEADER_LENGTH}, which keeps it 64-byte (cache line) aligned.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Magic "mp4j-shm", written last                |  0
 *  +-------------------------------+-------------------------------+
 *  |            Version            |     Layout kind (fourcc)      |  8
 *  +-------------------------------+-------------------------------+
 *  |                        Payload length                         | 16
 *  +---------------------------------------------------------------+
 *  |                   Root pid of creating tree                   | 24
 *  +---------------------------------------------------------------+
 *  |                 Root start time (see Pids)                    | 32
 *  +---------------------------------------------------------------+
 *  |                          Creator pid                          | 40
 *  +---------------------------------------------------------------+
 *  |                      Reserved (16 bytes)                      | 48
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Conventions for payload layouts (follow them in every {@code ...Descriptor}): offsets are
 * relative to the payload; words a futex waits on are 4-byte aligned {@code int}s; words written
 * by different processes at high rates sit on different cache lines ({@link #CACHE_LINE_LENGTH});
 * each descriptor has a {@code KIND} constant made with {@link #kind(String)} and a
 * {@code check...} method that rejects a wrong size with the reason.
 */
public final class SegmentDescriptor {
    /** Cache line length assumed for padding against false sharing. */
    public static final int CACHE_LINE_LENGTH = 64;

    /** "mp4j-shm" as a little-endian long; a segment whose first word is 0 is not initialised yet. */
    public static final long MAGIC = 0x6d68732d6a34706dL;
    /** Layout version of this header. */
    public static final int VERSION = 1;

    /** Offset of the magic word (long), written last with release semantics. */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the header version (int). */
    public static final int VERSION_OFFSET = MAGIC_OFFSET + Long.BYTES;
    /** Offset of the layout kind (int, a fourcc from {@link #kind(String)}). */
    public static final int KIND_OFFSET = VERSION_OFFSET + Integer.BYTES;
    /** Offset of the payload length in bytes (long). */
    public static final int PAYLOAD_LENGTH_OFFSET = KIND_OFFSET + Integer.BYTES;
    /** Offset of the pid of the root of the creating process tree (long); the tracker checks it before unlinking. */
    public static final int ROOT_PID_OFFSET = PAYLOAD_LENGTH_OFFSET + Long.BYTES;
    /** Offset of the start time of that root (long), which makes the root pid immune to reuse. */
    public static final int ROOT_START_TIME_OFFSET = ROOT_PID_OFFSET + Long.BYTES;
    /** Offset of the pid of the creating process (long), for diagnostics. */
    public static final int CREATOR_PID_OFFSET = ROOT_START_TIME_OFFSET + Long.BYTES;
    /** Length of the header; the payload starts here. */
    public static final int HEADER_LENGTH = CACHE_LINE_LENGTH;

    /** Kind of a raw {@code SharedMemory} segment. */
    public static final int KIND_RAW = kind("SHMM");

    private SegmentDescriptor() {
    }

    /** A layout kind from four ASCII characters, e.g. {@code kind("LOCK")}; readable in a hex dump. */
    public static int kind(String fourcc) {
        byte[] b = fourcc.getBytes(StandardCharsets.US_ASCII);
        if (b.length != 4 || fourcc.length() != 4) {
            throw new IllegalArgumentException("a layout kind is exactly four ASCII characters, was '" + fourcc + "'");
        }
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }

    /** The four characters of a kind, for messages. */
    public static String kindName(int kind) {
        byte[] b = {(byte) kind, (byte) (kind >>> 8), (byte) (kind >>> 16), (byte) (kind >>> 24)};
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** Writes every header field except the magic, then the magic with release semantics. */
    static void initialise(MemorySegment whole, int kind, long payloadLength, long rootPid, long rootStartTime,
                           long creatorPid) {
        whole.set(ValueLayout.JAVA_INT, VERSION_OFFSET, VERSION);
        whole.set(ValueLayout.JAVA_INT, KIND_OFFSET, kind);
        whole.set(ValueLayout.JAVA_LONG, PAYLOAD_LENGTH_OFFSET, payloadLength);
        whole.set(ValueLayout.JAVA_LONG, ROOT_PID_OFFSET, rootPid);
        whole.set(ValueLayout.JAVA_LONG, ROOT_START_TIME_OFFSET, rootStartTime);
        whole.set(ValueLayout.JAVA_LONG, CREATOR_PID_OFFSET, creatorPid);
        ValueLayout.JAVA_LONG.varHandle().setRelease(whole, (long) MAGIC_OFFSET, MAGIC);
    }

    /** Whether the header's magic has been published. */
    static boolean isInitialised(MemorySegment whole) {
        return (long) ValueLayout.JAVA_LONG.varHandle().getAcquire(whole, (long) MAGIC_OFFSET) == MAGIC;
    }

    /**
     * Checks an initialised header against what the attacher expects.
     *
     * @param expectedKind the layout kind, or 0 to accept any
     * @throws IllegalArgumentException naming the segment and what is wrong
     */
    static void checkHeader(String name, MemorySegment whole, int expectedKind) {
        int version = whole.get(ValueLayout.JAVA_INT, VERSION_OFFSET);
        if (version != VERSION) {
            throw new IllegalArgumentException("shared segment '" + name + "' has header version " + version
                    + ", this library reads version " + VERSION + ": was it created by another multiprocessing4j release?");
        }
        int kind = whole.get(ValueLayout.JAVA_INT, KIND_OFFSET);
        if (expectedKind != 0 && kind != expectedKind) {
            throw new IllegalArgumentException("shared segment '" + name + "' holds a '" + kindName(kind)
                    + "' layout, not the expected '" + kindName(expectedKind) + "': attach it with the matching type");
        }
        long payload = whole.get(ValueLayout.JAVA_LONG, PAYLOAD_LENGTH_OFFSET);
        if (payload < 0 || payload > whole.byteSize() - HEADER_LENGTH) {
            throw new IllegalArgumentException("shared segment '" + name + "' declares a payload of " + payload
                    + " bytes but the file holds only " + (whole.byteSize() - HEADER_LENGTH));
        }
    }
}
