package multiprocessing4j.examples;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import multiprocessing4j.ChildProcess;
import multiprocessing4j.manager.Manager;

/**
 * Python's {@code Manager().list()}: four worker processes append to one list that lives in a manager's
 * server process, and the parent reads it when they are done.
 *
 * <pre>{@code
 * # Python                                      // multiprocessing4j
 * with Manager() as manager:                    try (Manager manager = Manager.start()) {
 *     results = manager.list()                      List<String> results = manager.list();
 *     p = Process(target=f, args=(results, i))      ChildProcess p = ChildProcess.start(() -> results.add(...));
 * }</pre>
 *
 * <p><b>A proxy is a {@code List}.</b> {@code manager.list()} returns a {@link List} whose every method is
 * one round trip to the server and one atomic operation there: four processes calling {@code add} at the
 * same time lose nothing. The proxy is a handle: the lambda a worker runs captures it, and the copy that
 * arrives in the child connects to the same list.
 *
 * <p><b>Copies in, copies out.</b> What is added is copied into the server; {@code get} and iteration
 * return copies (iteration works on a snapshot taken in one round trip). To change the list, call its
 * methods; mutating an element you read changes only your copy, as in Python.
 *
 * <p>{@link Manager#start()} runs the server in a child JVM of its own; closing the manager stops it.
 */
public final class ManagerList {
    private static final int WORKERS = 4;
    private static final int ITEMS = 5;

    private ManagerList() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            throw new UsageException("manager-list takes no options, got " + String.join(" ", args), "mp4j demo manager-list");
        }
        try (Manager manager = Manager.start()) {
            List<String> results = manager.list();
            List<ChildProcess> workers = new ArrayList<>();
            try {
                for (int i = 1; i <= WORKERS; i++) {
                    int worker = i;
                    workers.add(ChildProcess.builder(() -> {
                        for (int item = 1; item <= ITEMS; item++) {
                            results.add("worker " + worker + " item " + item);     // one atomic append on the server
                        }
                    }).name("appender-" + worker).start());
                }
                for (ChildProcess w : workers) {
                    if (!w.join(Duration.ofSeconds(60))) {
                        throw new IllegalStateException(w.name() + " did not finish within 60 s");
                    }
                    if (w.exitCode().orElseThrow() != 0) {
                        throw new IllegalStateException(w.name() + " failed with exit code " + w.exitCode().orElseThrow());
                    }
                }
            } finally {
                for (ChildProcess w : workers) {
                    w.close();
                }
            }
            // The workers ran at the same time: their items are in the order the server received them.
            System.out.println("the list, in the order the appends arrived:");
            for (String item : results) {
                System.out.println("  " + item);
            }
            System.out.println(results.size() + " items from " + WORKERS + " workers (" + WORKERS + " x " + ITEMS
                    + " expected)");
            // A copy in this JVM, to use as an ordinary list
            List<String> sorted = new ArrayList<>(results);
            sorted.sort(null);
            System.out.println("sorted copy: first " + sorted.getFirst() + ", last " + sorted.getLast());
        }
    }
}
