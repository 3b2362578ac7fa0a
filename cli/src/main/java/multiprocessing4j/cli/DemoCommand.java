package multiprocessing4j.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

import multiprocessing4j.examples.Demos;
import multiprocessing4j.examples.UsageException;

/** {@code mp4j demo NAME [options]} and {@code mp4j demo list}: the examples module's programs. */
final class DemoCommand {
    private DemoCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        if (args.length == 0) {
            err.println("mp4j demo: which one? mp4j demo NAME [options], one of: " + names());
            err.println("mp4j demo list describes them");
            return Main.USAGE_ERROR;
        }
        if (args[0].equals("list")) {
            if (args.length > 1) {
                err.println("mp4j demo list takes no options");
                return Main.USAGE_ERROR;
            }
            int width = Demos.all().stream().mapToInt(d -> d.name().length()).max().orElse(0);
            for (Demos.Demo d : Demos.all()) {
                out.printf("%-" + width + "s  %s%n", d.name(), d.description());
            }
            return 0;
        }
        Optional<Demos.Demo> demo = Demos.find(args[0]);
        if (demo.isEmpty()) {
            err.println("mp4j demo: no demo called '" + args[0] + "'; there are: " + names());
            return Main.USAGE_ERROR;
        }
        try {
            demo.get().main().run(Arrays.copyOfRange(args, 1, args.length));
            return 0;
        } catch (UsageException e) {
            if (e.isHelp()) {
                out.println("usage: " + e.usage());
                return 0;
            }
            err.println("mp4j demo " + args[0] + ": " + e.getMessage());
            err.println("usage: " + e.usage());
            return Main.USAGE_ERROR;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            err.println("mp4j demo " + args[0] + " failed: " + e);
            return 1;
        }
    }

    private static String names() {
        return Demos.all().stream().map(Demos.Demo::name).collect(Collectors.joining(", "));
    }
}
