package multiprocessing4j.examples;

import java.util.ArrayList;
import java.util.List;

import multiprocessing4j.ChildProcess;
import multiprocessing4j.Multiprocessing;

/**
 * Python's {@code Process(target=f).start(); p.join(); p.exitcode}: three children say who they
 * are, one of them exits with code 3; the parent joins them and prints each exit code.
 *
 * <pre>
 * parent main, pid 4100, 2 CPUs
 * [greeter-1 4123] hello from greeter-1, pid 4123, parent 4100
 * ...
 * greeter-1  pid 4123    exit code 0
 * greeter-3  pid 4131    exit code 3
 * </pre>
 */
public final class StartAndJoin {
    private StartAndJoin() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            throw new UsageException("hello takes no options, got " + String.join(" ", args), "mp4j demo hello");
        }
        ChildProcess.Current me = ChildProcess.current();
        System.out.printf("parent %s, pid %d, %d CPUs%n", me.name(), me.pid(), Multiprocessing.cpuCount());
        List<ChildProcess> children = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            int exitCode = i == 3 ? 3 : 0;
            children.add(ChildProcess.builder(() -> {
                        ChildProcess.Current c = ChildProcess.current();
                        System.out.printf("hello from %s, pid %d, parent %d%n", c.name(), c.pid(), c.parentPid().orElseThrow());
                        if (exitCode != 0) {
                            System.exit(exitCode);
                        }
                    })
                    .name("greeter-" + i)
                    .output(ChildProcess.Output.prefixed())
                    .start());
        }
        for (ChildProcess child : children) {
            try (child) {
                child.join();
                System.out.printf("%-10s pid %-7d exit code %d%n", child.name(), child.pid(), child.exitCode().orElseThrow());
            }
        }
    }
}
