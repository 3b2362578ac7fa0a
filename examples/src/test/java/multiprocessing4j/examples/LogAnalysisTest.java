package multiprocessing4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogAnalysisTest {

    @Test
    void workersCountTheErrorsPerComponentOfTheWholeFile(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("app.log");
        LogAnalysis.generate(log, 20_000, 7);
        List<String> lines = Files.readAllLines(log);
        Map<String, Long> expected = new TreeMap<>();
        for (String line : lines) {
            if (line.split(" ")[1].equals("ERROR")) {
                expected.merge(line.substring(line.indexOf('[') + 1, line.indexOf(']')), 1L, Long::sum);
            }
        }

        LogAnalysis.Totals totals = LogAnalysis.analyse(log, 3);

        assertEquals(lines.size(), totals.lines());
        assertEquals(expected, totals.errorsByComponent());
    }

    @Test
    void mainPrintsTheTotals(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("app.log");
        LogAnalysis.generate(log, 5_000, 11);
        long errors = Files.readAllLines(log).stream().filter(l -> l.contains(" ERROR [")).count();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            LogAnalysis.main(new String[] {log.toString(), "2"});
        } finally {
            System.setOut(original);
        }
        String output = bytes.toString(StandardCharsets.UTF_8);

        assertTrue(output.contains("TOTAL lines=5000 errors=" + errors), output);
        assertTrue(output.contains("Errors per component:"), output);
    }

    @Test
    void onlyErrorLinesCount() {
        assertEquals("payments", LogAnalysis.errorComponent("2026-11-22T00:00:00Z ERROR [payments] declined"));
        assertEquals(null, LogAnalysis.errorComponent("2026-11-22T00:00:00Z INFO [payments] ERROR in text"));
    }
}
