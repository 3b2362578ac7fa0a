/**
 * The child-JVM runtime (DESIGN.md layer 4): how a child JVM is launched, connects back and proves who it
 * is, receives what it runs, reports how it ended, and dies with its parent. The folder reads as the story:
 * <ul>
 *   <li>{@link multiprocessing4j.internal.runtime.Launcher}: the command line (same {@code java}, effective
 *       class path from {@code ClassPath}, lean defaults, {@code CdsArchive}, the user's options);</li>
 *   <li>{@code Listener}: where children connect back (a pair of FIFOs per launch, or the parent's Unix-domain
 *       socket without native access), in a {@code 0700} directory that exists only while a launch is pending,
 *       and the per-launch secret handed over the child's stdin;</li>
 *   <li>{@code Wire}: the frames; {@link multiprocessing4j.internal.runtime.Link}: one end of a connection,
 *       the same on both sides;</li>
 *   <li>{@link multiprocessing4j.internal.runtime.ChildMain}: the child's main class;</li>
 *   <li>{@link multiprocessing4j.internal.runtime.ChildJvm}: the parent's handle on one child, and the API
 *       for everything that runs code elsewhere;</li>
 *   <li>{@link multiprocessing4j.internal.runtime.Spares}: warm spares; {@code Children}: what happens to
 *       children when this JVM exits; {@code OutputPump}/{@link multiprocessing4j.internal.runtime.Output}:
 *       a child's stdout and stderr.</li>
 * </ul>
 *
 * <h2>Running a long-lived worker (pools, managers)</h2>
 * <pre>{@code
 * ChildEntry loop = parent -> {                          // runs in the child; serializable
 *     while (true) {
 *         byte[] request = parent.receive();             // LinkClosedException when the parent is gone
 *         if (isStop(request)) return;                   // returning exits the child with 0
 *         parent.send(handle(request));
 *     }
 * };
 * ChildJvm worker = ChildJvm.obtain(JvmSpec.DEFAULT, true);            // warm spare if one is ready
 * worker.handOver("pool-1-worker-1", Codecs.fromSystemProperty().encode(loop),
 *         true, Output.INHERIT, Output.INHERIT);                       // daemon, output where it goes
 * worker.link().send(request);                                         // link() is set once ready:
 * byte[] reply = worker.link().receive(Duration.ofSeconds(5));         //   awaitReady(...) first
 * worker.exit().thenAccept(code -> ...);                               // Python-style code; failure() if it threw
 * worker.close();                                                      // ends it if still running
 * }</pre>
 *
 * <h2>What a start costs, and where it goes</h2>
 * A cold child (no spare) pays a JVM start-up (≈ 35 ms for a trivial JVM here, more with the classes it
 * loads; class-data sharing from {@code CdsArchive} when the class path is all jars), then connecting back
 * (opening two FIFOs with {@code java.io}: under a millisecond; its first Unix-domain socket would cost 40-50 ms,
 * the JDK's NIO provider lookup and the {@code SecureRandom} that its Unix-domain socket support seeds), then
 * decoding its entry. That entry comes JDK-serialized
 * ({@link multiprocessing4j.internal.runtime.ChildJvm#handOver(String, ChildEntry, byte[], boolean, Output, Output)}):
 * building Fory would cost ≈ 80 ms more, and the child builds it only if its task uses the codec. An entry of
 * a few fields (a pool's worker) is not serialized at all: the child constructs it by class
 * ({@link multiprocessing4j.internal.runtime.ChildJvm#handOver(String, Class, byte[], boolean, Output, Output)}),
 * since even JDK serialization's first use costs ≈ 90 ms in a fresh JVM, against ≈ 10-20 ms for the reflective
 * constructor call. A warm spare
 * has done all of that, and built Fory, before it says it is ready; it pays only decoding (Fory's first sight of
 * the task's lambda class) and its exit.
 *
 * <p>Measured on a warm spare (2 vCPUs, median of the quickest runs, empty task): hand-over ≈ 2 ms (encode,
 * send, the child's reader and main thread wake); Fory decoding a lambda class it has not seen ≈ 3.5 ms
 * (JDK serialization there is slower still, ≈ 10 ms even in a warmed JVM); {@code System.exit} to the hooks
 * ≈ 1.5 ms; the end of the process ≈ 5-8 ms, most of it the kernel freeing the child's pages (a process
 * exits in time roughly proportional to its resident memory here: a Python process touching 60 MB takes
 * ≈ 5 ms to die, so a smaller child also exits faster); the parent seeing it ≈ 1 ms. Mind when changing the
 * exit: HotSpot waits at exit for threads in native code (the link's reader always is) unless
 * {@code -XX:UserThreadWaitAttemptsAtExit=0}, and for a compilation in progress whatever the flags.
 */
package multiprocessing4j.internal.runtime;
