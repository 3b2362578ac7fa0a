package multiprocessing4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Argument handling of {@code mp4j manager serve}; serving itself is the library's, tested in core. */
class ManagerCommandTest {

    @Test
    void bindAddressParsesHostAndPort() {
        assertEquals(new InetSocketAddress("0.0.0.0", 50000), ManagerCommand.parse("0.0.0.0:50000"));
        assertEquals(new InetSocketAddress("::1", 7), ManagerCommand.parse("[::1]:7"));
        assertEquals(new InetSocketAddress("127.0.0.1", 9), ManagerCommand.parse(":9"));
    }

    @Test
    void badBindAddressIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> ManagerCommand.parse("nohost"));
        assertThrows(IllegalArgumentException.class, () -> ManagerCommand.parse("h:port"));
        assertThrows(IllegalArgumentException.class, () -> ManagerCommand.parse("h:70000"));
    }

    @Test
    void keyFileTrailingNewlineIsIgnored(@TempDir Path dir) throws Exception {
        Path key = Files.writeString(dir.resolve("key"), "s3cret\n");

        assertArrayEquals("s3cret".getBytes(StandardCharsets.UTF_8), ManagerCommand.readKey(key));
    }

    @Test
    void missingKeyFileArgumentIsAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = ManagerCommand.run(new String[] {"serve", "--bind", "127.0.0.1:0"}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertEquals(2, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--authkey-file"));
    }

    @Test
    void emptyKeyFileIsRejected(@TempDir Path dir) throws Exception {
        Path key = Files.writeString(dir.resolve("key"), "\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = ManagerCommand.run(new String[] {"serve", "--authkey-file", key.toString()}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertEquals(2, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("empty"));
    }
}
