package multiprocessing4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import multiprocessing4j.examples.Demos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void noCommandPrintsTheUsageAndExitsWith2() {
        assertEquals(2, run());
        assertTrue(err().contains("usage: mp4j COMMAND"), err());
    }

    @Test
    void anUnknownCommandIsNamedAndExitsWith2() {
        assertEquals(2, run("frobnicate"));
        assertTrue(err().contains("unknown command 'frobnicate'"), err());
    }

    @Test
    void helpGoesToStdoutAndExitsWith0() {
        assertEquals(0, run("help"));
        assertTrue(out().contains("mp4j demo NAME"), out());
    }

    @Test
    void demoListShowsEveryDemoWithItsDescription() {
        assertEquals(0, run("demo", "list"));
        for (Demos.Demo d : Demos.all()) {
            assertTrue(out().contains(d.name()) && out().contains(d.description()), out());
        }
    }

    @Test
    void anUnknownDemoIsNamedWithTheKnownOnes() {
        assertEquals(2, run("demo", "nope"));
        assertTrue(err().contains("no demo called 'nope'") && err().contains("live"), err());
    }

    @Test
    void demoWithoutANameExitsWith2() {
        assertEquals(2, run("demo"));
        assertTrue(err().contains("which one?"), err());
    }

    @Test
    void aDemosBadOptionIsReportedWithItsUsageAndExitsWith2() {
        assertEquals(2, run("demo", "live", "--seconds", "-1"));
        assertTrue(err().contains("--seconds takes a number of seconds of at least 0.01, got '-1'"), err());
        assertTrue(err().contains("usage: mp4j demo live"), err());
    }

    @Test
    void aDemosHelpGoesToStdoutAndExitsWith0() {
        assertEquals(0, run("demo", "live", "--help"));
        assertTrue(out().contains("usage: mp4j demo live"), out());
    }

    @Test
    void benchRejectsAnUnknownOption() {
        assertEquals(2, run("bench", "--fast"));
        assertTrue(err().contains("unknown option --fast"), err());
    }

    @Test
    void aResultLineIsParsed() {
        BenchCommand.Figure f = BenchCommand.parse("RESULT live.publish 812.5 ns lower-is-better");

        assertEquals(new BenchCommand.Figure("live.publish", 812.5, "ns", true), f);
    }

    @Test
    void aMalformedResultLineIsRefusedWithTheReason() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> BenchCommand.parse("RESULT live.publish fast ns lower-is-better"));
        assertTrue(e.getMessage().contains("'fast'"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> BenchCommand.parse("RESULT live.publish 1 ns better"));
        assertThrows(IllegalStateException.class, () -> BenchCommand.parse("RESULT live.publish 1 ns"));
    }

    @Test
    void theRatioSaysHowManyTimesBetterWeAre() {
        BenchCommand.Figure ours = new BenchCommand.Figure("x", 2, "us", true);
        BenchCommand.Figure theirs = new BenchCommand.Figure("x", 20, "us", true);
        BenchCommand.Figure higher = new BenchCommand.Figure("y", 30, "ops/s", false);
        BenchCommand.Figure higherTheirs = new BenchCommand.Figure("y", 10, "ops/s", false);

        assertEquals(10, BenchCommand.ratio(ours, theirs), 1e-9);
        assertEquals(3, BenchCommand.ratio(higher, higherTheirs), 1e-9);
        assertTrue(Double.isNaN(BenchCommand.ratio(ours, null)));
        assertTrue(Double.isNaN(BenchCommand.ratio(ours, new BenchCommand.Figure("x", 20, "ns", true))), "units differ");
    }

    @Test
    void theTableHasARowPerFigureAndTheChartIsAPng(@TempDir Path dir) throws Exception {
        Map<String, BenchCommand.Figure> ours = new LinkedHashMap<>();
        Map<String, BenchCommand.Figure> theirs = new LinkedHashMap<>();
        ours.put("a", new BenchCommand.Figure("a", 1, "us", true));
        ours.put("b", new BenchCommand.Figure("b", 5, "us", true));
        theirs.put("a", new BenchCommand.Figure("a", 25, "us", true));

        String table = BenchCommand.table(ours, theirs);
        Path png = dir.resolve("chart.png");
        BenchChart.write(png, ours, theirs);

        assertTrue(table.contains("| a | 1.00 us | 25.0 us | 25× |"), table);
        assertTrue(table.contains("| b | 5.00 us | — | — |"), table);
        byte[] bytes = Files.readAllBytes(png);
        assertEquals((byte) 0x89, bytes[0]);
        assertEquals("PNG", new String(bytes, 1, 3, StandardCharsets.US_ASCII));
    }
}
