package multiprocessing4j;

import multiprocessing4j.internal.codec.Codecs;
import multiprocessing4j.internal.platform.ProcessTree;
import multiprocessing4j.internal.runtime.ChildJvm;
import multiprocessing4j.internal.runtime.CurrentProcess;
import multiprocessing4j.internal.runtime.JvmSpec;
import multiprocessing4j.internal.runtime.TaskEntry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A task running in another JVM: Python's {@code multiprocessing.Process}.
 *
 * <pre>{@code
 * try (ChildProcess child = ChildProcess.builder(() -> System.out.println("hello from another JVM"))
 *         .name("greeter")
 *         .jvmOptions("-Xmx256m")
 *         .output(ChildProcess.Output.prefixed())    // "[greeter 4242] hello from another JVM"
 *         .start()) {
 *     child.join();
 *     System.out.println("exit code " + child.exitCode().orElseThrow());   // 0
 * }
 * }</pre>
 *
 * <h2>The child JVM</h2>
 * It runs the same {@code java} as this JVM with the same <em>effective</em> class path (also when this
 * JVM runs from a manifest-only jar, as under Surefire or {@code java -jar}) and module path, plus the
 * {@linkplain Builder#jvmOptions JVM options}, {@linkplain Builder#environment environment} and
 * {@linkplain Builder#workingDirectory working directory} chosen here. The task is serialized in
 * {@link #start()}: one that captures something that cannot be serialized fails there, with the class
 * named, before any JVM is involved. Lean defaults keep an idle child small (serial GC, a small initial
 * heap) and its exit quick (HotSpot does not wait for threads blocked in native code,
 * {@code -XX:UserThreadWaitAttemptsAtExit=0}); {@code -XX:+UseG1GC}, {@code -Xmx} and the like among the
 * options replace them, since the user's options come after the defaults. The child's stdin
 * is empty (Python gives its children {@code /dev/null}): the parent uses that pipe to hand over the
 * child's secret, and nothing else is ever written to it.
 *
 * <p>Start-up: by default {@code start()} hands the task to a <em>warm spare</em>, a JVM already started,
 * connected and warmed up for the same options (Python's forkserver idea), and a new spare is started in
 * the background; the first start with given options is a cold start. See {@link Builder#warmSpare}.
 *
 * <h2>Exit codes, as in Python</h2>
 * {@link #exitCode()} is empty while the child runs, then: {@code 0} when the task returned; {@code 1} when
 * it threw (then {@link #failure()} has the exception, and the child printed it on its stderr); the code
 * passed to {@code System.exit}; {@code -N} when a signal N ended it ({@link #terminate()}: {@code -15},
 * after the child's shutdown hooks ran; {@link #kill()}: {@code -9}). One ambiguity remains:
 * {@code Runtime.halt(128+N)} in the task, which skips every hook, reads as signal N.
 *
 * <h2>When processes die</h2>
 * The child exits, within a second, when this JVM dies in any way, SIGKILL included; its own children
 * follow it the same way. When this JVM exits normally, daemon children are terminated and non-daemon
 * ones are waited for (a shutdown hook), as Python does.
 *
 * <h2>Thread safety and memory consistency</h2>
 * All methods are thread-safe. The task's effects that reach this JVM (through files, shared memory and
 * the like) happen-before {@link #join()} returns, {@link #exitCode()} becomes present, or
 * {@link #onExit()} completes.
 */
public final class ChildProcess implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final long CLOSE_GRACE_MILLIS = 1000;

    private enum State { NEW, STARTED, CLOSED }

    private final SerializableRunnable task;
    private final String name;
    private final boolean daemon;
    private final JvmSpec spec;
    private final Output stdout;
    private final Output stderr;
    private final boolean warmSpare;
    private final CompletableFuture<ChildProcess> onExit = new CompletableFuture<>();
    private State state = State.NEW;
    private volatile ChildJvm jvm;

    private ChildProcess(Builder b) {
        this.task = b.task;
        this.name = b.name != null ? b.name : defaultName();
        this.daemon = b.daemon;
        this.spec = new JvmSpec(b.jvmOptions, b.environment, b.workingDirectory);
        this.stdout = b.stdout;
        this.stderr = b.stderr;
        this.warmSpare = b.warmSpare;
    }

    private static String defaultName() {
        int n = COUNTER.incrementAndGet();
        return ProcessTree.isChild() ? CurrentProcess.name() + ":" + n : "ChildProcess-" + n;
    }

    /**
     * Starts {@code task} in a new child JVM with the default settings.
     *
     * @throws IllegalArgumentException if the task captures something that cannot be serialized
     * @throws UncheckedIOException     if no JVM could be started
     */
    public static ChildProcess start(SerializableRunnable task) {
        return builder(task).start();
    }

    /** A builder for a child running {@code task}; {@link Builder#build()} or {@link Builder#start()} it. */
    public static Builder builder(SerializableRunnable task) {
        return new Builder(Objects.requireNonNull(task, "task"));
    }

    /**
     * Starts this child: serializes the task here (failing here if it cannot), then hands it to a JVM.
     * Returns as soon as the task has been handed over (or queued for a JVM still starting).
     *
     * @throws IllegalStateException    if it was already started, or closed
     * @throws IllegalArgumentException if the task captures something that cannot be serialized (the class is named)
     * @throws UncheckedIOException     if no JVM could be started
     */
    public void start() {
        synchronized (this) {
            if (state == State.STARTED) {
                throw new IllegalStateException("child process " + name + " was already started: a ChildProcess starts once;"
                        + " build a new one to run the task again");
            }
            if (state == State.CLOSED) {
                throw new IllegalStateException("child process " + name + " is closed");
            }
            TaskEntry entry = new TaskEntry(task);
            byte[] encoded = Codecs.fromSystemProperty().encode(entry);
            ChildJvm j;
            try {
                j = ChildJvm.obtain(spec, warmSpare);
            } catch (IOException e) {
                throw new UncheckedIOException("could not start a JVM for child process " + name + ": " + e.getMessage(), e);
            }
            try {
                j.handOver(name, entry, encoded, daemon, stdout.internal, stderr.internal);
            } catch (RuntimeException e) {
                j.close(); // an output file that cannot be opened: the JVM must not be left behind
                throw e;
            }
            j.exit().whenComplete((code, e) -> onExit.complete(this));
            jvm = j;
            state = State.STARTED;
        }
    }

    /**
     * Waits until the child has exited (and its output has been copied).
     *
     * @throws IllegalStateException if it was not started, or is closed
     * @throws InterruptedException  if interrupted while waiting (the child goes on)
     */
    public void join() throws InterruptedException {
        try {
            started().exit().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Waits up to {@code timeout} for the child to exit.
     *
     * @return whether it has exited
     * @throws IllegalStateException if it was not started, or is closed
     * @throws InterruptedException  if interrupted while waiting (the child goes on)
     */
    public boolean join(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        try {
            started().exit().get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Whether the child has been started and has not exited yet. {@code false} before {@link #start()}. */
    public boolean isAlive() {
        ChildJvm j = jvm;
        checkNotClosed();
        return j != null && !j.exit().isDone();
    }

    /**
     * The exit code, Python style (see the class comment); empty while the child runs.
     *
     * @throws IllegalStateException if it was not started, or is closed
     */
    public OptionalInt exitCode() {
        ChildJvm j = started();
        return j.exit().isDone() ? OptionalInt.of(j.exit().join()) : OptionalInt.empty();
    }

    /**
     * The exception the task threw, with the remote class, message and whole stack trace (and the original
     * exception where it could be rebuilt here); empty while running, or if the task did not throw.
     *
     * @throws IllegalStateException if it was not started, or is closed
     */
    public Optional<RemoteException> failure() {
        ChildJvm j = started();
        return j.exit().isDone() ? j.failure() : Optional.empty();
    }

    /**
     * The child's pid.
     *
     * @throws IllegalStateException if it was not started, or is closed
     */
    public long pid() {
        return started().pid();
    }

    /** Its name: given to the builder, or {@code ChildProcess-N} ({@code parentName:N} in a child). */
    public String name() {
        return name;
    }

    /** Whether this JVM's normal exit terminates the child (daemon) or waits for it. */
    public boolean isDaemon() {
        return daemon;
    }

    /**
     * Sends SIGTERM: the child's shutdown hooks run, then it exits with {@code -15}. Nothing if it has exited.
     *
     * @throws IllegalStateException if it was not started, or is closed
     */
    public void terminate() {
        ChildJvm j = started();
        if (!j.exit().isDone()) {
            j.terminate();
        }
    }

    /**
     * Sends SIGKILL: the child ends at once, exit code {@code -9}. Nothing if it has exited.
     *
     * @throws IllegalStateException if it was not started, or is closed
     */
    public void kill() {
        ChildJvm j = started();
        if (!j.exit().isDone()) {
            j.kill();
        }
    }

    /**
     * A future completed with this child once it has exited (exit code known, output copied). A new
     * future each call: completing it does not affect this child.
     */
    public CompletableFuture<ChildProcess> onExit() {
        return onExit.copy();
    }

    /**
     * Releases the child. If it is still running it is ended first: SIGTERM, then SIGKILL after a second
     * (Python refuses to close a running process; in Java, {@code close()} is what try-with-resources calls
     * on the way out, and it must not leave a JVM behind). {@link #join()} first to let the task finish.
     * Afterwards only {@link #name()}, {@link #isDaemon()}, {@link #onExit()} and {@code close()} may be
     * called. Harmless when repeated.
     */
    @Override
    public void close() {
        ChildJvm j;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            j = jvm;
        }
        if (j == null) {
            return;
        }
        boolean interrupted = false;
        if (!j.exit().isDone()) {
            j.terminate();
            try {
                j.exit().get(CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException | TimeoutException e) {
                // killed below
            }
        }
        j.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private ChildJvm started() {
        synchronized (this) {
            if (state == State.NEW) {
                throw new IllegalStateException("child process " + name + " has not been started: call start() first");
            }
            if (state == State.CLOSED) {
                throw new IllegalStateException("child process " + name + " is closed");
            }
            return jvm;
        }
    }

    private synchronized void checkNotClosed() {
        if (state == State.CLOSED) {
            throw new IllegalStateException("child process " + name + " is closed");
        }
    }

    @Override
    public String toString() {
        ChildJvm j = jvm;
        if (j == null) {
            return "ChildProcess[" + name + ", not started]";
        }
        return "ChildProcess[" + name + ", pid " + j.pid() + ", "
                + (j.exit().isDone() ? "exit code " + j.exit().join() : "running") + (daemon ? ", daemon" : "") + "]";
    }

    /**
     * This JVM's own place in the process tree: Python's {@code current_process()} and
     * {@code parent_process()}. In the JVM the user started: name {@code MainProcess}, no parent pid,
     * not a child. In a child: the name it was given, the pid of the JVM that started it.
     */
    public static Current current() {
        return new Current(CurrentProcess.name(), ProcessTree.selfPid(), CurrentProcess.parentPid(), ProcessTree.isChild());
    }

    /**
     * This JVM's name, pid, parent's pid (empty in the root) and whether it is a child started by this library.
     *
     * @param name      the child's name, or {@code MainProcess} in the root
     * @param pid       this JVM's pid
     * @param parentPid the pid of the JVM that started this one; empty in the root
     * @param isChild   whether this JVM was started by multiprocessing4j
     */
    public record Current(String name, long pid, OptionalLong parentPid, boolean isChild) {
    }

    /**
     * Where a child's stdout or stderr goes. The parent copies the child's output (it is not shared file
     * descriptors), so every choice works for a warm spare too.
     */
    public static final class Output {
        private static final Output INHERIT = new Output(multiprocessing4j.internal.runtime.Output.INHERIT);
        private static final Output DISCARD = new Output(multiprocessing4j.internal.runtime.Output.DISCARD);
        private static final Output PREFIXED = new Output(multiprocessing4j.internal.runtime.Output.PREFIXED);

        private final multiprocessing4j.internal.runtime.Output internal;

        private Output(multiprocessing4j.internal.runtime.Output internal) {
            this.internal = internal;
        }

        /** The default: to this JVM's {@code System.out} / {@code System.err}, byte for byte. */
        public static Output inherit() {
            return INHERIT;
        }

        /** Dropped. */
        public static Output discard() {
            return DISCARD;
        }

        /** Line by line to this JVM's {@code System.out} / {@code System.err}, each line prefixed {@code [name pid] }. */
        public static Output prefixed() {
            return PREFIXED;
        }

        /** Appended to {@code file}, created if missing (stdout and stderr to the same file share it). */
        public static Output toFile(Path file) {
            Objects.requireNonNull(file, "file");
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                throw new IllegalArgumentException("cannot write the child's output to " + file + ": "
                        + parent + " is not a directory");
            }
            return new Output(multiprocessing4j.internal.runtime.Output.toFile(file));
        }

        @Override
        public String toString() {
            return internal.toString();
        }
    }

    /** Configures a {@link ChildProcess}. Not thread-safe; reusable (each {@link #build()} makes a new child). */
    public static final class Builder {
        private static final List<String> FORBIDDEN = List.of("-cp", "-classpath", "--class-path", "-jar", "-m",
                "--module", "-p", "--module-path");

        private final SerializableRunnable task;
        private String name;
        private boolean daemon;
        private final List<String> jvmOptions = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Path workingDirectory;
        private Output stdout = Output.inherit();
        private Output stderr = Output.inherit();
        private boolean warmSpare = true;

        private Builder(SerializableRunnable task) {
            this.task = task;
        }

        /** The child's name ({@code ChildProcess.current().name()} there, the output prefix here). */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("a child process's name must not be blank");
            }
            this.name = name;
            return this;
        }

        /** Whether this JVM's normal exit terminates the child ({@code true}) or waits for it (the default). */
        public Builder daemon(boolean daemon) {
            this.daemon = daemon;
            return this;
        }

        /**
         * JVM options added after the defaults (so they win), e.g. {@code -Xmx2g}, {@code -Dkey=value}.
         * The class path and main class are the runtime's: {@code -cp}, {@code -jar}, {@code -m} and the
         * module path are refused.
         */
        public Builder jvmOptions(String... options) {
            return jvmOptions(List.of(options));
        }

        /** @see #jvmOptions(String...) */
        public Builder jvmOptions(List<String> options) {
            for (String o : options) {
                Objects.requireNonNull(o, "a JVM option is null");
                String key = o.contains("=") ? o.substring(0, o.indexOf('=')) : o;
                if (FORBIDDEN.contains(key)) {
                    throw new IllegalArgumentException("JVM option " + o + " is not allowed: the child runs this JVM's"
                            + " class path and module path and the runtime's main class");
                }
                if (o.isBlank()) {
                    throw new IllegalArgumentException("a JVM option is blank");
                }
                jvmOptions.add(o);
            }
            return this;
        }

        /** Sets an environment variable in the child, on top of this JVM's environment. */
        public Builder environment(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (key.isEmpty() || key.indexOf('=') >= 0) {
                throw new IllegalArgumentException("invalid environment variable name: '" + key + "'");
            }
            environment.put(key, value);
            return this;
        }

        /** Sets environment variables in the child, on top of this JVM's environment. */
        public Builder environment(Map<String, String> variables) {
            variables.forEach(this::environment);
            return this;
        }

        /**
         * The child's working directory (this JVM's by default).
         *
         * @throws IllegalArgumentException if it is not an existing directory
         */
        public Builder workingDirectory(Path directory) {
            Objects.requireNonNull(directory, "directory");
            if (!Files.isDirectory(directory)) {
                throw new IllegalArgumentException("working directory " + directory + " is not an existing directory");
            }
            this.workingDirectory = directory;
            return this;
        }

        /** Where both stdout and stderr go. */
        public Builder output(Output output) {
            this.stdout = Objects.requireNonNull(output, "output");
            this.stderr = output;
            return this;
        }

        /** Where stdout goes. */
        public Builder stdout(Output output) {
            this.stdout = Objects.requireNonNull(output, "output");
            return this;
        }

        /** Where stderr goes. */
        public Builder stderr(Output output) {
            this.stderr = Objects.requireNonNull(output, "output");
            return this;
        }

        /**
         * Whether {@code start()} may take a warm spare JVM (and keep one ready for next time); default
         * {@code true}. Switched off for the whole JVM by {@code -Dmp4j.spares=false}.
         */
        public Builder warmSpare(boolean warmSpare) {
            this.warmSpare = warmSpare;
            return this;
        }

        /** A child, not started yet. */
        public ChildProcess build() {
            return new ChildProcess(this);
        }

        /** Builds and starts a child. @see ChildProcess#start() */
        public ChildProcess start() {
            ChildProcess child = build();
            child.start();
            return child;
        }
    }
}
