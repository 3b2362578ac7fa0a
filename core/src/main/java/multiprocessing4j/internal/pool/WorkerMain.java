package multiprocessing4j.internal.pool;

import java.io.IOException;
import java.io.InputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * The entry point of a pool worker JVM started by {@link JvmWorkerLauncher}: reads its secret from stdin,
 * connects the two connections to the pool's socket, and runs the {@link WorkerLoop}. Stdin stays open
 * for the worker's whole life: when it ends, the pool's JVM is gone (however it died), and the worker
 * halts at once.
 */
public final class WorkerMain {
    private WorkerMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: WorkerMain <socket path>   (started by a multiprocessing4j pool, not by hand)");
            System.exit(2);
        }
        InputStream stdin = System.in;
        byte[] secret = readSecret(stdin);
        Thread watcher = new Thread(() -> {
            try {
                while (stdin.read() >= 0) {
                    // the pool never writes more; reaching the end means it is gone
                }
            } catch (IOException ignored) {
                // a broken pipe means the same
            }
            Runtime.getRuntime().halt(1);
        }, "mp4j-parent-watch");
        watcher.setDaemon(true);
        watcher.start();

        Path socket = Path.of(args[0]);
        SocketChannel tasks = connect(socket, secret, WireFormat.CONNECTION_TASKS);
        SocketChannel results = connect(socket, secret, WireFormat.CONNECTION_RESULTS);
        int status = new WorkerLoop(tasks, results).run();
        results.close();
        System.exit(status);
    }

    private static byte[] readSecret(InputStream stdin) throws IOException {
        StringBuilder hex = new StringBuilder();
        for (int c; (c = stdin.read()) >= 0 && c != '\n'; ) {
            hex.append((char) c);
        }
        return HexFormat.of().parseHex(hex.toString().strip().getBytes(StandardCharsets.US_ASCII).length == 0 ? ""
                : hex.toString().strip());
    }

    static SocketChannel connect(Path socket, byte[] secret, byte kind) throws IOException {
        SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        ByteBuffer hello = ByteBuffer.allocate(secret.length + 1);
        hello.put(secret).put(kind).flip();
        while (hello.hasRemaining()) {
            channel.write(hello);
        }
        return channel;
    }
}
