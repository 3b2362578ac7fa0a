package multiprocessing4j.examples;

import java.io.Serial;

import multiprocessing4j.ChildProcess;
import multiprocessing4j.RemoteException;

/**
 * A child's exception, delivered to the parent: the child parses a configuration value and fails;
 * the parent gets the exception's class, message and the child's stack trace through
 * {@link ChildProcess#failure()}, and the original exception type where it can be rebuilt. Python
 * programs send the traceback through a queue by hand; here it comes with the exit.
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
        try (ChildProcess child = ChildProcess.builder(() -> parse(setting))
                .name("parser")
                .stderr(ChildProcess.Output.discard())   // the child prints the exception too; the parent reports it
                .start()) {
            child.join();
            System.out.println("child " + child.name() + " exited with code " + child.exitCode().orElseThrow());
            RemoteException failure = child.failure().orElseThrow(() -> new IllegalStateException("the child did not fail"));
            System.out.println("remote exception: " + failure.remoteClassName() + ": " + failure.remoteMessage());
            StackTraceElement where = failure.getStackTrace()[0];
            System.out.println("thrown at: " + where.getClassName() + "." + where.getMethodName()
                    + "(" + where.getFileName() + ":" + where.getLineNumber() + ") in the child");
            if (failure.getCause() instanceof RemoteException cause) {
                System.out.println("caused by: " + cause.remoteClassName() + ": " + cause.remoteMessage());
            }
            failure.original().ifPresent(original ->
                    System.out.println("rebuilt here as: " + original.getClass().getName()));
        }
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
