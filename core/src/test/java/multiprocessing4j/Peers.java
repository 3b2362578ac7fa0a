package multiprocessing4j;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import multiprocessing4j.internal.platform.ProcessTree;
import multiprocessing4j.internal.platform.TestJvm;

/** Starts {@link QueuePeer}s in child JVMs of this test JVM's tree; the caller destroys them in a finally. */
final class Peers {
    private Peers() {
    }

    static String serialize(Object handle) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(handle);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    /** A started peer, with a reader over its output; waits for READY. */
    record Peer(Process process, BufferedReader out) {
        String awaitLine(String prefix, Duration timeout) throws Exception {
            return TestJvm.awaitLine(process, out, prefix, timeout);
        }

        /** Every line up to (excluding) DONE. */
        List<String> linesUntilDone(Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<String> lines = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                if (out.ready()) {
                    String line = out.readLine();
                    if (line == null || line.equals("DONE")) {
                        return lines;
                    }
                    lines.add(line);
                } else if (!process.isAlive() && !out.ready()) {
                    throw new AssertionError("peer exited with " + process.exitValue() + " before DONE; output: " + lines);
                } else {
                    Thread.sleep(5);
                }
            }
            throw new AssertionError("no DONE within " + timeout + "; output: " + lines);
        }
    }

    static Peer start(Object handle, String... args) throws Exception {
        List<String> all = new ArrayList<>();
        all.add(serialize(handle));
        all.addAll(List.of(args));
        Process p = TestJvm.start(QueuePeer.class, List.of("-D" + ProcessTree.ROOT_PID_PROPERTY + "=" + ProcessTree.rootPid(),
                "-Xmx128m", "--sun-misc-unsafe-memory-access=allow"), all.toArray(String[]::new));
        Peer peer = new Peer(p, TestJvm.reader(p));
        peer.awaitLine("READY", Duration.ofSeconds(30));
        return peer;
    }

    static void destroy(List<Peer> peers) throws InterruptedException {
        for (Peer p : peers) {
            TestJvm.destroy(p.process());
        }
    }
}
