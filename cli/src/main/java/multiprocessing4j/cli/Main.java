package multiprocessing4j.cli;

import java.util.Arrays;

/** The {@code mp4j} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("manager")) {
            System.exit(ManagerCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        System.err.println("usage: mp4j demo NAME | mp4j bench | mp4j manager serve ...");
        System.exit(2);
    }
}
