package multiprocessing4j.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The class path a child gets: manifests expanded, what does not exist left out, as the JVM does. */
class ClassPathTest {
    @TempDir
    Path dir;

    private Path jar(String name, String manifestClassPath) throws Exception {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (manifestClassPath != null) {
            manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, manifestClassPath);
        }
        Path jar = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
            j.flush();
        }
        return jar;
    }

    @Test
    void aManifestEntryThatDoesNotExistIsLeftOutAndTheRestStillAllowsClassDataSharing() throws Exception {
        // given: an application jar copied next to its dependency, its manifest still naming lib/ (not there)
        Path dependency = jar("dependency.jar", null);
        Path app = jar("app.jar", "lib/dependency.jar dependency.jar");
        // when
        ClassPath cp = ClassPath.of(app.toString(), null);
        // then
        assertEquals(List.of(app.toString(), dependency.toString()), cp.classPath());
        assertTrue(cp.allJars(), "every entry that exists is a jar");
    }

    @Test
    void aClassPathEntryThatDoesNotExistIsLeftOut() throws Exception {
        Path app = jar("app.jar", null);
        ClassPath cp = ClassPath.of(dir.resolve("missing.jar") + File.pathSeparator + app, null);
        assertEquals(List.of(app.toString()), cp.classPath());
        assertTrue(cp.allJars());
    }

    @Test
    void aClassesDirectoryRulesOutClassDataSharing() throws Exception {
        Path classes = Files.createDirectory(dir.resolve("classes"));
        ClassPath cp = ClassPath.of(classes + File.pathSeparator + jar("app.jar", null), null);
        assertEquals(2, cp.classPath().size());
        assertFalse(cp.allJars());
    }
}
