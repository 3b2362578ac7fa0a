package multiprocessing4j.examples;

import java.io.Serial;
import java.time.Duration;

import multiprocessing4j.ChildProcess;
import multiprocessing4j.ProcessQueue;
import multiprocessing4j.RemoteException;

/**
 * A child's exception, delivered to the parent, two ways.
 *
 * <p>The Python way: the child catches what its work throws and puts the exception on a
 * {@link ProcessQueue}; the parent takes it from the queue (with a timeout: a child that died
 * without putting anything must not hang the parent). The exception arrives as itself, its own
 * class, message, cause and the child's stack trace.
 *
 * <p>The multiprocessing4j way: nothing to write in the child; an exception that ends the task
 * comes back with the exit, through {@link ChildProcess#failure()}, as a {@link RemoteException}
 * with the remote class, message and stack trace.
 */
public final class ChildException {
    /** The application's own exception type: it travels too. */
    public static final class ConfigurationException extends RuntimeException {
        @Serial
        private static final long serialVersionUID = 1L;

        public ConfigurationException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private ChildException() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            throw new UsageException("child-exception takes no options, got " + String.join(" ", args),
                    "mp4j demo child-exception");
        }
        String setting = "workers=four";

        System.out.println("1. through a queue:");
        try (ProcessQueue<Throwable> errors = ProcessQueue.create();
             ChildProcess child = ChildProcess.builder(() -> {
                 try {
                     parse(setting);
                 } catch (RuntimeException e) {
                     // offer, not put: the queue is empty, and a Runnable cannot throw InterruptedException.
                     if (!errors.offer(e)) {
                         throw e;
                     }
                 }
             }).name("parser-1").start()) {
            Throwable e = errors.poll(Duration.ofSeconds(60));
            if (e == null) {
                throw new IllegalStateException("the child put no exception on the queue within 60 s");
            }
            child.join();
            System.out.println("received " + e.getClass().getName() + ": " + e.getMessage());
            System.out.println("thrown at: " + frame(e.getStackTrace()[0]) + " in the child");
            System.out.println("caused by: " + e.getCause());
            System.out.println("child " + child.name() + " exited with code " + child.exitCode().orElseThrow());
        }

        System.out.println("2. with the exit:");
        try (ChildProcess child = ChildProcess.builder(() -> parse(setting))
                .name("parser-2")
                .stderr(ChildProcess.Output.discard())   // the child prints the exception too; the parent reports it
                .start()) {
            child.join();
            System.out.println("child " + child.name() + " exited with code " + child.exitCode().orElseThrow());
            RemoteException failure = child.failure().orElseThrow(() -> new IllegalStateException("the child did not fail"));
            System.out.println("remote exception: " + failure.remoteClassName() + ": " + failure.remoteMessage());
            System.out.println("thrown at: " + frame(failure.getStackTrace()[0]) + " in the child");
            if (failure.getCause() instanceof RemoteException cause) {
                System.out.println("caused by: " + cause.remoteClassName() + ": " + cause.remoteMessage());
            }
            failure.original().ifPresent(original ->
                    System.out.println("rebuilt here as: " + original.getClass().getName()));
        }
    }

    private static String frame(StackTraceElement where) {
        return where.getClassName() + "." + where.getMethodName() + "(" + where.getFileName() + ":" + where.getLineNumber() + ")";
    }

    private static void parse(String setting) {
        String value = setting.substring(setting.indexOf('=') + 1);
        try {
            Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ConfigurationException("setting '" + setting + "' is not a number of workers", e);
        }
    }
}
