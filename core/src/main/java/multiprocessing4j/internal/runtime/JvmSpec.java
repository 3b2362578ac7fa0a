package multiprocessing4j.internal.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How a child JVM is to be launched, beyond what is always the same (the {@code java} binary and the
 * effective class path and module path of this JVM): the user's JVM options, environment additions and
 * working directory. Two equal specs can share a warm spare, so a spec is a value.
 *
 * @param jvmOptions       options placed after the runtime's defaults, so that they win
 *                         (e.g. {@code -Xmx2g}, {@code -XX:+UseG1GC}, {@code -Dkey=value})
 * @param environment      variables added to (or replacing) this JVM's environment
 * @param workingDirectory the child's working directory; {@code null} for this JVM's
 */
public record JvmSpec(List<String> jvmOptions, Map<String, String> environment, Path workingDirectory) {
    /**
     * The system property that names, in a child's JVM options, a {@link Runnable} class (with a constructor
     * taking no argument, of any access) that the child runs once while it warms up as a spare: see
     * {@link #warmUpOption}.
     */
    public static final String WARM_UP_PROPERTY = "mp4j.warmup";

    /** No options, this JVM's environment and working directory. */
    public static final JvmSpec DEFAULT = new JvmSpec(List.of(), Map.of(), null);

    public JvmSpec {
        jvmOptions = List.copyOf(jvmOptions);
        for (String option : jvmOptions) {
            if (option.isBlank()) {
                throw new IllegalArgumentException("a JVM option is blank: " + jvmOptions);
            }
        }
        environment = Map.copyOf(new TreeMap<>(Objects.requireNonNull(environment, "environment")));
        workingDirectory = workingDirectory == null ? null : workingDirectory.toAbsolutePath().normalize();
    }

    /**
     * The JVM option that makes a spare launched with it also run {@code warmUp} while it warms up, for a user of
     * the runtime whose entry's first steps in a fresh JVM are dear (a pool's worker: its rings and loop). A spare
     * stays what it is: the entry handed over later decides what the child does.
     */
    public static String warmUpOption(Class<? extends Runnable> warmUp) {
        return "-D" + WARM_UP_PROPERTY + "=" + warmUp.getName();
    }
}
