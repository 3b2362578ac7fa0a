package multiprocessing4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition with a deadline: tests never sleep to wait. */
final class Await {
    private Await() {
    }

    /** Whether {@code condition} became true within {@code timeout}. */
    static boolean condition(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** The file's content once it holds at least one whole line; fails after {@code timeout}. */
    static String line(Path file, Duration timeout) throws InterruptedException {
        if (!condition(timeout, () -> read(file).endsWith("\n"))) {
            throw new AssertionError("no line in " + file + " after " + timeout + " (content: '" + read(file) + "')");
        }
        return read(file).strip();
    }

    /** Writes one line; what child tasks use to report to the test. */
    static void writeLine(String file, String line) {
        try {
            Files.writeString(Path.of(file), line + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
