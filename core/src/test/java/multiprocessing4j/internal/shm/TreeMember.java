package multiprocessing4j.internal.shm;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;

import multiprocessing4j.internal.platform.Pids;
import multiprocessing4j.internal.platform.ProcessTree;
import multiprocessing4j.shared.SharedMemory;

/**
 * A process of a test tree. Arguments: {@code <mode> [child-mode]}. It creates segments and prints
 * {@code SEG <name>} for each: in mode {@code kept} one generated and one user-named segment that
 * it hands off (serializes), in mode {@code private} one it does not hand off, in mode {@code none}
 * none; in mode {@code late:<file>} it prints {@code STARTED} first, waits for the root to die, then
 * creates and hands off one segment and writes its name to the file. If a child mode is
 * given it starts a child JVM of the same tree (with {@code -Dmp4j.root.pid}) sharing its output,
 * waits for the child's {@code CHILD <pid>} line's successor, then prints {@code READY} and either
 * exits ({@code exit} as the third argument) or sleeps until killed.
 */
public final class TreeMember {
    public static void main(String[] args) throws Exception {
        List<SharedMemory> keep = new ArrayList<>();
        String mode = args[0];
        if (mode.equals("kept")) {
            SharedMemory generated = SharedMemory.create(128);
            SharedMemory named = SharedMemory.create("tree-test-" + ProcessTree.selfPid(), 128);
            handOff(generated);
            handOff(named);
            keep.add(generated);
            keep.add(named);
        } else if (mode.equals("private")) {
            keep.add(SharedMemory.create(128));
        } else if (mode.startsWith("late:")) {
            System.out.println("STARTED " + ProcessTree.selfPid());
            System.out.flush();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (Pids.isAlive(ProcessTree.rootPid()) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            SharedMemory late = SharedMemory.create(128);
            handOff(late);
            // Not stdout: the pipe it shares with the root went away with the root.
            java.nio.file.Files.writeString(java.nio.file.Path.of(mode.substring("late:".length())), late.name());
            Thread.sleep(120_000);
            return;
        }
        for (SharedMemory m : keep) {
            System.out.println("SEG " + m.name());
        }
        if (args.length > 1 && !args[1].equals("-")) {
            List<String> command = multiprocessing4j.internal.platform.TestJvm.command(TreeMember.class,
                    List.of("--enable-native-access=ALL-UNNAMED",
                            "-D" + ProcessTree.ROOT_PID_PROPERTY + "=" + ProcessTree.rootPid()), args[1]);
            Process child = new ProcessBuilder(command).inheritIO().start();
            System.out.println("CHILD " + child.pid());
            System.out.flush();
        }
        System.out.println("STARTED " + ProcessTree.selfPid());
        System.out.flush();
        if (args.length > 2 && args[2].equals("exit")) {
            return;
        }
        Thread.sleep(120_000);
    }

    private static void handOff(SharedMemory m) throws Exception {
        try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
            out.writeObject(m);
        }
    }
}
