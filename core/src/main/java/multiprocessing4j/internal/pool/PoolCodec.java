package multiprocessing4j.internal.pool;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import multiprocessing4j.internal.codec.Codec;
import multiprocessing4j.internal.codec.Codecs;
import multiprocessing4j.internal.codec.RemoteFailure;
import multiprocessing4j.internal.codec.WarmingCodec;
import multiprocessing4j.internal.runtime.CurrentProcess;
import multiprocessing4j.internal.runtime.Link;
import multiprocessing4j.internal.runtime.LinkClosedException;

/**
 * The codec a pool and its workers share, and how a task's exception travels: as a {@link RemoteFailure},
 * rebuilt here as the original exception where possible, else as a {@code RemoteException}, always with the
 * remote trace.
 *
 * <p><b>Start-up.</b> With the default codec this is a {@link WarmingCodec}: a worker JVM started cold would
 * otherwise build Apache Fory (≈ 100-400 ms of CPU here) before it could read its first task, and a pool
 * created in a JVM that never used Fory would build it before it could send one. So both ends speak JDK
 * serialization until Fory is warm on both: each encoding names its codec in its first byte, so either
 * end reads whatever comes. Each side warms Fory up in the background after its first round trip and then
 * tells the other over the runtime's link of that worker ({@link #FORY_WARM}): a worker its pool, a pool
 * each of its workers. A pool JVM speaks Fory once no live worker of its started cold and has not said so
 * yet ({@link #coldWorkerStarted}); a worker once its pool said so. With {@code -Dmp4j.codec=jdk} it is
 * plain JDK serialization, as for the rest of the process.
 */
final class PoolCodec {
    /** The message, on the runtime's link between a pool and a worker, that says "Fory is warm here". */
    static final byte[] FORY_WARM = {'F'};

    /**
     * When a worker warms Fory up if no round trip started it before: after the pool's start-up (its first
     * results, ≈ 50-100 ms after this point on an idle 2-vCPU machine, several times that on a loaded one) has had
     * the CPU, which on a small machine it needs alone. The cost of waiting longer is small: until then tasks
     * and results travel as JDK serialization (a function only once per worker; numbers and strings by the
     * codecs' fast path anyway).
     */
    private static final Duration IDLE_WORKER_WARM_UP_DELAY = Duration.ofSeconds(1);

    /** Workers of this JVM's pools that started cold, are alive, and have not said their Fory is warm. */
    private static final AtomicInteger COLD_WORKERS = new AtomicInteger();
    /** In a worker JVM: whether its pool's JVM reads Fory (false until it says so). */
    private static volatile boolean isWorker;
    private static volatile boolean poolReadsFory;

    private static final Codec CODEC = Codecs.warming(
            () -> COLD_WORKERS.get() == 0 && (!isWorker || poolReadsFory));

    private PoolCodec() {
    }

    static Codec codec() {
        return CODEC;
    }

    /** Whether the codec is warm here (always true for {@code -Dmp4j.codec=jdk}: nothing to wait for). */
    static boolean isWarm() {
        return !(CODEC instanceof WarmingCodec w) || w.isWarm();
    }

    /** Runs {@code action} once the codec is warm here (at once if it is). */
    static void whenWarm(Runnable action) {
        if (CODEC instanceof WarmingCodec w) {
            w.whenWarm(action);
        } else {
            action.run();
        }
    }

    /**
     * A worker JVM that may not read Fory yet was started for a pool here; the returned runnable says it
     * does now (or is gone). Idempotent.
     */
    static Runnable coldWorkerStarted() {
        COLD_WORKERS.incrementAndGet();
        AtomicBoolean done = new AtomicBoolean();
        return () -> {
            if (done.compareAndSet(false, true)) {
                COLD_WORKERS.decrementAndGet();
            }
        };
    }

    /**
     * This JVM is a pool worker of the runtime: hears over {@code parent} when Fory is warm in the pool's JVM
     * ({@code poolWarm}: it was already when the pool started this worker), and, if {@code tellWhenWarm} (the pool
     * started this worker cold and waits to hear it), tells the pool when it is warm here. A warm spare taken by a
     * warm pool does neither: nothing is sent, nothing started, before its first task.
     */
    static void inWorker(Link parent, boolean poolWarm, boolean tellWhenWarm) {
        isWorker = true;
        poolReadsFory = poolWarm;
        if (CODEC instanceof WarmingCodec w && !w.isWarm()) {
            // before READY, as Fory was built before it until tasks came JDK-serialized to cold workers: the first
            // task's timeout starts at READY and must not include loading the serialization machinery
            w.prepareJdk();
        }
        if (tellWhenWarm) {
            whenWarm(() -> {
                try {
                    parent.send(FORY_WARM);
                } catch (LinkClosedException gone) {
                    // the pool is gone: this worker is about to end too
                }
            });
        }
        if (!poolWarm) {
            Thread.ofPlatform().daemon().name("mp4j-pool-codec").start(() -> {
                try {
                    while (!Arrays.equals(parent.receive(), FORY_WARM)) {
                        // nothing else travels this way
                    }
                    poolReadsFory = true;
                } catch (InterruptedException | LinkClosedException gone) {
                    // the pool is gone
                }
            });
        }
        if (CODEC instanceof WarmingCodec w && !w.isWarm()) {
            // a worker that gets no task soon (its pool is idle, or busy with other workers) must warm up too:
            // until it does, its pool's JVM speaks JDK serialization to every worker
            w.warmUpWithin(IDLE_WORKER_WARM_UP_DELAY);
            if (CurrentProcess.dumpsClassDataAtExit()) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        w.stopWarmingUp(Duration.ofSeconds(10));
                    } catch (InterruptedException e) {
                        // exit now
                    }
                }, "mp4j-codec-warm-up-wait"));
            }
        }
    }

    /** A form of {@code failure} that always encodes. */
    static Object captureFailure(Throwable failure) {
        return RemoteFailure.capture(failure, codec());
    }

    /** The original exception where it could be rebuilt here, else a {@link multiprocessing4j.RemoteException}. */
    static Throwable rebuildFailure(Object captured) {
        return ((RemoteFailure) captured).rebuild(codec());
    }

    static boolean isFailure(Object value) {
        return value instanceof RemoteFailure;
    }
}
