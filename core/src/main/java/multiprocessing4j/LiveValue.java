package multiprocessing4j;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeoutException;

import multiprocessing4j.internal.codec.Codec;
import multiprocessing4j.internal.codec.Codecs;
import multiprocessing4j.internal.codec.EncodeBuffer;
import multiprocessing4j.internal.live.LiveCell;
import multiprocessing4j.internal.live.LiveValueDescriptor;

/**
 * The latest result of a long computation, readable by any process at any time: one process
 * {@link #publish publishes} a value now and then, and other processes read the newest one
 * ({@link #latest()}) whenever they like, without ever waiting for the computation and without
 * the computation ever waiting for them. It is what a Python program builds from a
 * {@code Manager().Namespace()} attribute, a {@code sleep(1)} to dodge the start-up race, and no
 * way to tell a stale value from a fresh one; here the race is {@link #awaitFirst(Duration)} and
 * staleness is {@link Snapshot#age()} and {@link #publisherAlive()}.
 *
 * <pre>{@code
 * try (LiveValue<Double> estimate = LiveValue.create()) {
 *     ChildProcess worker = ChildProcess.start(() -> {      // the captured handle attaches in the child
 *         for (long n = 1; ; n++) estimate.publish(refine(n));
 *     });
 *     double first = estimate.awaitFirst(Duration.ofMinutes(1));
 *     while (running) {
 *         LiveValue.Snapshot<Double> s = estimate.snapshot().orElseThrow();
 *         System.out.printf("%.6f (version %d, %d ms old)%n", s.value(), s.version(), s.age().toMillis());
 *         Thread.sleep(5_000);
 *     }
 *     worker.terminate();
 * }
 * }</pre>
 *
 * <p><b>Values.</b> Any value the library's codec can serialize (see {@code Serializable}), of any
 * size; {@code null} is refused. A value that cannot be serialized is refused by {@code publish}
 * with {@link IllegalArgumentException} naming the offending class, and the previous value stays.
 * Readers get a deserialized copy. Reading an unchanged value does not deserialize it again: each
 * handle keeps the last value it decoded with its version and returns the <em>same object</em>
 * until a newer version appears, so treat values as immutable.
 *
 * <p><b>Versions.</b> Every {@code publish} makes the next version, 1, 2, 3, ...; {@link #version()}
 * is 0 until the first one. A reader sees versions in increasing order, possibly skipping some
 * (only the latest is kept). {@link #awaitNewer(long, Duration)} blocks until a version above a
 * given one exists; waiting readers sleep on a futex and are woken by {@code publish}.
 *
 * <p><b>Never torn, never blocking the publisher.</b> The value lives in shared memory, in two
 * slots the publisher writes alternately, each guarded by a version word (a seqlock): a reader
 * copies the newest complete slot and checks that it was not rewritten meanwhile, retrying if it
 * was. {@code publish} never waits for readers (only for other threads of its own process
 * publishing the same value). A value larger than the slots moves the value to a new, larger
 * shared segment; readers follow it and the old one is unlinked.
 *
 * <p><b>One publishing process.</b> The first {@code publish} claims the value for its process
 * (pid and start time); a {@code publish} from another process while that one lives throws
 * {@link IllegalStateException}: two computations writing one result is a bug to report, not a race
 * to let the last writer win silently. Threads of the claiming process may all publish (one at a
 * time). Once the claiming process has ended, any process may take over, so a restarted
 * computation can go on publishing.
 *
 * <p><b>When the publisher dies.</b> The last complete version stays readable, whatever the
 * publisher was doing when it died; {@link #publisherAlive()} turns false, so a reader can tell a
 * final, stale value from a fresh one. A reader blocked in {@code awaitFirst}/{@code awaitNewer}
 * is not woken by the death; it times out (use the timed variants and check
 * {@code publisherAlive()}).
 *
 * <p><b>Handles and lifetime.</b> A {@code LiveValue} is a handle: serializing it (by the codec,
 * by JDK serialization, or by capturing it in a lambda sent to a child or a pool worker) sends only
 * its name, and the copy attaches to the same value. {@link #close()} on the handle that
 * {@link #create() created} the value also {@link #unlink() unlinks} it (the creator owns it:
 * try-with-resources leaves nothing in {@code /dev/shm}); processes still attached keep reading
 * the last value they mapped, but nobody can attach any more. {@code close()} on any other handle
 * only unmaps it in that process. Without any close, the storage is removed when the whole process
 * tree has ended. Closing twice is harmless; using a closed handle throws
 * {@link IllegalStateException}.
 *
 * <p><b>Memory consistency effects.</b> Actions in a thread (of any process) before it publishes
 * a value <i>happen-before</i> actions following a read, in another thread or process, that
 * returns that value or a later one (the version word is written with release and read with
 * acquire semantics).
 *
 * @param <T> the type of the values
 */
public final class LiveValue<T> implements AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Room per slot when no hint is given: small results fit without growing. */
    public static final int DEFAULT_CAPACITY = 1024;

    private final transient LiveCell cell;
    private final transient Codec codec;
    private final transient EncodeBuffer encoded = new EncodeBuffer(256);
    private final transient LiveCell.ReadBuffer readBuffer = new LiveCell.ReadBuffer();
    private transient volatile Snapshot<T> cached;

    private LiveValue(LiveCell cell) {
        this.cell = cell;
        this.codec = Codecs.fromSystemProperty();
    }

    /**
     * Creates an empty live value with room for encoded values of about {@value #DEFAULT_CAPACITY}
     * bytes (larger ones are fine: the storage grows).
     *
     * @throws UnsupportedOperationException if this is not Linux
     */
    public static <T> LiveValue<T> create() {
        return new LiveValue<>(LiveCell.create(DEFAULT_CAPACITY));
    }

    /**
     * Creates an empty live value with room for encoded values of {@code capacityHint} bytes, so
     * that values of a known large size do not first move the storage.
     *
     * @throws IllegalArgumentException if {@code capacityHint} is not positive or above 2 GiB
     * @throws UnsupportedOperationException if this is not Linux
     */
    public static <T> LiveValue<T> create(int capacityHint) {
        return new LiveValue<>(LiveCell.create(capacityHint));
    }

    /**
     * Makes {@code value} the latest value, as the next version; never waits for readers.
     *
     * @return the version it was published as
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if the value cannot be serialized (the previous value stays)
     * @throws IllegalStateException if another process that is still running publishes this value,
     *                               or this handle is closed
     */
    public long publish(T value) {
        Objects.requireNonNull(value, "a live value cannot be null: publish a value (or an Optional, or a sentinel)");
        synchronized (encoded) {
            encoded.clear();
            int length = codec.encode(value, encoded);
            return cell.publish(encoded.array(), length);
        }
    }

    /**
     * The latest value, or empty if none was published yet. Never blocks on the publisher.
     *
     * @throws IllegalStateException if this handle is closed
     * @throws RuntimeException (a {@code CodecException}) if the value cannot be deserialized here, e.g. its class is missing
     */
    public Optional<T> latest() {
        return snapshot().map(Snapshot::value);
    }

    /** The latest value with its version and publication time, or empty if none was published yet. */
    public Optional<Snapshot<T>> snapshot() {
        Snapshot<T> known = cached;
        if (known != null && known.version() == cell.version()) {
            return Optional.of(known);
        }
        return Optional.ofNullable(refresh());
    }

    /** The latest version: 0 before the first publication, then 1, 2, 3, ... */
    public long version() {
        return cell.version();
    }

    /** When the latest value was published (this machine's clock), or empty if none was. */
    public Optional<Instant> publishedAt() {
        return snapshot().map(Snapshot::publishedAt);
    }

    /**
     * Whether the process that published (or is publishing) this value still runs; false before
     * the first publication. A reader that sees {@code false} holds a final value: nobody is
     * refining it any more.
     */
    public boolean publisherAlive() {
        return cell.publisherAlive();
    }

    /** The pid of the process that claimed this value by publishing, or empty if nobody has yet. */
    public OptionalLong publisherPid() {
        long p = cell.publisher();
        return p == 0 ? OptionalLong.empty() : OptionalLong.of(LiveValueDescriptor.publisherPid(p));
    }

    /**
     * Waits, as long as it takes, for the first value, and returns it.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public T awaitFirst() throws InterruptedException {
        cell.awaitVersionAbove(0, Long.MAX_VALUE);
        return snapshot().orElseThrow().value();
    }

    /**
     * Waits at most {@code timeout} for the first value (returns at once if there is one), and
     * returns it: the start-up race, without a {@code sleep}.
     *
     * @throws TimeoutException if nothing was published within {@code timeout}
     * @throws InterruptedException if interrupted while waiting
     */
    public T awaitFirst(Duration timeout) throws InterruptedException, TimeoutException {
        if (!cell.awaitVersionAbove(0, nanos(timeout))) {
            throw new TimeoutException("no value was published to live value " + cell.name() + " within " + timeout
                    + (cell.publisher() != 0 && !publisherAlive() ? " (its publisher has died)" : ""));
        }
        return snapshot().orElseThrow().value();
    }

    /**
     * Waits, as long as it takes, for a version above {@code version}, and returns the latest
     * value with its version (pass that version to the next call).
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public Snapshot<T> awaitNewer(long version) throws InterruptedException {
        cell.awaitVersionAbove(version, Long.MAX_VALUE);
        return snapshot().orElseThrow();
    }

    /**
     * Waits at most {@code timeout} for a version above {@code version} (returns at once if there
     * is one), and returns the latest value with its version.
     *
     * @throws TimeoutException if no newer version was published within {@code timeout}
     * @throws InterruptedException if interrupted while waiting
     */
    public Snapshot<T> awaitNewer(long version, Duration timeout) throws InterruptedException, TimeoutException {
        if (!cell.awaitVersionAbove(version, nanos(timeout))) {
            throw new TimeoutException("no version above " + version + " of live value " + cell.name()
                    + " was published within " + timeout + (publisherAlive() ? "" : " (no publisher is running)"));
        }
        return snapshot().orElseThrow();
    }

    /** The name of the value's shared storage, for diagnostics. */
    public String name() {
        return cell.name();
    }

    /**
     * Unmaps the value in this process; on the handle that created the value, also
     * {@link #unlink() unlinks} it. Harmless when repeated.
     */
    @Override
    public void close() {
        if (cell.isCreator() && !cell.isClosed()) {
            cell.unlink();
        }
        cell.close();
    }

    /**
     * Removes the value's storage names: no process can attach any more; processes attached keep
     * what they mapped until they close. Any handle may unlink. Harmless when repeated.
     */
    public void unlink() {
        cell.unlink();
    }

    @Override
    public String toString() {
        return "LiveValue[" + cell.name() + (cell.isClosed() ? ", closed" : ", version " + cell.version()) + "]";
    }

    @SuppressWarnings("unchecked")
    private Snapshot<T> refresh() {
        synchronized (readBuffer) {
            Snapshot<T> known = cached;
            if (!cell.read(known == null ? 0 : known.version(), readBuffer)) {
                return known;
            }
            T value = (T) codec.decode(readBuffer.bytes(), 0, readBuffer.length());
            Snapshot<T> fresh = new Snapshot<>(value, readBuffer.version(), readBuffer.publishedAt());
            cached = fresh;
            return fresh;
        }
    }

    private static long nanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * One published value with its version and the time it was published.
     *
     * @param value       the value (shared by every read of this version through one handle)
     * @param version     its version, for {@link LiveValue#awaitNewer(long, Duration)}
     * @param publishedAt when {@code publish} wrote it, by this machine's clock
     */
    public record Snapshot<T>(T value, long version, Instant publishedAt) {
        /** How long ago it was published (zero if the clock went back). */
        public Duration age() {
            Duration age = Duration.between(publishedAt, Instant.now());
            return age.isNegative() ? Duration.ZERO : age;
        }
    }

    @Serial
    private Object writeReplace() {
        // The handle leaves this JVM: this JVM's exit must no longer unlink the storage under the receiver.
        cell.markHandedOff();
        return new Handle(cell.name());
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("LiveValue is serialized as its handle, never directly");
    }

    /** The serialized form: the control segment's name; reading it attaches. */
    private record Handle(String name) implements Serializable {
        @Serial
        private Object readResolve() {
            return new LiveValue<>(LiveCell.attach(name));
        }
    }
}
