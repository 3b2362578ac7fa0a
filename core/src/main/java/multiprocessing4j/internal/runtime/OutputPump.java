package multiprocessing4j.internal.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Copies one output stream of a child (stdout or stderr) to where the user wants it.
 *
 * <p>Why the parent pumps instead of letting the child inherit the file descriptors: a warm spare is
 * launched before anyone knows its name or where its output goes. Until {@link #direct} is called the
 * pump keeps what arrives (JVM warnings, at most) and hands it to the sink then. Pumping also keeps a
 * child from writing into a parent's stdout when that is a protocol channel (Surefire's forked JVMs):
 * "inherit" goes through this JVM's {@code System.out}/{@code System.err}, wherever they point.
 */
final class OutputPump {
    /** Where bytes go. Implementations are called by one pump thread, but a file sink may be shared by two. */
    interface Sink {
        void write(byte[] b, int off, int len) throws IOException;

        /** The stream ended. */
        default void end() throws IOException {
        }
    }

    static Sink inherit(boolean stderr) {
        return (b, off, len) -> {
            PrintStream out = stderr ? System.err : System.out;
            out.write(b, off, len);
            out.flush();
        };
    }

    static Sink discard() {
        return (b, off, len) -> {
        };
    }

    /** A sink writing to a stream that may be shared: closes it after {@code users} calls to {@link Sink#end}. */
    static Sink shared(OutputStream out, int users) {
        int[] remaining = {users};
        return new Sink() {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                synchronized (out) {
                    out.write(b, off, len);
                    out.flush();
                }
            }

            @Override
            public void end() throws IOException {
                synchronized (out) {
                    if (--remaining[0] == 0) {
                        out.close();
                    }
                }
            }
        };
    }

    /** Whole lines, each preceded by {@code prefix}, to this JVM's stdout or stderr. */
    static Sink prefixed(String prefix, boolean stderr) {
        byte[] prefixBytes = prefix.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        return new Sink() {
            @Override
            public void write(byte[] b, int off, int len) {
                for (int i = off; i < off + len; i++) {
                    line.write(b[i]);
                    if (b[i] == '\n') {
                        emit();
                    }
                }
            }

            @Override
            public void end() {
                if (line.size() > 0) {
                    line.write('\n');
                    emit();
                }
            }

            private void emit() {
                PrintStream out = stderr ? System.err : System.out;
                byte[] whole = new byte[prefixBytes.length + line.size()];
                System.arraycopy(prefixBytes, 0, whole, 0, prefixBytes.length);
                System.arraycopy(line.toByteArray(), 0, whole, prefixBytes.length, line.size());
                line.reset();
                out.write(whole, 0, whole.length); // one call: lines of different children do not interleave
                out.flush();
            }
        };
    }

    private final InputStream in;
    private final CountDownLatch ended = new CountDownLatch(1);
    private ByteArrayOutputStream early = new ByteArrayOutputStream();
    private Sink sink;

    OutputPump(InputStream in, String threadName) {
        this.in = in;
        Thread t = new Thread(this::pump, threadName);
        t.setDaemon(true);
        t.start();
    }

    /** From now on, output goes to {@code sink}, starting with what arrived before. */
    synchronized void direct(Sink sink) {
        if (this.sink != null) {
            throw new IllegalStateException("output already directed");
        }
        this.sink = sink;
        byte[] before = early.toByteArray();
        early = null;
        safeWrite(before, 0, before.length);
        if (ended.getCount() == 0) {
            safeEnd();
        }
    }

    /** Waits until the child closed the stream (it exited) and everything was copied. */
    boolean awaitEnd(long timeout, TimeUnit unit) throws InterruptedException {
        return ended.await(timeout, unit);
    }

    private void pump() {
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                synchronized (this) {
                    if (sink == null) {
                        early.write(buffer, 0, n);
                    } else {
                        safeWrite(buffer, 0, n);
                    }
                }
            }
        } catch (IOException e) {
            // the pipe broke: the child is gone, nothing more will come
        } finally {
            synchronized (this) {
                if (sink != null) {
                    safeEnd();
                }
                ended.countDown();
            }
        }
    }

    private void safeWrite(byte[] b, int off, int len) {
        if (len == 0) {
            return;
        }
        try {
            sink.write(b, off, len);
        } catch (IOException e) {
            // the destination (a file) failed: the child must not block on a full pipe, so keep draining
        }
    }

    private void safeEnd() {
        try {
            sink.end();
        } catch (IOException ignored) {
            // closing a file that failed already
        }
    }
}
