package multiprocessing4j;

import java.nio.file.Path;
import java.time.Duration;

/**
 * An intermediate parent JVM for {@link ProcessTreeTest}, started with a plain {@code ProcessBuilder} so
 * that the test can kill it or watch it exit. It reports the pids of what it starts in files under a directory.
 */
public final class TreeScenario {
    private TreeScenario() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String dir = args[1];
        switch (mode) {
            case "orphan" -> orphan(dir);
            case "exit" -> exitNormally(dir);
            default -> throw new IllegalArgumentException(mode);
        }
    }

    /** A child that starts a grandchild, and a daemon child; all sleep until the test kills this JVM. */
    private static void orphan(String dir) throws InterruptedException {
        String grandchildFile = Path.of(dir, "grandchild").toString();
        ChildProcess child = ChildProcess.builder(() -> {
            ChildProcess grandchild = ChildProcess.start(TreeScenario::sleepLong);
            Await.writeLine(grandchildFile, Long.toString(grandchild.pid()));
            sleepLong();
        }).name("child").start();
        ChildProcess daemon = ChildProcess.builder(TreeScenario::sleepLong).daemon(true).name("daemon").start();
        Await.writeLine(Path.of(dir, "children").toString(), child.pid() + " " + daemon.pid());
        sleepLong();
    }

    /** A daemon child that would sleep forever and a non-daemon child that works a while; then main returns. */
    private static void exitNormally(String dir) {
        String doneFile = Path.of(dir, "done").toString();
        ChildProcess daemon = ChildProcess.builder(TreeScenario::sleepLong).daemon(true).name("daemon").start();
        ChildProcess worker = ChildProcess.builder(() -> {
            try {
                Thread.sleep(1000); // work that outlives the parent's main()
            } catch (InterruptedException e) {
                return;
            }
            Await.writeLine(doneFile, "done");
        }).name("worker").start();
        Await.writeLine(Path.of(dir, "children").toString(), worker.pid() + " " + daemon.pid());
    }

    private static void sleepLong() {
        try {
            Thread.sleep(Duration.ofMinutes(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
