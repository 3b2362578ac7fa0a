package multiprocessing4j.internal.runtime;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;

/** Where a child's stdout or stderr goes; see {@link OutputPump}. */
public sealed interface Output {
    /** To this JVM's {@code System.out} / {@code System.err}, byte for byte. */
    Output INHERIT = new Inherit();
    /** Nowhere. */
    Output DISCARD = new Discard();
    /** Line by line to this JVM's {@code System.out} / {@code System.err}, each line prefixed {@code [name pid] }. */
    Output PREFIXED = new Prefixed();

    /** Appended to a file (created if missing). */
    static Output toFile(Path file) {
        return new ToFile(file.toAbsolutePath());
    }

    record Inherit() implements Output {
    }

    record Discard() implements Output {
    }

    record Prefixed() implements Output {
    }

    record ToFile(Path file) implements Output {
        public ToFile {
            Objects.requireNonNull(file, "file");
        }
    }

    /**
     * The sinks for a child's stdout and stderr. Opens the files (one stream when both go to the same file).
     *
     * @throws UncheckedIOException if a file cannot be opened
     */
    static OutputPump.Sink[] sinks(Output out, Output err, String prefix) {
        OutputPump.Sink[] sinks = new OutputPump.Sink[2];
        if (out instanceof ToFile f && err instanceof ToFile g && f.file().equals(g.file())) {
            OutputPump.Sink both = OutputPump.shared(open(f.file()), 2);
            sinks[0] = both;
            sinks[1] = both;
            return sinks;
        }
        sinks[0] = sink(out, prefix, false);
        sinks[1] = sink(err, prefix, true);
        return sinks;
    }

    private static OutputPump.Sink sink(Output o, String prefix, boolean stderr) {
        return switch (o) {
            case Inherit i -> OutputPump.inherit(stderr);
            case Discard d -> OutputPump.discard();
            case Prefixed p -> OutputPump.prefixed(prefix, stderr);
            case ToFile f -> OutputPump.shared(open(f.file()), 1);
        };
    }

    private static OutputStream open(Path file) {
        try {
            return new FileOutputStream(file.toFile(), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + " for the child's output: " + e.getMessage(), e);
        }
    }
}
