package multiprocessing4j.examples;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import multiprocessing4j.AsyncResult;
import multiprocessing4j.ProcessPool;

/**
 * Python's {@code pool.apply_async(f, (x,), callback=collect)}: six tasks of different lengths are started
 * at once; a callback receives each result as soon as its task finishes, and an error callback the one
 * failure.
 *
 * <pre>{@code
 * # Python                                          // multiprocessing4j
 * results = []                                      List<String> results = ...;
 * for i in range(6):                                for (int i = 0; i < 6; i++)
 *     pool.apply_async(work, (i,),                      pool.applyAsync(ApplyAsyncCallbacks::work, i,
 *                      callback=results.append,                         results::add,
 *                      error_callback=print)                            e -> System.out.println(e));
 * pool.close(); pool.join()                         pool.close();
 * }</pre>
 *
 * <p><b>Where callbacks run.</b> Not in the workers and not in the thread that called {@code applyAsync}:
 * on the pool's one <em>result thread</em> in this JVM, one at a time, in the order the tasks finish, which
 * is generally not the order they were started in (here task 0 is the longest). So a callback needs no
 * lock against the other callbacks, but must be quick: while it runs, no other result is delivered. The
 * example prints the thread's name from inside the callback to show it.
 *
 * <p><b>When.</b> A task's callback has run by the time its {@link AsyncResult} is ready, so after
 * {@code get()} the collected results include it.
 */
public final class ApplyAsyncCallbacks {
    private static final int TASKS = 6;
    /** The task that fails, to show the error callback. */
    private static final int FAILING = 4;

    private ApplyAsyncCallbacks() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            throw new UsageException("apply-async takes no options, got " + String.join(" ", args), "mp4j demo apply-async");
        }
        System.out.println("main thread: " + Thread.currentThread().getName());
        // The result thread is the only one calling the callbacks; the main thread reads the list only
        // after every result is ready. A synchronized list keeps that hand-over obviously safe.
        List<String> completionOrder = Collections.synchronizedList(new ArrayList<>());
        List<AsyncResult<String>> pending = new ArrayList<>();
        try (ProcessPool pool = ProcessPool.create(2)) {
            for (int i = 0; i < TASKS; i++) {
                int task = i;
                pending.add(pool.applyAsync(ApplyAsyncCallbacks::work, task,
                        result -> {
                            System.out.println("callback: " + result + "   (on thread " + Thread.currentThread().getName() + ")");
                            completionOrder.add("task " + task);
                        },
                        failure -> {
                            System.out.println("error callback: task " + task + " failed with " + failure
                                    + "   (on thread " + Thread.currentThread().getName() + ")");
                            completionOrder.add("task " + task + " (failed)");
                        }));
            }
            System.out.println("started " + TASKS + " tasks in order 0.." + (TASKS - 1) + "; the main thread goes on");
            for (AsyncResult<String> r : pending) {
                // Python's wait(timeout): a bounded wait; get() would also throw the failure the error callback got
                if (!r.waitFor(Duration.ofSeconds(60))) {
                    throw new IllegalStateException("a task did not finish within 60 s");
                }
            }
        }
        System.out.println("callbacks ran in completion order: " + completionOrder);
        System.out.println("successful: " + pending.stream().filter(AsyncResult::successful).count() + " of " + TASKS);
    }

    /** A task: takes longer the smaller its number is, and task {@value #FAILING} fails. */
    static String work(int task) {
        try {
            Thread.sleep(100L * (TASKS - task));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("task " + task + " was interrupted", e);
        }
        if (task == FAILING) {
            throw new IllegalStateException("task " + task + " could not finish");
        }
        return "task " + task + " done in worker " + ProcessHandle.current().pid();
    }
}
