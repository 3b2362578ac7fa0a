package multiprocessing4j.cli;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * The {@code mp4j} command: a dispatcher over its sub-commands. Exit codes: 0 done, 1 the command
 * failed, 2 bad usage (the message says what was wrong), 130 interrupted by Ctrl+C.
 */
public final class Main {
    static final String USAGE = """
            usage: mp4j COMMAND [options]
              mp4j demo NAME [options]   run an example (the main job: mp4j demo live)
              mp4j demo list             list the examples with a line on each
              mp4j bench [--quick] [--no-python] [--out FILE]
                                         run the side-by-side benchmarks (ours and CPython's), print the table
                                         and write it with a chart to docs/benchmarks.md
              mp4j manager serve --authkey-file FILE [--bind HOST:PORT]
                                         serve a manager to other processes and machines
              mp4j help                  this text""";

    /** Exit code for bad usage. */
    static final int USAGE_ERROR = 2;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; returns its exit code (for tests, which must not call System.exit). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(USAGE);
            return USAGE_ERROR;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (args[0]) {
                case "demo" -> DemoCommand.run(rest, out, err);
                case "bench" -> BenchCommand.run(rest, out, err);
                case "manager" -> ManagerCommand.run(rest, out, err);
                case "help", "--help", "-h" -> {
                    out.println(USAGE);
                    yield 0;
                }
                default -> {
                    err.println("mp4j: unknown command '" + args[0] + "'");
                    err.println(USAGE);
                    yield USAGE_ERROR;
                }
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("mp4j: interrupted");
            return 130;
        }
    }
}
