package multiprocessing4j.sync;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import multiprocessing4j.ChildProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcessEventTest {
    private final Cleanup cleanup = new Cleanup();

    @AfterEach
    void cleanUp() throws Exception {
        cleanup.close();
    }

    private ProcessEvent newEvent() {
        ProcessEvent e = ProcessEvent.create();
        return cleanup.add(e, e::unlink);
    }

    @Test
    void anEventStartsClearAndIsSetAndCleared() {
        ProcessEvent e = newEvent();
        assertFalse(e.isSet());

        e.set();
        e.set();
        assertTrue(e.isSet());
        e.clear();
        e.clear();

        assertFalse(e.isSet());
    }

    @Test
    void awaitReturnsAtOnceWhileSet() throws Exception {
        ProcessEvent e = newEvent();
        e.set();

        e.await();
        assertTrue(e.await(Duration.ZERO));
    }

    @Test
    void timedAwaitReturnsFalseWhenNobodySetsIt() throws Exception {
        ProcessEvent e = newEvent();

        assertFalse(e.await(Duration.ofMillis(100)));
    }

    @Test
    void aWaiterIsReleasedEvenIfTheEventIsClearedRightAfterBeingSet() throws Exception {
        ProcessEvent e = newEvent();
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return e.await(Duration.ofSeconds(20));
            } catch (InterruptedException ex) {
                throw new IllegalStateException(ex);
            }
        }, r -> Thread.ofPlatform().name("event-waiter").start(r));
        Children.awaitCondition(() -> Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("event-waiter") && isWaiting(t)), Duration.ofSeconds(10), "the waiter");

        e.set();
        e.clear();

        assertTrue(waiter.get(20, TimeUnit.SECONDS));
    }

    private static boolean isWaiting(Thread t) {
        for (StackTraceElement s : t.getStackTrace()) {
            if (s.getMethodName().equals("awaitChange")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void awaitEndsWithInterruptedExceptionWhenInterrupted() throws Exception {
        ProcessEvent e = newEvent();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                e.await();
                outcome.set(new AssertionError("returned"));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        Children.awaitBlocked(waiter);

        waiter.interrupt();
        waiter.join(10_000);

        assertInstanceOf(InterruptedException.class, outcome.get());
    }

    @Test
    void timedAwaitEndsWithInterruptedExceptionWhenInterrupted() throws Exception {
        ProcessEvent e = newEvent();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                e.await(Duration.ofSeconds(30));
                outcome.set(new AssertionError("returned"));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        Children.awaitBlocked(waiter);

        waiter.interrupt();
        waiter.join(10_000);

        assertInstanceOf(InterruptedException.class, outcome.get());
    }

    @Test
    void anIdleWaiterUsesNoCpu() throws Exception {
        ProcessEvent e = newEvent();
        Thread waiter = Thread.ofPlatform().name("idle-event").start(() -> {
            try {
                e.await(Duration.ofSeconds(30));
            } catch (InterruptedException ignored) {
                // ended by the test
            }
        });
        try {
            Children.awaitBlocked(waiter);
            long before = Children.cpuNanos(waiter);
            Thread.sleep(1000);
            long used = Children.cpuNanos(waiter) - before;

            assertTrue(used < TimeUnit.MILLISECONDS.toNanos(50), "the waiter used " + used / 1000 + " us of CPU in a second");
        } finally {
            e.set();
            waiter.join(10_000);
        }
    }

    @Test
    void settingItInAnotherProcessWakesAWaiterHere() throws Exception {
        ProcessEvent e = newEvent();
        ChildProcess child = null;
        try {
            child = Children.start(e::set);

            assertTrue(e.await(Duration.ofSeconds(30)));
            Children.awaitSuccess(child, Duration.ofSeconds(30));
        } finally {
            Children.destroy(child);
        }
    }

    @Test
    void aWaiterInAnotherProcessIsWokenBySetHere() throws Exception {
        ProcessEvent go = newEvent();
        ProcessEvent answered = newEvent();
        ChildProcess child = null;
        try {
            child = Children.start(() -> {
                if (go.await(Duration.ofSeconds(30))) {
                    answered.set();
                }
            });

            go.set();

            assertTrue(answered.await(Duration.ofSeconds(30)));
            Children.awaitSuccess(child, Duration.ofSeconds(30));
        } finally {
            Children.destroy(child);
        }
    }

    @Test
    void withoutNativeAccessItStillWorksAndSaysSoOnce() throws Exception {
        ProcessEvent go = newEvent();
        ProcessEvent answered = newEvent();
        Process fallback = null;
        try {
            fallback = Children.startJvm(() -> {
                ProcessLock lock = ProcessLock.create();
                lock.lock();
                lock.unlock();
                lock.unlink();
                if (go.await(Duration.ofSeconds(30))) {
                    answered.set();
                }
            }, false);

            go.set();

            assertTrue(answered.await(Duration.ofSeconds(30)));
            assertTrue(fallback.waitFor(30, TimeUnit.SECONDS));
            String output = new String(fallback.getInputStream().readAllBytes());
            int first = output.indexOf("futex wait/wake unavailable");
            assertTrue(first >= 0, output);
            assertTrue(output.indexOf("futex wait/wake unavailable", first + 1) < 0, output);
        } finally {
            Children.destroy(fallback);
        }
    }
}
