package multiprocessing4j.internal.runtime;

import java.util.List;

/** Class-data sharing for children. */
final class CdsArchive {
    private CdsArchive() {
    }

    static List<String> options(List<String> before, List<String> user, ClassPath cp) {
        return List.of();
    }
}
