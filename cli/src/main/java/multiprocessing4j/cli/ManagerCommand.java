package multiprocessing4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

import multiprocessing4j.manager.Manager;

/**
 * {@code mp4j manager serve --bind HOST:PORT --authkey-file F}: serves a manager until the process is
 * stopped (SIGTERM, SIGINT), for clients that {@code Manager.connect} to it. The key file's bytes are the
 * authkey (a trailing newline is ignored, so {@code head -c 32 /dev/urandom | base64 > key} works); keep
 * it readable by its owner only. Without {@code --bind} the manager listens on 127.0.0.1 on a free port.
 * It prints the address it listens on to stdout once it serves.
 */
final class ManagerCommand {
    static final String USAGE = "usage: mp4j manager serve [--bind HOST:PORT] --authkey-file FILE";

    private ManagerCommand() {
    }

    /** Runs the command; returns the process exit status (it blocks while serving). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || !args[0].equals("serve")) {
            err.println(USAGE);
            return 2;
        }
        String bind = "127.0.0.1:0";
        Path keyFile = null;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if ((a.equals("--bind") || a.equals("--authkey-file")) && i + 1 >= args.length) {
                err.println(a + " needs a value\n" + USAGE);
                return 2;
            }
            switch (a) {
                case "--bind" -> bind = args[++i];
                case "--authkey-file" -> keyFile = Path.of(args[++i]);
                default -> {
                    err.println("unknown argument " + a + "\n" + USAGE);
                    return 2;
                }
            }
        }
        if (keyFile == null) {
            err.println("--authkey-file is required\n" + USAGE);
            return 2;
        }
        InetSocketAddress address;
        byte[] key;
        try {
            address = parse(bind);
            key = readKey(keyFile);
        } catch (IllegalArgumentException | IOException e) {
            err.println("mp4j manager serve: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Manager manager;
        try {
            manager = Manager.serve(address, key);
        } catch (RuntimeException e) {
            err.println("mp4j manager serve: " + e.getMessage());
            return 1;
        }
        Arrays.fill(key, (byte) 0);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            manager.close();
            stopped.countDown();
        }, "mp4j-manager-stop"));
        out.println("serving a manager at " + manager.address().getAddress().getHostAddress() + ":"
                + manager.address().getPort());
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            manager.close();
        }
        return 0;
    }

    /** {@code HOST:PORT}, {@code [IPv6]:PORT}, or {@code :PORT} (loopback). */
    static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--bind wants HOST:PORT, got '" + hostPort + "'");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--bind: bad port in '" + hostPort + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--bind: port out of range in '" + hostPort + "'");
        }
        return new InetSocketAddress(host.isEmpty() ? "127.0.0.1" : host, port);
    }

    static byte[] readKey(Path file) throws IOException {
        byte[] key = Files.readAllBytes(file);
        int n = key.length;
        while (n > 0 && (key[n - 1] == '\n' || key[n - 1] == '\r')) {
            n--;
        }
        if (n == 0) {
            throw new IllegalArgumentException("the authkey file " + file + " is empty");
        }
        return Arrays.copyOf(key, n);
    }
}
