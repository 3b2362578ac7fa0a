package multiprocessing4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BatchDownloadsTest {
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void downloadsEveryFileCountsLiveAndListsTheFailedUrls() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        PrintStream saved = System.out;
        System.setOut(out);
        try {
            BatchDownloads.main(new String[0]);
        } finally {
            System.setOut(saved);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        // every seventh URL, starting at 3, is missing: 3, 10, 17, ..., 94
        assertTrue(printed.contains("downloads [##############################] 100/100  (14 failed)"), printed);
        assertTrue(printed.contains("14 of 100 failed:"), printed);
        assertTrue(printed.contains("86 downloaded"), printed);
        assertTrue(printed.contains("HTTP 404"), printed);
        String failedSection = printed.substring(printed.indexOf("failed URLs:"));
        assertEquals(14, failedSection.lines().filter(l -> l.contains("/missing/")).count(), printed);
        assertTrue(printed.contains("downloads [###"), "a live count was printed on the way: " + printed);
    }
}
