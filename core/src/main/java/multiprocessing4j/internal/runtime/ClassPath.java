package multiprocessing4j.internal.runtime;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The class path and module path a child gets: the <em>effective</em> ones of this JVM.
 *
 * <p>{@code java.class.path} alone is not enough: under Surefire, and under {@code java -jar app.jar},
 * it names one jar whose manifest {@code Class-Path} lists the real entries. We expand that attribute
 * (one level, as the JVM does for the application class path), keeping the jar itself in front since
 * it may hold classes too. Expanding is what lets {@link #allJars()} decide whether class-data sharing
 * can work: it needs every entry to be a jar.
 *
 * <p>Entries that do not exist are left out, as the JVM ignores them: a jar's manifest often names jars that
 * are not there (a module's own jar, copied next to its dependencies, still lists {@code lib/...}), and one
 * such entry would otherwise switch class-data sharing off for every child (measured: a cold child ≈ 250 ms
 * instead of ≈ 190 ms, a cold pool of 2 ≈ 600-850 ms instead of ≈ 450 ms).
 */
final class ClassPath {
    private static final ClassPath CURRENT = compute();

    private final List<String> classPath;
    private final String modulePath;
    private final boolean allJars;

    private ClassPath(List<String> classPath, String modulePath) {
        this.classPath = List.copyOf(classPath);
        this.modulePath = modulePath;
        boolean jars = !classPath.isEmpty() && modulePath == null;
        for (String entry : classPath) {
            jars &= entry.endsWith(".jar") && Files.isRegularFile(Path.of(entry));
        }
        this.allJars = jars;
    }

    static ClassPath current() {
        return CURRENT;
    }

    /** The class path entries, absolute. */
    List<String> classPath() {
        return classPath;
    }

    /** The module path, or {@code null} if this JVM was not launched with one. */
    String modulePath() {
        return modulePath;
    }

    /** Whether every class path entry is a jar and there is no module path: class-data sharing can work. */
    boolean allJars() {
        return allJars;
    }

    private static ClassPath compute() {
        return of(System.getProperty("java.class.path", ""), System.getProperty("jdk.module.path"));
    }

    /** The effective class path for {@code java.class.path} {@code cp} and module path {@code mp} (or null). */
    static ClassPath of(String cp, String mp) {
        Set<String> entries = new LinkedHashSet<>();
        for (String entry : cp.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path path = Path.of(entry).toAbsolutePath().normalize();
            if (!Files.exists(path)) {
                continue; // the JVM ignores it too
            }
            entries.add(path.toString());
            if (entry.endsWith(".jar") && Files.isRegularFile(path)) {
                for (String listed : manifestClassPath(path)) {
                    if (Files.exists(Path.of(listed))) {
                        entries.add(listed);
                    }
                }
            }
        }
        return new ClassPath(new ArrayList<>(entries), mp == null || mp.isEmpty() ? null : mp);
    }

    private static List<String> manifestClassPath(Path jar) {
        List<String> out = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            Manifest manifest = file.getManifest();
            String value = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (value == null) {
                return out;
            }
            URI base = jar.getParent().toUri();
            for (String item : value.trim().split("\\s+")) {
                if (item.isEmpty()) {
                    continue;
                }
                try {
                    URI uri = base.resolve(item);
                    out.add(Path.of(uri).toAbsolutePath().normalize().toString());
                } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
                    // not a local file (e.g. an http: URL): the JVM ignores those too
                }
            }
        } catch (IOException e) {
            // an unreadable jar: the JVM will report it to the child as it does to us; keep the jar itself
        }
        return out;
    }
}
