package multiprocessing4j.examples;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import multiprocessing4j.Multiprocessing;
import multiprocessing4j.ProcessPool;

/**
 * A batch job on real files: make thumbnails of a folder of images in parallel. The example first draws
 * 24 pictures (1600 x 1200, gradients and shapes) into a temporary folder with {@code javax.imageio}, then
 * a {@link ProcessPool} with one worker per CPU reads each one, scales it down to 320 x 240 and writes the
 * thumbnail into an output folder; the parent prints each file's sizes and the total time, and removes the
 * temporary folders at the end.
 *
 * <pre>{@code
 * # Python                                          // multiprocessing4j
 * with Pool() as pool:                              try (ProcessPool pool = ProcessPool.create()) {
 *     for r in pool.imap_unordered(resize, files):      for (Thumbnail t : pool.map(ResizeImages::resize, jobs))
 *         print(r)                                          System.out.println(t);
 * }</pre>
 *
 * <p><b>What travels.</b> Only file names go to the workers and only a small record comes back: the
 * pixels are read and written by the worker itself. That is the shape that scales: sending the image
 * data through the pool would cost more than the resizing. A {@link Path} is not serializable, so the jobs
 * carry strings.
 *
 * <p><b>Why processes.</b> Decoding and encoding images is CPU work; in one JVM, threads would do too,
 * but a worker that runs out of memory on a huge image, or crashes in native code, fails only its own task
 * here, with a {@link multiprocessing4j.WorkerDiedException}, and the pool replaces it.
 *
 * <p>Run: {@code mp4j demo resize-images [count]} (24 images unless told).
 */
public final class ResizeImages {
    static final int WIDTH = 1600;
    static final int HEIGHT = 1200;
    static final int THUMB_WIDTH = 320;
    static final int THUMB_HEIGHT = 240;

    /** One job: which file to read, where to write its thumbnail. */
    record Job(String source, String target) implements Serializable {
    }

    /** What a worker reports about one file. */
    record Thumbnail(String name, int width, int height, long bytes, int thumbWidth, int thumbHeight, long thumbBytes,
                     long workerPid) implements Serializable {
    }

    private ResizeImages() {
    }

    public static void main(String[] args) throws Exception {
        int count = 24;
        if (args.length > 1) {
            throw new UsageException("resize-images takes at most one option, got " + String.join(" ", args),
                    "mp4j demo resize-images [count]");
        }
        if (args.length == 1) {
            try {
                count = Integer.parseInt(args[0]);
            } catch (NumberFormatException e) {
                throw new UsageException("the count must be a whole number, got '" + args[0] + "'",
                        "mp4j demo resize-images [count]");
            }
            if (count < 1 || count > 1000) {
                throw new UsageException("the count must be between 1 and 1000, got " + count, "mp4j demo resize-images [count]");
            }
        }
        Path work = Files.createTempDirectory("mp4j-resize-example-");
        try {
            Path originals = Files.createDirectory(work.resolve("originals"));
            Path thumbnails = Files.createDirectory(work.resolve("thumbnails"));
            List<Job> jobs = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                Path image = originals.resolve(String.format(Locale.ROOT, "photo-%02d.jpg", i));
                draw(image, i);
                jobs.add(new Job(image.toString(), thumbnails.resolve(image.getFileName()).toString()));
            }
            System.out.printf(Locale.ROOT, "drew %d images of %d x %d in %s%n", count, WIDTH, HEIGHT, originals);

            int processes = Multiprocessing.cpuCount();
            long start = System.nanoTime();
            List<Thumbnail> done;
            // Headless: the workers draw into memory, never on a screen.
            try (ProcessPool pool = ProcessPool.builder().processes(processes).jvmOptions("-Djava.awt.headless=true").build()) {
                done = pool.map(ResizeImages::resize, jobs);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;

            for (Thumbnail t : done) {
                System.out.printf(Locale.ROOT, "%s  %d x %d, %,d bytes  ->  %d x %d, %,d bytes  (worker %d)%n", t.name(), t.width(),
                        t.height(), t.bytes(), t.thumbWidth(), t.thumbHeight(), t.thumbBytes(), t.workerPid());
            }
            long before = done.stream().mapToLong(Thumbnail::bytes).sum();
            long after = done.stream().mapToLong(Thumbnail::thumbBytes).sum();
            System.out.printf(Locale.ROOT, "resized %d images with %d worker processes in %d ms (pool start-up included): %,d bytes -> %,d bytes%n",
                    done.size(), processes, millis, before, after);
        } finally {
            deleteTree(work);
        }
    }

    /** Runs in a worker: reads one image, scales it, writes the thumbnail. */
    static Thumbnail resize(Job job) {
        try {
            Path source = Path.of(job.source());
            Path target = Path.of(job.target());
            BufferedImage image = ImageIO.read(source.toFile());
            if (image == null) {
                throw new IOException("no image reader understands " + source);
            }
            BufferedImage thumb = new BufferedImage(THUMB_WIDTH, THUMB_HEIGHT, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = thumb.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
                g.drawImage(image, 0, 0, THUMB_WIDTH, THUMB_HEIGHT, null);
            } finally {
                g.dispose();
            }
            if (!ImageIO.write(thumb, "jpg", target.toFile())) {
                throw new IOException("no JPEG writer");
            }
            return new Thumbnail(source.getFileName().toString(), image.getWidth(), image.getHeight(), Files.size(source),
                    thumb.getWidth(), thumb.getHeight(), Files.size(target), ProcessHandle.current().pid());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resize " + job.source() + ": " + e.getMessage(), e);
        }
    }

    /** Draws picture number {@code n}: a gradient sky and some coloured shapes, different for each n. */
    static void draw(Path file, int n) throws IOException {
        Random random = new Random(n);
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setPaint(new GradientPaint(0, 0, new Color(random.nextInt(0xFFFFFF)), WIDTH, HEIGHT,
                    new Color(random.nextInt(0xFFFFFF))));
            g.fillRect(0, 0, WIDTH, HEIGHT);
            for (int i = 0; i < 40; i++) {
                g.setColor(new Color(random.nextInt(0xFFFFFF)));
                int w = 50 + random.nextInt(300);
                int h = 50 + random.nextInt(300);
                g.fillOval(random.nextInt(WIDTH - w), random.nextInt(HEIGHT - h), w, h);
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(image, "jpg", file.toFile())) {
            throw new IOException("no JPEG writer");
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
