package multiprocessing4j.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import com.sun.net.httpserver.HttpServer;
import multiprocessing4j.ProcessPool;
import multiprocessing4j.ProgressBar;
import multiprocessing4j.ResultIterator;

/**
 * A batch job: download 100 files with a pool of worker JVMs, show a live count of the finished ones,
 * and list the failed URLs at the end.
 *
 * <p>A local HTTP server (the JDK's {@code HttpServer} on loopback) serves {@code /file/N}; every
 * seventh URL points at a file that does not exist (HTTP 404), and those downloads fail. Each download
 * runs in a worker: {@link #download} is a plain static method, passed as a method reference. The pool's
 * {@link ProgressBar} counts as results arrive and, when the map is done, prints the failures with their
 * reasons; the program then sums what arrived.
 */
public final class BatchDownloads {
    private static final int FILES = 100;

    private BatchDownloads() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            throw new UsageException("batch-downloads takes no options, got " + String.join(" ", args), "mp4j demo batch-downloads");
        }
        run(System.out);
    }

    /** Runs the example, printing to {@code out}; returns how many downloads failed. */
    static int run(PrintStream out) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/file/", exchange -> {
            int n = Integer.parseInt(exchange.getRequestURI().getPath().substring("/file/".length()));
            byte[] body = ("file " + n + "\n").repeat(n + 1).getBytes();
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(body);
            }
        });
        server.createContext("/missing/", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            List<String> urls = new ArrayList<>();
            for (int i = 0; i < FILES; i++) {
                urls.add(base + (i % 7 == 3 ? "/missing/" : "/file/") + i);
            }
            out.println("downloading " + urls.size() + " files from " + base + " with 4 worker JVMs");
            ProgressBar bar = ProgressBar.to(out, "downloads");
            long bytes = 0;
            int ok = 0;
            try (ProcessPool pool = ProcessPool.create(4);
                 ResultIterator<Integer> sizes = pool.imapUnordered(BatchDownloads::download, urls, 1, bar)) {
                while (sizes.hasNext()) {
                    try {
                        bytes += sizes.next();
                        ok++;
                    } catch (RuntimeException failed) {
                        // counted and listed by the progress bar
                    }
                }
            }
            out.println(ok + " downloaded, " + bytes + " bytes in all");
            out.println("failed URLs:");
            bar.failures().stream().map(f -> "  " + f.item()).sorted().forEach(out::println);
            return bar.failures().size();
        } finally {
            server.stop(0);
        }
    }

    /** Downloads one URL in a worker; throws for anything but HTTP 200. */
    static int download(String url) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setConnectTimeout(5_000);
            c.setReadTimeout(5_000);
            int status = c.getResponseCode();
            if (status != 200) {
                throw new IOException("HTTP " + status + " for " + url);
            }
            try (InputStream in = c.getInputStream()) {
                return in.readAllBytes().length;
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e.getMessage(), e);
        }
    }
}
