package multiprocessing4j.examples;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import multiprocessing4j.ChildProcess;
import multiprocessing4j.ProcessQueue;

/**
 * Python's first {@code Queue} example: a child puts {@code [42, None, 'hello']} on a queue and the parent
 * gets it; then the other way round, the parent sends work and the child answers on a second queue.
 *
 * <pre>{@code
 * # Python                                   // multiprocessing4j
 * q = Queue()                                try (ProcessQueue<List<Object>> q = ProcessQueue.create()) {
 * p = Process(target=f, args=(q,))               ChildProcess p = ChildProcess.start(() -> q.offer(Arrays.asList(42, null, "hello")));
 * p.start()
 * print(q.get())                                 System.out.println(q.take());
 * p.join()                                       p.join();
 *                                            }
 * }</pre>
 *
 * <p><b>Capture it and it works.</b> A {@link ProcessQueue} is a handle: the lambda the child runs captures
 * it, and the copy in the child attaches to the same queue, in shared memory. Messages are copies,
 * serialized in the thread that puts them; each is taken exactly once.
 *
 * <p><b>Bounded waits.</b> The parent uses {@code poll(Duration)} rather than {@code take()}: if the child
 * died before putting anything, the parent learns it instead of waiting forever (Python's
 * {@code q.get(timeout=...)}).
 */
public final class QueueBetweenProcesses {
    private QueueBetweenProcesses() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            throw new UsageException("queue takes no options, got " + String.join(" ", args), "mp4j demo queue");
        }
        // 1. Child to parent.
        try (ProcessQueue<List<Object>> q = ProcessQueue.create();
             ChildProcess p = ChildProcess.start(() -> {
                 // offer, not put: a Runnable cannot throw InterruptedException, and this queue is empty
                 if (!q.offer(Arrays.asList(42, null, "hello"))) {
                     throw new IllegalStateException("the queue is full");
                 }
             })) {
            System.out.println("from the child: " + receive(q));
            p.join();
        }

        // 2. Parent to child and back: the child doubles numbers until it gets the sentinel -1.
        try (ProcessQueue<Integer> work = ProcessQueue.create(8);
             ProcessQueue<String> answers = ProcessQueue.create(8);
             ChildProcess doubler = ChildProcess.builder(() -> doubler(work, answers)).name("doubler").start()) {
            for (int n : List.of(1, 2, 3)) {
                work.put(n);
                System.out.println("sent " + n + ", got back: " + receive(answers));
            }
            work.put(-1);
            System.out.println("the child's last word: " + receive(answers));
            if (!doubler.join(Duration.ofSeconds(60))) {
                throw new IllegalStateException("the child did not exit within 60 s");
            }
            System.out.println("child " + doubler.name() + " exited with code " + doubler.exitCode().orElseThrow());
        }
    }

    /** The child of part 2. */
    static void doubler(ProcessQueue<Integer> work, ProcessQueue<String> answers) {
        try {
            for (int n; (n = work.take()) != -1; ) {
                answers.put(n + " * 2 = " + (n * 2) + " (pid " + ProcessHandle.current().pid() + ")");
            }
            answers.put("bye");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static <E> E receive(ProcessQueue<E> q) throws InterruptedException {
        E e = q.poll(Duration.ofSeconds(60));
        if (e == null) {
            throw new IllegalStateException("nothing arrived within 60 s");
        }
        return e;
    }
}
