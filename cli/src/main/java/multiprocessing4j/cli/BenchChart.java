package multiprocessing4j.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

/**
 * The chart of {@code docs/benchmarks.md}: one horizontal bar per figure measured on both sides,
 * its length the ratio (how many times better we are) on a logarithmic scale, with the 1× line
 * marked. Drawn with Java2D, headless, written as PNG.
 */
final class BenchChart {
    private static final int WIDTH = 960;
    private static final int ROW = 34;
    private static final int LABEL = 250;
    private static final int TOP = 56;

    private BenchChart() {
    }

    static void write(Path png, Map<String, BenchCommand.Figure> ours, Map<String, BenchCommand.Figure> theirs)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<String> ids = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (String id : ours.keySet()) {
            double r = BenchCommand.ratio(ours.get(id), theirs.get(id));
            if (!Double.isNaN(r)) {
                ids.add(id);
                ratios.add(r);
            }
        }
        int height = TOP + Math.max(1, ids.size()) * ROW + 50;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString("multiprocessing4j vs CPython multiprocessing: times better (log scale)", 16, 28);
            if (ids.isEmpty()) {
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
                g.drawString("no figure was measured on both sides (is python3 installed?)", 16, TOP + 20);
            } else {
                double maxLog = Math.max(1, Math.ceil(Math.log10(ratios.stream().mapToDouble(Double::doubleValue).max().orElse(10))));
                double minLog = Math.min(0, Math.floor(Math.log10(ratios.stream().mapToDouble(Double::doubleValue).min().orElse(1))));
                int plotLeft = LABEL + 10;
                int plotWidth = WIDTH - plotLeft - 90;
                int bottom = TOP + ids.size() * ROW;
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
                for (int e = (int) minLog; e <= maxLog; e++) {
                    int x = plotLeft + (int) ((e - minLog) / (maxLog - minLog) * plotWidth);
                    g.setColor(e == 0 ? Color.DARK_GRAY : new Color(220, 220, 220));
                    g.setStroke(new BasicStroke(e == 0 ? 2f : 1f));
                    g.drawLine(x, TOP - 6, x, bottom);
                    g.setColor(Color.DARK_GRAY);
                    String label = e >= -2 ? BenchCommand.times(Math.pow(10, e)) : "1e" + e + "×";
                    g.drawString(label, x - 10, bottom + 18);
                }
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
                int zero = plotLeft + (int) ((0 - minLog) / (maxLog - minLog) * plotWidth);
                for (int i = 0; i < ids.size(); i++) {
                    int y = TOP + i * ROW;
                    double r = ratios.get(i);
                    int x = plotLeft + (int) ((Math.log10(r) - minLog) / (maxLog - minLog) * plotWidth);
                    g.setColor(r >= 1 ? new Color(46, 125, 50) : new Color(198, 40, 40));
                    g.fillRect(Math.min(zero, x), y + 6, Math.max(2, Math.abs(x - zero)), ROW - 12);
                    g.setColor(Color.BLACK);
                    g.drawString(ids.get(i), 16, y + ROW / 2 + 5);
                    g.drawString(BenchCommand.times(r), Math.max(zero, x) + 6, y + ROW / 2 + 5);
                }
                g.setColor(Color.DARK_GRAY);
                g.drawString("green: multiprocessing4j better; red: CPython better; 1× = equal", 16, bottom + 40);
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", png.toFile());
    }
}
