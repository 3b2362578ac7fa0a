package multiprocessing4j.examples;

import java.util.ArrayList;
import java.util.List;

import multiprocessing4j.ChildProcess;
import multiprocessing4j.manager.Manager;

/**
 * Python's {@code Manager().list()} example: a manager holds a list; four worker processes append
 * to it through the proxy their tasks captured; the parent reads the whole list at the end.
 */
public final class ManagerList {
    private ManagerList() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            throw new UsageException("manager-list takes no options, got " + String.join(" ", args), "mp4j demo manager-list");
        }
        try (Manager manager = Manager.start()) {
            List<String> results = manager.list();
            List<ChildProcess> workers = new ArrayList<>();
            for (int w = 1; w <= 4; w++) {
                int worker = w;
                workers.add(ChildProcess.start(() -> {
                    for (int i = 1; i <= 3; i++) {
                        results.add("worker " + worker + " item " + i);
                    }
                }));
            }
            for (ChildProcess child : workers) {
                try (child) {
                    child.join();
                }
            }
            List<String> all = new ArrayList<>(results);
            all.sort(null);
            all.forEach(System.out::println);
            System.out.println(all.size() + " items appended by 4 processes");
        }
    }
}
