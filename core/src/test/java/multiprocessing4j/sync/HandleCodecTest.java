package multiprocessing4j.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import multiprocessing4j.SerializableRunnable;
import multiprocessing4j.internal.codec.Codec;
import multiprocessing4j.internal.codec.Codecs;
import multiprocessing4j.shared.SharedByteArray;
import multiprocessing4j.shared.SharedDouble;
import multiprocessing4j.shared.SharedDoubleArray;
import multiprocessing4j.shared.SharedInt;
import multiprocessing4j.shared.SharedIntArray;
import multiprocessing4j.shared.SharedLong;
import multiprocessing4j.shared.SharedLongArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every handle travels through both of the library's codecs, as it will to children and pool workers. */
class HandleCodecTest {
    private final Cleanup cleanup = new Cleanup();

    @AfterEach
    void cleanUp() throws Exception {
        cleanup.close();
    }

    @Test
    void aLambdaCapturingEveryKindOfHandleWorksAfterTheDefaultAndTheJdkCodec() throws Exception {
        for (Codec codec : List.of(Codecs.defaultCodec(), Codecs.jdkCodec())) {
            ProcessLock lock = cleanup.add(ProcessLock.create(), () -> { });
            ProcessReentrantLock rlock = cleanup.add(ProcessReentrantLock.create(), () -> { });
            ProcessSemaphore semaphore = cleanup.add(ProcessSemaphore.bounded(2), () -> { });
            ProcessEvent event = cleanup.add(ProcessEvent.create(), () -> { });
            ProcessCondition condition = cleanup.add(ProcessCondition.create(lock), () -> { });
            ProcessBarrier barrier = cleanup.add(ProcessBarrier.create(1), () -> { });
            SharedLong l = cleanup.add(SharedLong.create(), () -> { });
            SharedInt i = cleanup.add(SharedInt.create(), () -> { });
            SharedDouble d = cleanup.add(SharedDouble.create(), () -> { });
            SharedLongArray la = cleanup.add(SharedLongArray.create(1), () -> { });
            SharedIntArray ia = cleanup.add(SharedIntArray.create(1), () -> { });
            SharedDoubleArray da = cleanup.add(SharedDoubleArray.create(1), () -> { });
            SharedByteArray ba = cleanup.add(SharedByteArray.create(1), () -> { });
            for (var o : List.<Runnable>of(lock::unlink, rlock::unlink, semaphore::unlink, event::unlink, condition::unlink,
                    barrier::unlink, l::unlink, i::unlink, d::unlink, la::unlink, ia::unlink, da::unlink, ba::unlink)) {
                cleanup.add(() -> { }, o);
            }
            SerializableRunnable task = () -> {
                lock.lock();
                try {
                    condition.signalAll();
                } finally {
                    lock.unlock();
                }
                rlock.lock();
                rlock.unlock();
                try {
                    semaphore.acquire();
                    barrier.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                event.set();
                l.set(1);
                i.set(2);
                d.set(3.5);
                la.set(0, 4);
                ia.set(0, 5);
                da.set(0, 6.5);
                ba.set(0, (byte) 7);
                l.lock().lock();
                l.lock().unlock();
            };

            SerializableRunnable copy = (SerializableRunnable) codec.decode(codec.encode(task));
            copy.run();

            assertTrue(event.isSet(), codec.toString());
            assertEquals(1, semaphore.availablePermits());
            assertEquals(1, l.get());
            assertEquals(2, i.get());
            assertEquals(3.5, d.get());
            assertEquals(4, la.get(0));
            assertEquals(5, ia.get(0));
            assertEquals(6.5, da.get(0));
            assertEquals(7, ba.get(0));
        }
    }
}
