package multiprocessing4j.examples;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

import multiprocessing4j.ChildProcess;
import multiprocessing4j.ProcessQueue;

/**
 * A child's exception delivered to the parent through a queue, the way Python programs do it by hand: the
 * worker catches what its job throws and puts it on a {@link ProcessQueue}, next to the results of the jobs
 * that worked; the parent takes each outcome and sees the exception object itself, with its class, message,
 * cause and the stack trace it had in the child.
 *
 * <pre>{@code
 * # Python                                       // multiprocessing4j
 * def worker(q, text):                           ChildProcess.start(() -> {
 *     try:                                           try {
 *         q.put(('ok', int(text)))                       out.put(Outcome.ok(text, Integer.parseInt(text)));
 *     except Exception:                              } catch (RuntimeException e) {
 *         q.put(('error', traceback.format_exc()))       out.put(Outcome.failed(text, e));    // the exception itself
 *                                                    }
 *                                                });
 * }</pre>
 *
 * <p>Python can only send the traceback as text (its exceptions lose their traceback when pickled); here
 * the exception travels as an object: {@code instanceof} and {@code getCause()} work on it in the parent,
 * and its stack trace still names the lines in the child that threw. It is a copy: a different object from
 * the one the child threw.
 *
 * <p>(When the job's exception should simply end the child, {@link ChildProcess#failure()} delivers it
 * without a queue: see the {@code child-exception} demo.)
 */
public final class QueueException {
    /** What one job came to: a value, or the exception it threw. */
    record Outcome(String input, Integer value, RuntimeException failure) implements Serializable {
        static Outcome ok(String input, int value) {
            return new Outcome(input, value, null);
        }

        static Outcome failed(String input, RuntimeException failure) {
            return new Outcome(input, null, failure);
        }
    }

    private QueueException() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            throw new UsageException("queue-exception takes no options, got " + String.join(" ", args),
                    "mp4j demo queue-exception");
        }
        List<String> inputs = List.of("42", "17", "x9", "256");
        try (ProcessQueue<Outcome> outcomes = ProcessQueue.create(16);
             ChildProcess child = ChildProcess.builder(() -> worker(inputs, outcomes)).name("parser").start()) {
            for (int i = 0; i < inputs.size(); i++) {
                Outcome o = outcomes.poll(Duration.ofSeconds(60));   // bounded: a dead child cannot hang us
                if (o == null) {
                    throw new IllegalStateException("the child sent nothing within 60 s; it " + (child.isAlive()
                            ? "is still running" : "exited with code " + child.exitCode().orElseThrow()));
                }
                if (o.failure() == null) {
                    System.out.println("'" + o.input() + "' -> " + o.value());
                    continue;
                }
                RuntimeException e = o.failure();
                System.out.println("'" + o.input() + "' -> failed in the child with " + e);
                StackTraceElement where = e.getStackTrace()[0];
                System.out.println("    thrown at " + where.getClassName() + "." + where.getMethodName()
                        + "(" + where.getFileName() + ":" + where.getLineNumber() + ") in the child");
                if (e.getCause() != null) {
                    System.out.println("    caused by " + e.getCause());
                }
                System.out.println("    an IllegalArgumentException here too: " + (e instanceof IllegalArgumentException));
            }
            if (!child.join(Duration.ofSeconds(60))) {
                throw new IllegalStateException("the child did not exit within 60 s");
            }
            System.out.println("child " + child.name() + " exited with code " + child.exitCode().orElseThrow()
                    + ": it caught the exception itself and went on");
        }
    }

    /** The child: runs each job, and puts its outcome, value or exception, on the queue. */
    static void worker(List<String> inputs, ProcessQueue<Outcome> outcomes) {
        try {
            for (String input : inputs) {
                Outcome outcome;
                try {
                    outcome = Outcome.ok(input, parsePercent(input));
                } catch (RuntimeException e) {
                    outcome = Outcome.failed(input, e);     // the exception goes on the queue like any value
                }
                outcomes.put(outcome);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A job: a percentage given as text; bad text throws, with the parse error as its cause. */
    static int parsePercent(String text) {
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a percentage", e);
        }
        if (value > 100) {
            throw new IllegalArgumentException(value + " is more than 100 percent");
        }
        return value;
    }
}
