package multiprocessing4j.cli;

/** The {@code mp4j} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.err.println("usage: mp4j demo NAME | mp4j bench | mp4j manager serve ...");
        System.exit(2);
    }
}
