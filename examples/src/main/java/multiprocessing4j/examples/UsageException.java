package multiprocessing4j.examples;

import java.io.Serial;

/**
 * Bad command-line options for an example: the message says what was wrong; the {@code mp4j}
 * command prints it with the example's usage and exits with code 2.
 */
public final class UsageException extends IllegalArgumentException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String usage;
    private final boolean help;

    public UsageException(String message, String usage) {
        this(message, usage, false);
    }

    private UsageException(String message, String usage, boolean help) {
        super(message);
        this.usage = usage;
        this.help = help;
    }

    /** Not an error: the user asked for the usage ({@code --help}); printed on stdout, exit code 0. */
    public static UsageException help(String usage) {
        return new UsageException("help requested", usage, true);
    }

    /** Whether this is a request for help rather than an error. */
    public boolean isHelp() {
        return help;
    }

    /** The example's usage line(s). */
    public String usage() {
        return usage;
    }
}
