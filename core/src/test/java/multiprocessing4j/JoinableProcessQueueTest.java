package multiprocessing4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

class JoinableProcessQueueTest {

    @Test
    void joinReturnsAtOnceWhenNothingWasPut() throws Exception {
        try (JoinableProcessQueue<String> q = JoinableProcessQueue.create(4)) {
            assertTrue(q.join(Duration.ZERO));
        }
    }

    @Test
    void joinWaitsUntilEveryMessagePutIsMarkedDone() throws Exception {
        try (JoinableProcessQueue<String> q = JoinableProcessQueue.create(4)) {
            q.put("a");
            q.put("b");
            CompletableFuture<Void> joiner = CompletableFuture.runAsync(() -> {
                try {
                    q.join();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            q.take();
            q.taskDone();
            assertThrows(TimeoutException.class, () -> joiner.get(200, TimeUnit.MILLISECONDS));

            q.take();
            q.taskDone();

            joiner.get(10, TimeUnit.SECONDS);
            assertEquals(0, q.unfinishedTasks());
        }
    }

    @Test
    void timedJoinReturnsFalseWhileTasksAreUnfinished() throws Exception {
        try (JoinableProcessQueue<String> q = JoinableProcessQueue.create(4)) {
            q.put("a");
            q.take();

            assertFalse(q.join(Duration.ofMillis(100)));
            assertEquals(1, q.unfinishedTasks());
        }
    }

    @Test
    void taskDoneMoreOftenThanMessagesWereTakenThrows() throws Exception {
        try (JoinableProcessQueue<String> q = JoinableProcessQueue.create(4)) {
            q.put("a");
            q.put("b");
            q.take();
            q.taskDone();

            IllegalStateException e = assertThrows(IllegalStateException.class, q::taskDone);

            assertTrue(e.getMessage().contains("taskDone() called more times than messages were taken"), e.getMessage());
            assertEquals(1, q.unfinishedTasks());
        }
    }

    @Test
    void aPutThatTimesOutIsNotCountedAsATask() throws Exception {
        try (JoinableProcessQueue<String> q = JoinableProcessQueue.create(1)) {
            q.put("a");

            assertFalse(q.offer("b", Duration.ofMillis(20)));

            assertEquals(1, q.unfinishedTasks());
        }
    }

    @Test
    void anAttachedHandleIsJoinableAndSharesTheCounts() throws Exception {
        try (JoinableProcessQueue<String> q = JoinableProcessQueue.create(4)) {
            q.put("a");
            try (ProcessQueue<String> attached = ProcessQueue.attach(q.name())) {
                JoinableProcessQueue<String> j = (JoinableProcessQueue<String>) attached;
                assertEquals("a", j.take());
                j.taskDone();
            }

            assertTrue(q.join(Duration.ofSeconds(5)));
        }
    }
}
