package multiprocessing4j.internal.pool;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import multiprocessing4j.WorkerDiedException;

/**
 * The heart of a process pool: which worker holds which tasks, and what happens when a worker ends.
 *
 * <p><b>Scheduling.</b> Tasks wait in {@code pending} until a ready worker has room; each worker holds
 * at most {@code depth} tasks, sent ahead so that it never waits for the pool between tasks. Depth adapts
 * to the tasks' length: 2 for long tasks (so that no worker hoards work another could do), up to
 * {@value #MAX_DEPTH} for tasks of a few microseconds (so that one frame carries many). The tasks a worker
 * holds are in {@code Slot.inFlight} in the order sent, which is the order it runs them; since it reports
 * each result before starting the next task, the head of {@code inFlight} is the task it is running.
 *
 * <p><b>Faults.</b> When a worker ends with tasks in flight, the head fails: with
 * {@link WorkerDiedException} (exit code or signal, the task) unless the pool killed it on purpose
 * (timeout, cancellation, termination: then with that reason); the tasks behind it never started and go
 * back to the front of {@code pending}. A replacement is started. A worker that reaches
 * {@code maxTasksPerChild}, or grows past the memory limit, gets no more work, finishes what it holds, and
 * is stopped; its replacement starts at once. A worker that fails to start or whose initializer throws
 * breaks the pool: respawning would fail the same way forever, so every pending task fails with the cause.
 *
 * <p><b>Threads.</b> Callers submit and may write to a worker directly (no hand-off: lower latency);
 * each worker's reader thread reports results and refills it; a monitor thread enforces timeouts and the
 * memory limit. Outcomes are delivered outside the lock. User callbacks run on {@link #callbackExecutor()},
 * one thread, in completion order.
 */
public final class PoolEngine {
    static final int MIN_DEPTH = 2;
    static final int MAX_DEPTH = 128;
    /** Send enough tasks ahead to cover about this long of work. */
    private static final long AHEAD_NANOS = 300_000;
    private static final long MEMORY_CHECK_NANOS = 100_000_000;
    private static final System.Logger LOG = System.getLogger("multiprocessing4j.pool");
    private static final AtomicInteger POOL_NUMBERS = new AtomicInteger();

    enum State { RUNNING, CLOSING, TERMINATING, TERMINATED }

    private final PoolConfig config;
    private final WorkerLauncher launcher;
    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Task> pending = new ArrayDeque<>();
    private final List<Slot> slots = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final ThreadPoolExecutor callbacks;
    private final Thread monitor;
    private State state = State.RUNNING;
    private Throwable broken;
    private int openJobs;
    private int exitsInProgress;
    private int workerNumbers;
    private long workersStarted;

    public PoolEngine(PoolConfig config, WorkerLauncher launcher) {
        this.config = config;
        this.launcher = launcher;
        this.name = config.namePrefix() != null ? config.namePrefix() : "pool-" + POOL_NUMBERS.incrementAndGet();
        this.callbacks = new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, name + "-results");
                    t.setDaemon(true);
                    return t;
                });
        List<Slot> started = new ArrayList<>();
        lock.lock();
        try {
            for (int i = 0; i < config.processes(); i++) {
                started.add(newSlotLocked());
            }
        } finally {
            lock.unlock();
        }
        started.forEach(this::launch);
        if (config.taskTimeoutNanos() > 0 || config.maxWorkerMemory() > 0) {
            monitor = Thread.ofPlatform().daemon().name(name + "-monitor").start(this::monitorLoop);
        } else {
            monitor = null;
        }
    }

    public String name() {
        return name;
    }

    public PoolConfig config() {
        return config;
    }

    public long newId() {
        return ids.incrementAndGet();
    }

    /** The pool's result thread: user callbacks and progress listeners run there, in completion order. */
    public Executor callbackExecutor() {
        return callbacks;
    }

    /** Runs a user callback on the result thread; what it throws is logged, never propagated. */
    public void runCallback(String what, Runnable callback) {
        callbacks.execute(() -> {
            try {
                callback.run();
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.WARNING, name + ": " + what + " threw; the pool goes on", t);
            }
        });
    }

    /** How many workers have been started so far, replacements included. */
    public long workersStarted() {
        lock.lock();
        try {
            return workersStarted;
        } finally {
            lock.unlock();
        }
    }

    /** The pids of the live workers. */
    public List<Long> workerPids() {
        lock.lock();
        try {
            List<Long> pids = new ArrayList<>();
            for (Slot s : slots) {
                if (s.channel != null && s.channel.pid() > 0) {
                    pids.add(s.channel.pid());
                }
            }
            return pids;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- submitting

    /**
     * Queues a task.
     *
     * @throws RejectedExecutionException if the pool no longer accepts work
     */
    public void submit(Task task) {
        submit(task, false);
    }

    /** Opens a job (a map) whose chunks may still be submitted after {@link #close()}, until {@link #endJob()}. */
    public void beginJob() {
        lock.lock();
        try {
            checkAcceptingLocked();
            openJobs++;
        } finally {
            lock.unlock();
        }
    }

    /** Submits a chunk of a job opened with {@link #beginJob()}. */
    public void submitForJob(Task task) {
        submit(task, true);
    }

    public void endJob() {
        List<Slot> toStop;
        lock.lock();
        try {
            openJobs--;
            toStop = closeIdleLocked();
        } finally {
            lock.unlock();
        }
        toStop.forEach(s -> s.channel.stop());
    }

    private void submit(Task task, boolean forJob) {
        List<Slot> toFlush = new ArrayList<>(1);
        lock.lock();
        try {
            if (forJob ? state.compareTo(State.CLOSING) > 0 : state != State.RUNNING) {
                checkAcceptingLocked();
            }
            if (broken != null) {
                throw new RejectedExecutionException(brokenMessage(), broken);
            }
            pending.add(task);
            assignLocked(toFlush);
        } finally {
            lock.unlock();
        }
        flushAll(toFlush);
    }

    private void checkAcceptingLocked() {
        if (state != State.RUNNING) {
            throw new RejectedExecutionException("pool " + name + " is "
                    + (state == State.CLOSING ? "closed" : "terminated") + ": it takes no new tasks");
        }
        if (broken != null) {
            throw new RejectedExecutionException(brokenMessage(), broken);
        }
    }

    private String brokenMessage() {
        return "pool " + name + " is broken: a worker could not start (" + broken + ")";
    }

    /** Gives pending tasks to ready workers with room, least loaded first. */
    private void assignLocked(List<Slot> toFlush) {
        while (!pending.isEmpty()) {
            Slot best = null;
            for (Slot s : slots) {
                if (s.takesWork() && s.inFlight.size() < s.depth
                        && (best == null || s.inFlight.size() < best.inFlight.size())) {
                    best = s;
                }
            }
            if (best == null) {
                return;
            }
            Task task = pending.poll();
            if (task.finished) {
                continue;
            }
            if (best.inFlight.isEmpty()) {
                best.headSince = System.nanoTime();
                changed.signalAll();
            }
            task.slot = best;
            best.inFlight.add(task);
            best.outbox.add(task);
            best.assigned++;
            if (config.maxTasksPerChild() > 0 && best.assigned >= config.maxTasksPerChild()) {
                retireLocked(best);
            }
            if (!toFlush.contains(best)) {
                toFlush.add(best);
            }
        }
    }

    private void flushAll(List<Slot> slots) {
        for (int i = 0; i < slots.size(); i++) {
            flush(slots.get(i));
        }
    }

    /**
     * Writes the outboxes on another thread. A worker's reader thread must never block writing to that
     * worker: the worker may itself be blocked writing a large result that only the reader would drain.
     */
    private void flushLater(List<Slot> slots) {
        for (int i = 0; i < slots.size(); i++) {
            Slot s = slots.get(i);
            if (s.flushScheduled.compareAndSet(false, true)) {
                Thread.ofVirtual().start(() -> {
                    s.flushScheduled.set(false);
                    flush(s);
                });
            }
        }
    }

    /** Writes a worker's outbox, in order; whoever holds its write lock drains it, the others leave. */
    private void flush(Slot s) {
        while (!s.outbox.isEmpty()) {
            if (!s.writeLock.tryLock()) {
                return;
            }
            try {
                List<Task> batch = s.batch;
                batch.clear();
                for (Task t; (t = s.outbox.poll()) != null; ) {
                    batch.add(t);
                }
                if (!batch.isEmpty()) {
                    s.channel.send(batch);
                }
            } catch (IOException | RuntimeException e) {
                // The worker is gone or going: its reader sees the end and the death handling re-queues these.
                s.channel.kill();
            } finally {
                s.batch.clear();
                s.writeLock.unlock();
            }
        }
    }

    // ---------------------------------------------------------------- cancelling

    /**
     * Cancels a task: a pending one is dropped, one sent but not started is skipped, a running one has its
     * worker killed (if {@code mayInterrupt}) or runs on with its result ignored. The owner is not called:
     * whoever cancels has completed the task's future already.
     */
    public void cancel(Task task, boolean mayInterrupt) {
        Slot kill = null;
        Slot tell = null;
        lock.lock();
        try {
            if (task.finished) {
                return;
            }
            if (pending.remove(task)) {
                task.finished = true;
                return;
            }
            Slot s = task.slot;
            if (s == null) {
                task.finished = true;
                return;
            }
            if (s.inFlight.peek() == task && s.running) {
                if (mayInterrupt) {
                    task.killReason = new CancellationException(task.describe() + " was cancelled");
                    kill = s;
                }
            } else if (s.outbox.remove(task)) {
                s.inFlight.remove(task);
                task.finished = true;
                task.slot = null;
            } else {
                tell = s;
            }
            task.finished = true;
        } finally {
            lock.unlock();
        }
        if (kill != null) {
            kill.channel.kill();
        }
        if (tell != null) {
            tell.writeLock.lock();
            try {
                tell.channel.cancel(task.id);
            } finally {
                tell.writeLock.unlock();
            }
        }
    }

    // ---------------------------------------------------------------- worker events

    final class Slot implements WorkerEvents {
        final int number;
        final ArrayDeque<Task> inFlight = new ArrayDeque<>();
        final ConcurrentLinkedQueue<Task> outbox = new ConcurrentLinkedQueue<>();
        final ReentrantLock writeLock = new ReentrantLock();
        final java.util.concurrent.atomic.AtomicBoolean flushScheduled = new java.util.concurrent.atomic.AtomicBoolean();
        final List<Task> batch = new ArrayList<>();
        /** Outcomes collected by the reader thread, delivered after the lock is released. */
        final List<Object> deliveries = new ArrayList<>();
        WorkerChannel channel;
        /** Takes tasks (see {@link #onAccepting}). */
        boolean ready;
        /** Said READY: its initializer ran, and the head of {@code inFlight} is running. */
        boolean running;
        boolean retiring;
        boolean stopSent;
        boolean killed;
        int assigned;
        int depth = MIN_DEPTH;
        long headSince;
        double averageNanos = -1;

        Slot(int number) {
            this.number = number;
        }

        boolean takesWork() {
            return ready && !retiring && !killed;
        }

        @Override
        public void onAccepting(WorkerChannel worker) {
            // called by the worker's launching thread, which may write to the worker: no hand-off needed
            accept(worker, false).forEach(PoolEngine.this::flush);
        }

        @Override
        public void onReady(WorkerChannel worker) {
            flushLater(accept(worker, true));
        }

        /** The worker takes tasks ({@code running}: it said READY); returns who has tasks to send. */
        private List<Slot> accept(WorkerChannel worker, boolean running) {
            List<Slot> toFlush = new ArrayList<>();
            List<Slot> stop;
            lock.lock();
            try {
                if (channel == null) {
                    channel = worker;
                }
                if (running && !this.running) {
                    this.running = true;
                    if (!inFlight.isEmpty()) {
                        headSince = System.nanoTime(); // sent ahead: its time starts now
                        changed.signalAll();
                    }
                }
                ready = true;
                assignLocked(toFlush);
                stop = closeIdleLocked();
            } finally {
                lock.unlock();
            }
            stop.forEach(st -> st.channel.stop());
            return toFlush;
        }

        @Override
        public void onResult(WorkerChannel worker, long taskId, byte status, Object value) {
            Task task;
            lock.lock();
            try {
                task = inFlight.peek();
                if (task == null || task.id != taskId) {
                    LOG.log(System.Logger.Level.ERROR, name + ": " + worker.name() + " reported task " + taskId
                            + " out of order (expected " + task + "); killing it");
                    killed = true;
                    task = null;
                } else {
                    inFlight.poll();
                    task.slot = null;
                    long now = System.nanoTime();
                    long took = now - headSince;
                    headSince = now;
                    averageNanos = averageNanos < 0 ? took : averageNanos * 0.875 + took * 0.125;
                    depth = (int) Math.max(MIN_DEPTH, Math.min(MAX_DEPTH, AHEAD_NANOS / Math.max(1.0, averageNanos)));
                    if (task.finished) {
                        task = null; // cancelled: nobody waits for it
                    } else {
                        task.finished = true;
                    }
                }
            } finally {
                lock.unlock();
            }
            if (task == null) {
                if (killed) {
                    worker.kill();
                }
                return;
            }
            deliver(task, status, value);
        }

        @Override
        public void onResultsDrained(WorkerChannel worker) {
            List<Slot> toFlush = new ArrayList<>(2);
            boolean stop = false;
            List<Slot> stopOthers;
            lock.lock();
            try {
                if (retiring && inFlight.isEmpty() && !stopSent) {
                    stopSent = true;
                    stop = true;
                }
                assignLocked(toFlush);
                stopOthers = closeIdleLocked();
            } finally {
                lock.unlock();
            }
            if (stop) {
                worker.stop();
            }
            stopOthers.forEach(s -> s.channel.stop());
            flushLater(toFlush);
        }

        @Override
        public void onExit(WorkerChannel worker, Integer exitCode, Throwable lastWords) {
            Task head;
            List<Task> lost = new ArrayList<>();
            List<Slot> toFlush = new ArrayList<>();
            List<Slot> toStart = new ArrayList<>();
            List<Slot> toStop;
            Throwable breakage = null;
            List<Task> failedByBreakage = new ArrayList<>();
            lock.lock();
            try {
                exitsInProgress++;
                slots.remove(this);
                outbox.clear();
                head = inFlight.poll();
                if (head != null) {
                    head.slot = null;
                    if (!running && head.killReason == null && state.compareTo(State.TERMINATING) < 0) {
                        inFlight.addFirst(head); // sent ahead of READY: it never started, it goes back with the rest
                        head = null;
                    }
                }
                if (state.compareTo(State.TERMINATING) >= 0) {
                    // terminating: nothing is re-queued; everything this worker held fails with the reason
                    for (Task t; (t = inFlight.pollLast()) != null; ) {
                        t.slot = null;
                        lost.add(t);
                    }
                } else {
                    for (Task t; (t = inFlight.pollLast()) != null; ) {
                        t.slot = null;
                        if (!t.finished) {
                            pending.addFirst(t);
                        }
                    }
                }
                if (!running && !killed && state.compareTo(State.CLOSING) <= 0 && broken == null) {
                    broken = lastWords != null ? lastWords : new IllegalStateException("worker " + worker.name()
                            + " exited with " + describeExit(exitCode) + " before it was ready");
                    breakage = broken;
                    failedByBreakage.addAll(pending);
                    pending.clear();
                } else if (state.compareTo(State.CLOSING) <= 0 && broken == null && needsWorkerLocked()) {
                    toStart.add(newSlotLocked());
                }
                if (head != null && head.finished && head.killReason == null) {
                    head = null; // cancelled without interruption, then the worker died: nobody waits
                } else if (head != null) {
                    head.finished = true;
                }
                for (Task t : lost) {
                    t.finished = true;
                }
                for (Task t : failedByBreakage) {
                    t.finished = true;
                }
                assignLocked(toFlush);
                toStop = closeIdleLocked();
            } finally {
                lock.unlock();
            }
            if (head != null) {
                Throwable reason = head.killReason;
                if (reason == null) {
                    reason = died(worker, exitCode, head, lastWords);
                }
                deliverFailure(head, reason);
            }
            for (Task t : lost) {
                deliverFailure(t, t.killReason != null ? t.killReason : terminated(t));
            }
            for (Task t : failedByBreakage) {
                deliverFailure(t, new RejectedExecutionException("pool " + name + " is broken: a worker could not start",
                        breakage));
            }
            toStart.forEach(PoolEngine.this::launch);
            toStop.forEach(s -> s.channel.stop());
            flushLater(toFlush);
            lock.lock();
            try {
                exitsInProgress--;
                checkTerminatedLocked(); // after the failures were delivered: a joined pool has no future pending
            } finally {
                lock.unlock();
            }
        }
    }

    private boolean needsWorkerLocked() {
        int active = 0;
        for (Slot s : slots) {
            if (!s.retiring && !s.killed) {
                active++;
            }
        }
        if (active >= config.processes()) {
            return false;
        }
        // While closing, a replacement is needed only for work that remains.
        return state == State.RUNNING || !pending.isEmpty() || openJobs > 0;
    }

    private Slot newSlotLocked() {
        Slot s = new Slot(++workerNumbers);
        slots.add(s);
        workersStarted++;
        return s;
    }

    private void launch(Slot s) {
        WorkerChannel channel = launcher.launch(name + "-worker-" + s.number, config.initializer(), s);
        lock.lock();
        try {
            if (s.channel == null) {
                s.channel = channel;
            }
            if (state.compareTo(State.TERMINATING) >= 0) {
                s.killed = true;
            }
        } finally {
            lock.unlock();
        }
        if (s.killed) {
            channel.kill();
        }
    }

    private void retireLocked(Slot s) {
        if (s.retiring) {
            return;
        }
        s.retiring = true;
        if (state.compareTo(State.CLOSING) <= 0 && broken == null && needsWorkerLocked()) {
            Slot replacement = newSlotLocked();
            // launching does no blocking work: the launcher starts the JVM on its own thread
            Thread.ofVirtual().start(() -> launch(replacement));
        }
    }

    /** While closing: the workers that have nothing left to do and will get nothing more, marked as stopped. */
    private List<Slot> closeIdleLocked() {
        if (state != State.CLOSING || !pending.isEmpty() || openJobs > 0) {
            return List.of();
        }
        List<Slot> idle = new ArrayList<>();
        for (Slot s : slots) {
            if (s.ready && s.inFlight.isEmpty() && !s.stopSent && !s.killed) {
                s.stopSent = true;
                idle.add(s);
            }
        }
        return idle;
    }

    private void checkTerminatedLocked() {
        if (state.compareTo(State.CLOSING) >= 0 && slots.isEmpty() && exitsInProgress == 0 && (state != State.CLOSING || (pending.isEmpty()
                && openJobs == 0) || broken != null)) {
            state = State.TERMINATED;
            changed.signalAll();
            launcher.close();
        }
    }

    private WorkerDiedException died(WorkerChannel worker, Integer exitCode, Task task, Throwable lastWords) {
        String message = "worker " + worker.name() + " (pid " + worker.pid() + ") " + describeExit(exitCode)
                + " while running " + task.describe()
                + (lastWords != null ? " after " + lastWords.getClass().getName()
                   + (lastWords.getMessage() != null ? ": " + lastWords.getMessage() : "") : "");
        WorkerDiedException e = new WorkerDiedException(message, worker.pid(), exitCode, task.describe());
        if (lastWords != null) {
            e.initCause(lastWords);
        }
        return e;
    }

    static String describeExit(Integer exitCode) {
        if (exitCode == null) {
            return "died (exit status unknown)";
        }
        if (exitCode < 0) {
            int signal = -exitCode;
            String signalName = switch (signal) {
                case 9 -> " (SIGKILL)";
                case 15 -> " (SIGTERM)";
                case 6 -> " (SIGABRT)";
                case 11 -> " (SIGSEGV)";
                default -> "";
            };
            return "was killed by signal " + signal + signalName;
        }
        return "exited with code " + exitCode;
    }

    private CancellationException terminated(Task task) {
        return new CancellationException(task.describe() + " did not finish: pool " + name + " was terminated");
    }

    // ---------------------------------------------------------------- delivering

    private void deliver(Task task, byte status, Object value) {
        try {
            switch (status) {
                case WireFormat.STATUS_OK -> task.owner.succeeded(task, value);
                case WireFormat.STATUS_FAILED -> task.owner.failed(task, (Throwable) value);
                default -> task.owner.failed(task, new CancellationException(task.describe() + " was cancelled"));
            }
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, name + ": delivering the outcome of " + task.describe() + " failed", t);
        }
    }

    private void deliverFailure(Task task, Throwable error) {
        deliver(task, WireFormat.STATUS_FAILED, error);
    }

    // ---------------------------------------------------------------- timeouts and memory

    private void monitorLoop() {
        long nextMemoryCheck = System.nanoTime();
        lock.lock();
        try {
            while (state != State.TERMINATED) {
                long now = System.nanoTime();
                long wait = Long.MAX_VALUE;
                List<Slot> toKill = new ArrayList<>();
                if (config.taskTimeoutNanos() > 0) {
                    for (Slot s : slots) {
                        Task head = s.inFlight.peek();
                        if (head == null || s.killed || !s.running) {
                            continue; // not started yet: sent ahead of the worker's READY
                        }
                        long timeout = head.timeoutNanos > 0 ? head.timeoutNanos : config.taskTimeoutNanos();
                        long left = s.headSince + timeout - now;
                        if (left <= 0) {
                            head.killReason = new TimeoutException(head.describe() + " ran longer than "
                                    + java.time.Duration.ofNanos(timeout) + ": its worker " + s.channel.name()
                                    + " (pid " + s.channel.pid() + ") was killed and replaced");
                            s.killed = true;
                            toKill.add(s);
                        } else {
                            wait = Math.min(wait, left);
                        }
                    }
                }
                List<Slot> toCheck = new ArrayList<>();
                if (config.maxWorkerMemory() > 0) {
                    if (now - nextMemoryCheck >= 0) {
                        for (Slot s : slots) {
                            if (s.takesWork()) {
                                toCheck.add(s);
                            }
                        }
                        nextMemoryCheck = now + MEMORY_CHECK_NANOS;
                    }
                    wait = Math.min(wait, Math.max(1, nextMemoryCheck - now));
                }
                if (!toKill.isEmpty() || !toCheck.isEmpty()) {
                    lock.unlock();
                    try {
                        toKill.forEach(s -> s.channel.kill());
                        checkMemory(toCheck);
                    } finally {
                        lock.lock();
                    }
                    continue;
                }
                try {
                    if (wait == Long.MAX_VALUE) {
                        changed.await();
                    } else {
                        changed.awaitNanos(wait);
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void checkMemory(List<Slot> toCheck) {
        for (Slot s : toCheck) {
            long rss = s.channel.residentBytes();
            if (rss > config.maxWorkerMemory()) {
                boolean stop = false;
                lock.lock();
                try {
                    if (!s.retiring) {
                        LOG.log(System.Logger.Level.INFO, name + ": " + s.channel.name() + " uses " + (rss >> 20)
                                + " MB, over the limit of " + (config.maxWorkerMemory() >> 20) + " MB: replacing it");
                        retireLocked(s);
                        if (s.inFlight.isEmpty() && !s.stopSent) {
                            s.stopSent = true;
                            stop = true;
                        }
                    }
                } finally {
                    lock.unlock();
                }
                if (stop) {
                    s.channel.stop();
                }
            }
        }
    }

    // ---------------------------------------------------------------- closing

    /** No new work; what is queued finishes, then the workers exit. Returns at once. */
    public void close() {
        List<Slot> idle;
        lock.lock();
        try {
            if (state != State.RUNNING) {
                return;
            }
            state = State.CLOSING;
            idle = closeIdleLocked();
            // workers still starting are not needed if nothing is left to do
            checkTerminatedLocked();
        } finally {
            lock.unlock();
        }
        idle.forEach(s -> s.channel.stop());
        stopUnneededStarting();
    }

    private void stopUnneededStarting() {
        List<Slot> extra = new ArrayList<>();
        lock.lock();
        try {
            if (state == State.CLOSING && pending.isEmpty() && openJobs == 0) {
                for (Slot s : slots) {
                    if (!s.ready && !s.killed && s.channel != null) {
                        s.killed = true;
                        extra.add(s);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        extra.forEach(s -> s.channel.kill());
    }

    /**
     * Kills every worker now. Tasks pending and in flight fail with a {@link CancellationException} saying
     * the pool was terminated; the pending ones are returned (without being failed) if {@code returnPending}.
     */
    public List<Task> terminate(boolean returnPending) {
        List<Task> drained = new ArrayList<>();
        List<Slot> toKill;
        lock.lock();
        try {
            if (state == State.TERMINATED || state == State.TERMINATING) {
                return List.of();
            }
            state = State.TERMINATING;
            drained.addAll(pending);
            pending.clear();
            for (Task t : drained) {
                t.finished = true;
            }
            toKill = new ArrayList<>(slots);
            for (Slot s : toKill) {
                s.killed = true;
                for (Task t : s.inFlight) {
                    if (t.killReason == null) {
                        t.killReason = terminated(t);
                    }
                }
            }
            changed.signalAll();
            checkTerminatedLocked();
        } finally {
            lock.unlock();
        }
        for (Slot s : toKill) {
            if (s.channel != null) {
                s.channel.kill();
            }
        }
        if (!returnPending) {
            for (Task t : drained) {
                deliverFailure(t, terminated(t));
            }
            return List.of();
        }
        return drained;
    }

    public boolean isShutdown() {
        lock.lock();
        try {
            return state != State.RUNNING;
        } finally {
            lock.unlock();
        }
    }

    public boolean isTerminated() {
        lock.lock();
        try {
            return state == State.TERMINATED;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every worker is gone after close or terminate. */
    public boolean awaitTermination(long nanos) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (state != State.TERMINATED) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            StringBuilder b = new StringBuilder(name).append('[').append(state).append(", pending ")
                    .append(pending.size()).append(", open jobs ").append(openJobs);
            for (Slot s : slots) {
                b.append(", worker ").append(s.number).append(s.ready ? " ready" : " starting")
                        .append(s.retiring ? " retiring" : "").append(s.stopSent ? " stopped" : "")
                        .append(s.killed ? " killed" : "").append(" holding ").append(s.inFlight);
            }
            return b.append(']').toString();
        } finally {
            lock.unlock();
        }
    }
}
