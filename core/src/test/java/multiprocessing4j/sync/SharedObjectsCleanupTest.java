package multiprocessing4j.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import multiprocessing4j.shared.SharedByteArray;
import multiprocessing4j.shared.SharedDouble;
import multiprocessing4j.shared.SharedDoubleArray;
import multiprocessing4j.shared.SharedInt;
import multiprocessing4j.shared.SharedIntArray;
import multiprocessing4j.shared.SharedLong;
import multiprocessing4j.shared.SharedLongArray;
import org.junit.jupiter.api.Test;

class SharedObjectsCleanupTest {
    @Test
    void everySharedObjectAJvmCreatedAndKeptIsRemovedWhenItExitsNormally() throws Exception {
        Process child = Children.startJvm(() -> {
            List<String> names = List.of(ProcessLock.create().name(), ProcessReentrantLock.create().name(),
                    ProcessSemaphore.create(1).name(), ProcessSemaphore.bounded(1).name(), ProcessEvent.create().name(),
                    ProcessCondition.create().name(), ProcessBarrier.create(2).name(), SharedLong.create().name(),
                    SharedInt.create().name(), SharedDouble.create().name(), SharedLongArray.create(3).name(),
                    SharedIntArray.create(3).name(), SharedDoubleArray.create(3).name(), SharedByteArray.create(3).name());
            for (String name : names) {
                if (!Files.exists(Path.of("/dev/shm", name))) {
                    throw new AssertionError(name + " was not created");
                }
            }
            System.out.println("NAMES " + String.join(" ", names));
        }, true);
        try {
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            String output = new String(child.getInputStream().readAllBytes());
            assertEquals(0, child.exitValue(), output);
            String line = output.lines().filter(l -> l.startsWith("NAMES ")).findFirst().orElseThrow();
            String[] names = line.substring(6).split(" ");

            assertEquals(14, names.length);
            for (String name : names) {
                assertFalse(Files.exists(Path.of("/dev/shm", name)), name + " was left behind");
            }
        } finally {
            Children.destroy(child);
        }
    }

    @Test
    void anUnlinkedObjectIsGoneAtOnceEvenAfterItsHandleWasSentAway() throws Exception {
        ProcessBarrier barrier = ProcessBarrier.create(1);
        SharedLongArray array = SharedLongArray.create(1);
        Children.copy(barrier).close();
        Children.copy(array).close();

        barrier.unlink();
        array.unlink();
        barrier.close();
        array.close();

        assertFalse(Files.exists(Path.of("/dev/shm", barrier.name())));
        assertFalse(Files.exists(Path.of("/dev/shm", array.name())));
    }
}
