package multiprocessing4j.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import multiprocessing4j.ChildProcess;

/**
 * The manager's server in a child JVM ({@link Manager#start()}), its proxies used from other child
 * processes that received them inside their tasks: three processes per test.
 */
class ManagerAcrossProcessesTest {
    private static final Duration BOUND = Duration.ofSeconds(60);

    private static Manager manager;

    @BeforeAll
    static void start() {
        manager = Manager.start();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    private static void runInChild(multiprocessing4j.SerializableRunnable task) throws InterruptedException {
        try (ChildProcess child = ChildProcess.start(task)) {
            assertTrue(child.join(BOUND), "the child finished");
            assertEquals(0, child.exitCode().orElseThrow(), () -> "the child failed: " + child.failure());
        }
    }

    @Test
    void startedManagerServesFromAnotherJvm() {
        List<String> list = manager.list();
        list.add("x");

        assertEquals(List.of("x"), list);
        assertTrue(manager.address().getAddress().isLoopbackAddress());
    }

    @Test
    void childAppendsToAListThroughACapturedProxy() throws Exception {
        List<Long> list = manager.list();

        runInChild(() -> list.add(ProcessHandle.current().pid()));

        assertEquals(1, list.size());
        assertFalse(list.get(0) == ProcessHandle.current().pid(), "appended by the child");
    }

    @Test
    void everyBuiltInProxyWorksFromAChild() throws Exception {
        ConcurrentMap<String, Integer> dict = manager.dict();
        Namespace ns = manager.namespace();
        BlockingQueue<String> queue = manager.queue();
        JoinableQueue<String> joinable = manager.joinableQueue();
        Lock lock = manager.lock();
        Lock rlock = manager.reentrantLock();
        ManagedCondition condition = manager.condition();
        ManagedSemaphore semaphore = manager.semaphore(1);
        ManagedSemaphore bounded = manager.boundedSemaphore(1);
        ManagedEvent event = manager.event();
        ManagedBarrier barrier = manager.barrier(2);
        ManagedValue<Integer> value = manager.value(1);
        List<Integer> array = manager.array(0, 0);

        try (ChildProcess child = ChildProcess.start(() -> {
            dict.merge("n", 1, Integer::sum);
            ns.set("child", "was here");
            queue.add("from the child");
            joinable.add("task");
            lock.lock();
            lock.unlock();
            rlock.lock();
            rlock.lock();
            rlock.unlock();
            rlock.unlock();
            condition.lock();
            condition.signalAll();
            condition.unlock();
            try {
                semaphore.acquire();
                bounded.acquire();
                bounded.release();
                barrier.await(Duration.ofSeconds(30));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            event.set();
            value.compareAndSet(1, 2);
            array.set(1, 7);
        })) {
            int index = barrier.await(Duration.ofSeconds(30));
            assertTrue(index == 0 || index == 1, "the parent met the child at the barrier: " + index);
            assertTrue(child.join(BOUND));
            assertEquals(0, child.exitCode().orElseThrow(), () -> "the child failed: " + child.failure());
        }

        assertEquals(Map.of("n", 1), dict);
        assertEquals("was here", ns.get("child"));
        assertEquals("from the child", queue.poll(5, TimeUnit.SECONDS));
        assertEquals("task", joinable.take());
        joinable.taskDone();
        assertTrue(joinable.join(Duration.ofSeconds(5)));
        assertEquals(0, semaphore.availablePermits());
        assertEquals(1, bounded.availablePermits());
        assertTrue(event.isSet());
        assertEquals(2, value.get());
        assertEquals(List.of(0, 7), array);
    }

    @Test
    void lockHeldByAKilledChildIsReleased() throws Exception {
        Lock lock = manager.lock();
        ManagedEvent held = manager.event();
        ChildProcess child = ChildProcess.start(() -> {
            lock.lock();
            held.set();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            assertTrue(held.await(BOUND));
            assertFalse(lock.tryLock());

            child.kill();

            assertTrue(lock.tryLock(30, TimeUnit.SECONDS), "the lock came back after its holder died");
            lock.unlock();
        } finally {
            child.close();
        }
    }

    @Test
    void typeRegisteredOnAStartedManagerIsCreatedInItsJvm() throws Exception {
        manager.register("remote-account", ManagerRemoteTest.Account.class, ManagerRemoteTest.BankAccountFactory::create);
        ManagerRemoteTest.Account account = manager.create("remote-account");

        runInChild(() -> account.deposit(40));

        assertEquals(40, account.balance());
        assertThrows(ManagerRemoteTest.InsufficientFundsException.class, () -> account.withdraw(100));
    }
}
