package multiprocessing4j.internal.pool;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import multiprocessing4j.internal.runtime.ChildEntry;
import multiprocessing4j.internal.runtime.Link;

/**
 * What a pool hands over to a child JVM of the runtime: connect the two pool connections to the pool's
 * socket, proving itself with the secret (which travelled inside this entry, over the runtime's
 * authenticated link), and run the {@link WorkerLoop} until told to stop. The runtime makes the child
 * exit when its parent dies.
 */
record WorkerEntry(String socket, byte[] secret) implements ChildEntry {
    @Override
    public void run(Link parent) throws IOException {
        Path path = Path.of(socket);
        SocketChannel tasks = WorkerMain.connect(path, secret, WireFormat.CONNECTION_TASKS);
        SocketChannel results = WorkerMain.connect(path, secret, WireFormat.CONNECTION_RESULTS);
        int status = new WorkerLoop(tasks, results).run();
        results.close();
        if (status != 0) {
            throw new IOException("the pool's end of the connection closed: the pool is gone");
        }
    }
}
