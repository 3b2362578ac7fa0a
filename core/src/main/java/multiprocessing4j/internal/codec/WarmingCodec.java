package multiprocessing4j.internal.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A {@link Codec} for conversations that start in a fresh JVM: Apache Fory once it is warm on both sides,
 * JDK serialization until then. Building Fory and its first serializers costs ≈ 100-400 ms of CPU in a fresh
 * JVM ({@code codec.first.roundtrip} in the benchmarks), while JDK serialization is half loaded in any JVM:
 * a pool worker that had to build Fory before it could read its first task would put all of that on the
 * pool's critical path.
 *
 * <pre>{@code
 * WarmingCodec codec = (WarmingCodec) Codecs.warming(() -> peerSaidItIsWarm);
 * byte[] task = codec.encode(fn);          // JDK serialization (tag JDK) while either side is cold
 * Object back = codec.decode(resultBytes); // reads FastPath, JDK and Fory encodings alike
 * codec.whenWarm(() -> tellPeer());        // after the first round trip, Fory warms up in the background
 * }</pre>
 *
 * <p><b>Agreement.</b> Every encoding says what it is in its first byte ({@link FastPath}'s tag: {@code JDK}
 * for a JDK serialization stream, {@code CODEC} for Fory's), so the two ends never have to agree on a
 * switch-over moment: each decodes whatever comes. Choosing Fory is only an optimisation, made when this
 * JVM's Fory is warm and {@code peersReadFory} says the other side's is too (the caller learns that from
 * its peer); should Fory bytes reach a side that is still cold, that side builds Fory on the spot, slower
 * but correct. A value JDK serialization refuses goes through Fory at once (which then fails, in the
 * caller, with Fory's message naming the class, if it is not serializable at all).
 *
 * <p><b>When the warm-up starts.</b> After this codec has both encoded and decoded a value (for a pool
 * worker: its first task and result; for the pool: its first task and result), on a daemon thread: not
 * earlier, because on a small machine the build would take the CPU from the very start-up it must not delay.
 * Not at all when Fory is warm in this JVM already ({@link Codecs#isDefaultWarm()}, e.g. a warm spare). A side
 * that may not have a round trip soon starts it after a delay instead ({@link #warmUpWithin}).
 *
 * <p>Thread-safe. Memory consistency: actions before the warm-up completes happen-before the callbacks given
 * to {@link #whenWarm}.
 */
public final class WarmingCodec implements Codec {
    private final JdkCodec jdk = (JdkCodec) Codecs.jdkCodec();
    private final BooleanSupplier peersReadFory;
    private final List<Runnable> onWarm = new ArrayList<>();
    private volatile boolean encoded;
    private volatile boolean decoded;
    /** Set once the warm-up was started, found unnecessary or stopped: no more bookkeeping per call after that. */
    private volatile boolean warmUpStarted;
    private volatile boolean warm;
    private volatile Thread warmUpThread;

    WarmingCodec(BooleanSupplier peersReadFory) {
        this.peersReadFory = peersReadFory;
    }

    /** Whether Fory is warm in this JVM. */
    public boolean isWarm() {
        if (!warm && Codecs.isDefaultWarm()) {
            becameWarm();
        }
        return warm;
    }

    /** Runs {@code action} once Fory is warm in this JVM: at once (on this thread) if it is already. */
    public void whenWarm(Runnable action) {
        Objects.requireNonNull(action, "action");
        synchronized (onWarm) {
            if (!isWarm()) {
                onWarm.add(action);
                return;
            }
        }
        action.run();
    }

    /**
     * Round-trips a serializable lambda through JDK serialization on the calling thread, so that the first real
     * value does not pay for loading and initialising the serialization machinery (≈ 90 ms in a fresh JVM): for a
     * side whose first value must not be slow to decode, e.g. a pool worker's first task, which runs under the
     * task's timeout from the moment the worker says it is ready.
     */
    public void prepareJdk() {
        try {
            Warm.jdkRoundTrip(jdk);
        } catch (RuntimeException e) {
            // preparing is an optimisation: a real value will report any real problem
        }
    }

    /** Starts the warm-up now rather than after the first round trip (idempotent). */
    public void warmUpInBackground() {
        if (warmUpStarted) {
            return;
        }
        synchronized (this) { // started under the lock, so that stopWarmingUp sees it alive
            if (!warmUpStarted && !warm && !Codecs.isDefaultWarm()) {
                warmUpStarted = true;
                warmUpThread = Thread.ofPlatform().daemon().name("mp4j-codec-warm-up").start(this::warmUp);
            }
            warmUpStarted = true;
        }
    }

    /**
     * Starts the warm-up after {@code delay} unless the first round trip (or a call of
     * {@link #warmUpInBackground()}) starts it before: for a side that may sit idle after start-up, which would
     * otherwise keep its peers speaking JDK serialization for as long as it idles.
     */
    public void warmUpWithin(java.time.Duration delay) {
        if (warmUpStarted || isWarm()) {
            return;
        }
        Thread.ofPlatform().daemon().name("mp4j-codec-warm-up").start(() -> {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (warmUpStarted) {
                    return;
                }
                warmUpStarted = true;
                warmUpThread = Thread.currentThread();
            }
            warmUp();
        });
    }

    private void warmUp() {
        try {
            if (!Codecs.isDefaultWarm()) {
                Codecs.warmUpDefault();
            }
            becameWarm();
        } catch (RuntimeException | LinkageError e) {
            // Fory cannot be built here: this codec keeps speaking JDK serialization, which works
        }
    }

    /**
     * Makes sure no warm-up starts from now on, and waits up to {@code timeout} for one in progress to end
     * (for an exit that must not find a thread loading classes, see {@code CurrentProcess.dumpsClassDataAtExit}).
     *
     * @return whether no warm-up is in progress any more
     */
    public boolean stopWarmingUp(java.time.Duration timeout) throws InterruptedException {
        Thread t;
        synchronized (this) {
            warmUpStarted = true;
            t = warmUpThread;
        }
        return t == null || t == Thread.currentThread() || t.join(timeout);
    }

    private void becameWarm() {
        List<Runnable> actions;
        synchronized (onWarm) {
            if (warm) {
                return;
            }
            warm = true;
            actions = new ArrayList<>(onWarm);
            onWarm.clear();
        }
        for (Runnable action : actions) {
            try {
                action.run();
            } catch (RuntimeException e) {
                // an action's failure (e.g. a peer gone) is its own business; the others still run
            }
        }
    }

    private boolean useFory() {
        return isWarm() && peersReadFory.getAsBoolean();
    }

    private void used(boolean encoding) {
        if (encoding) {
            encoded = true;
        } else {
            decoded = true;
        }
        if (encoded && decoded) {
            warmUpInBackground();
        }
    }

    @Override
    public byte[] encode(Object value) {
        byte[] fast = FastPath.encode(value);
        if (fast != null) {
            if (!warmUpStarted) {
                used(true);
            }
            return fast;
        }
        if (useFory()) {
            return Codecs.defaultCodec().encode(value);
        }
        byte[] bytes;
        try {
            bytes = jdk.encode(value);
        } catch (NotSerializableValueException refused) {
            return Codecs.defaultCodec().encode(value);
        }
        bytes[0] = FastPath.JDK; // a fresh array whose first byte is the CODEC tag: the value was not a fast one
        if (!warmUpStarted) {
            used(true);
        }
        return bytes;
    }

    @Override
    public int encode(Object value, EncodeBuffer out) {
        int start = out.length();
        int n = FastPath.encode(value, out);
        if (n < 0) {
            if (useFory()) {
                return Codecs.defaultCodec().encode(value, out);
            }
            try {
                n = jdk.encode(value, out);
            } catch (NotSerializableValueException refused) {
                return Codecs.defaultCodec().encode(value, out);
            }
            out.array()[start] = FastPath.JDK;
        }
        if (!warmUpStarted) {
            used(true);
        }
        return n;
    }

    @Override
    public Object decode(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length == 0) {
            throw new CodecException("Cannot decode: no bytes (an encoded value has at least one)");
        }
        byte tag = bytes[offset];
        if (tag == FastPath.CODEC) {
            return Codecs.defaultCodec().decode(bytes, offset, length);
        }
        if (!warmUpStarted) {
            used(false);
        }
        return tag == FastPath.JDK ? jdk.decodeStream(bytes, offset + 1, length - 1)
                : FastPath.decode(bytes, offset, length);
    }

    @Override
    public Object decode(MemorySegment slice) {
        if (slice.heapBase().orElse(null) instanceof byte[] array) {
            return decode(array, (int) slice.address(), Math.toIntExact(slice.byteSize()));
        }
        if (slice.byteSize() > 0 && slice.get(ValueLayout.JAVA_BYTE, 0) == FastPath.CODEC) {
            return Codecs.defaultCodec().decode(slice);
        }
        byte[] bytes = slice.toArray(ValueLayout.JAVA_BYTE);
        return decode(bytes, 0, bytes.length);
    }

    @Override
    public String toString() {
        return "WarmingCodec(" + (isWarm() ? "Fory warm" : "JDK until Fory is warm") + ")";
    }
}
