package multiprocessing4j.internal.manager;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;

import multiprocessing4j.internal.platform.Futex;
import multiprocessing4j.shared.SharedMemory;

/**
 * The transport of a client and a server on the same machine: two single-producer single-consumer byte
 * rings in one shared-memory segment, one per direction, with futex wake-ups. A round trip between two
 * processes that are running costs well under a microsecond here, against tens of microseconds through
 * the loopback TCP stack; a waiting side spins briefly ({@link Futex#awaitChange}) before it sleeps.
 *
 * <p>The TCP connection that negotiated the switch stays open and silent: it is how each side notices
 * that the other is gone (its end of the socket reads end-of-stream), checked whenever a wait slice of
 * {@value Futex#MAX_SLICE_MILLIS} ms passes with nothing new.
 *
 * <h2>Layout of one ring ({@code RING_LENGTH} bytes)</h2>
 * <pre>
 *   0  TAIL          int  bytes ever written, mod 2^32 (producer; release)
 *   4  TAIL_WAITERS  int  consumers sleeping on TAIL
 *  64  HEAD          int  bytes ever read, mod 2^32 (consumer; release)   own cache line: no false sharing
 *  68  HEAD_WAITERS  int  producers sleeping on HEAD
 * 128  DATA          CAPACITY bytes, a power of two; byte n of the stream sits at DATA + (n mod CAPACITY)
 * </pre>
 * The segment holds the client-to-server ring at 0 and the server-to-client ring at {@code RING_LENGTH}.
 */
final class ShmTransport implements Transport {
    static final int CAPACITY = 64 * 1024;
    static final long TAIL = 0;
    static final long TAIL_WAITERS = 4;
    static final long HEAD = 64;
    static final long HEAD_WAITERS = 68;
    static final long DATA = 128;
    static final long RING_LENGTH = DATA + CAPACITY;
    static final long SEGMENT_LENGTH = 2 * RING_LENGTH;
    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(Futex.MAX_SLICE_MILLIS);
    private static final long SPIN_NANOS = ManagerClient.spinNanos();

    private final SharedMemory shm;
    private final MemorySegment segment;
    private final long in;
    private final long out;
    private final ChannelTransport socket;
    private int inHead;
    private int outTail;
    private volatile boolean closed;

    /**
     * @param shm    the segment, {@link #SEGMENT_LENGTH} bytes, zeroed when created
     * @param server whether this is the server's end
     * @param socket the connection that negotiated this transport: kept for noticing the peer's end
     */
    ShmTransport(SharedMemory shm, boolean server, ChannelTransport socket) {
        if (shm.size() < SEGMENT_LENGTH) {
            throw new IllegalArgumentException("shared memory of " + shm.size() + " bytes is too small for a transport ("
                    + SEGMENT_LENGTH + ")");
        }
        this.shm = shm;
        this.segment = shm.segment();
        this.in = server ? 0 : RING_LENGTH;
        this.out = server ? RING_LENGTH : 0;
        this.socket = socket;
        this.inHead = (int) Futex.INT.getAcquire(segment, in + HEAD);
        this.outTail = (int) Futex.INT.getAcquire(segment, out + TAIL);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
        boolean interrupted = false;
        try {
            while (len > 0) {
                int head = (int) Futex.INT.getAcquire(segment, out + HEAD);
                int free = CAPACITY - (outTail - head);
                if (free == 0) {
                    interrupted |= await(out + HEAD, head, out + HEAD_WAITERS, Long.MAX_VALUE);
                    continue;
                }
                int n = Math.min(len, free);
                copyIn(buf, off, n);
                off += n;
                len -= n;
                outTail += n;
                Futex.INT.setRelease(segment, out + TAIL, outTail);
                Futex.wakeIfWaiting(segment, out + TAIL, out + TAIL_WAITERS, 1);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void copyIn(byte[] buf, int off, int n) {
        int at = outTail & (CAPACITY - 1);
        int first = Math.min(n, CAPACITY - at);
        MemorySegment.copy(buf, off, segment, ValueLayout.JAVA_BYTE, out + DATA + at, first);
        if (first < n) {
            MemorySegment.copy(buf, off + first, segment, ValueLayout.JAVA_BYTE, out + DATA, n - first);
        }
    }

    @Override
    public void readFully(byte[] buf, int off, int len, long timeoutNanos) throws IOException {
        long deadline = timeoutNanos < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutNanos;
        boolean interrupted = false;
        try {
            while (len > 0) {
                int tail = (int) Futex.INT.getAcquire(segment, in + TAIL);
                int available = tail - inHead;
                if (available == 0) {
                    interrupted |= await(in + TAIL, tail, in + TAIL_WAITERS, deadline);
                    continue;
                }
                int n = Math.min(len, available);
                int at = inHead & (CAPACITY - 1);
                int first = Math.min(n, CAPACITY - at);
                MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, in + DATA + at, buf, off, first);
                if (first < n) {
                    MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, in + DATA, buf, off + first, n - first);
                }
                off += n;
                len -= n;
                inHead += n;
                Futex.INT.setRelease(segment, in + HEAD, inHead);
                Futex.wakeIfWaiting(segment, in + HEAD, in + HEAD_WAITERS, 1);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits one slice at most for the word to leave {@code expected}; between slices checks that this end
     * is open, the peer still there, the deadline not passed. Returns whether an interrupt arrived (the
     * wait goes on: a frame is never abandoned half-way).
     */
    private boolean await(long word, int expected, long waiters, long deadline) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        long slice = SLICE_NANOS;
        if (deadline != Long.MAX_VALUE) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("no data from " + peer() + " in time");
            }
            slice = Math.min(slice, left);
        }
        // optionally poll the word first (ManagerClient.SPIN_MICROS_PROPERTY); the futex wait then spins
        // adaptively by itself before it sleeps
        if (SPIN_NANOS > 0) {
            long spinEnd = System.nanoTime() + SPIN_NANOS;
            do {
                if ((int) Futex.INT.getAcquire(segment, word) != expected) {
                    return false;
                }
                Thread.onSpinWait();
            } while (System.nanoTime() - spinEnd < 0);
        }
        boolean interrupted = false;
        boolean changed;
        try {
            changed = Futex.awaitChange(segment, word, expected, waiters, slice);
        } catch (InterruptedException e) {
            interrupted = true;
            changed = false;
        } catch (IllegalStateException e) {
            throw new ClosedChannelException();
        }
        if (!changed && !interrupted && socket.peerClosed()) {
            throw new EOFException("connection closed by " + peer());
        }
        return interrupted;
    }

    @Override
    public String peer() {
        return socket.peer();
    }

    /**
     * Ends the transport: the socket closes (the peer notices), sleepers here are woken, the name is
     * unlinked and the mapping closed. From another thread the mapping may still be in use by this end's
     * own thread; it is then closed when that thread closes the transport in turn. Harmless when repeated.
     */
    @Override
    public void close() {
        closed = true;
        socket.close();
        shm.unlink();
        try {
            Futex.wakeAll(segment, in + TAIL);
            Futex.wakeAll(segment, out + HEAD);
            shm.close();
        } catch (IllegalStateException inUse) {
            // the owning thread is inside a wait on the mapping; it closes the transport itself on its way out
        }
    }
}
