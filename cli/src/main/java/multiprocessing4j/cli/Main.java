package multiprocessing4j.cli;

import multiprocessing4j.ChildProcess;
import multiprocessing4j.Multiprocessing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The {@code mp4j} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("demo") && args[1].equals("hello")) {
            hello();
            return;
        }
        if (args.length > 0 && args[0].equals("manager")) {
            System.exit(ManagerCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        System.err.println("usage: mp4j demo hello | mp4j bench | mp4j manager serve ...");
        System.exit(2);
    }

    /** Starts a few children; each says who it is; the parent shows their names, pids and exit codes. */
    private static void hello() throws InterruptedException {
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
        ChildProcess failing = ChildProcess.builder(() -> {
            throw new IllegalStateException("this child fails on purpose");
        }).name("failer").stderr(ChildProcess.Output.discard()).start();
        children.add(failing);
        for (ChildProcess child : children) {
            try (child) {
                child.join();
                System.out.printf("%-10s pid %-7d exit code %d%s%n", child.name(), child.pid(), child.exitCode().orElseThrow(),
                        child.failure().map(f -> "  (" + f.getMessage() + ")").orElse(""));
            }
        }
    }
}
