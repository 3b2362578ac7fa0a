package multiprocessing4j.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Lists, dicts, namespaces, values and arrays through proxies, seen by two separate clients of one server. */
class ManagerCollectionsTest {
    private static final byte[] KEY = "collections-test-key".getBytes(StandardCharsets.UTF_8);

    private Manager server;
    private Manager other;

    @BeforeEach
    void start() {
        server = Manager.serve(KEY);
        other = Manager.connect(server.address(), KEY);
    }

    @AfterEach
    void stop() {
        other.close();
        server.close();
    }

    /** The same object as seen by the other client. */
    @SuppressWarnings("unchecked")
    private <T> T viaOther(T proxy) {
        ConcurrentMap<String, Object> exchange = server.dict();
        exchange.put("p", proxy);
        ConcurrentMap<String, Object> seen = other.dict();
        seen.put("x", 1);
        // hand the proxy across by value, as a task would: through a shared dict read by the other client
        return (T) ((Map<String, Object>) exchangeOf(other, exchange)).get("p");
    }

    private static Object exchangeOf(Manager client, ConcurrentMap<String, Object> dict) {
        List<Object> holder = client.list();
        holder.add(dict);
        return holder.get(0);
    }

    @Test
    void listAppendsAreSeenByAnotherClient() {
        List<Integer> list = server.list();
        list.add(1);
        list.add(2);

        List<Integer> seen = viaOther(list);
        seen.add(3);

        assertEquals(List.of(1, 2, 3), new ArrayList<>(list));
        assertEquals(3, seen.size());
    }

    @Test
    void listSupportsIndexedOperationsAndOverloadsByType() {
        List<Object> list = server.list(List.of("a", "b", "c", 7));

        list.remove(0);                 // remove(int)
        list.remove((Object) 7);        // remove(Object)
        list.add(1, "x");
        list.set(0, "B");

        assertEquals(List.of("B", "x", "c"), list);
        assertEquals(1, list.indexOf("x"));
        assertTrue(list.contains("c"));
    }

    @Test
    void listIterationIsOverASnapshot() {
        List<String> list = server.list(List.of("a", "b"));

        Iterator<String> it = list.iterator();
        list.add("c");

        List<String> iterated = new ArrayList<>();
        it.forEachRemaining(iterated::add);
        assertEquals(List.of("a", "b"), iterated);
        assertThrows(UnsupportedOperationException.class, () -> list.iterator().remove());
    }

    @Test
    void listIndexOutOfBoundsIsThrownWithItsOwnType() {
        List<String> list = server.list();

        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> list.get(5));
        List<String> frames = java.util.Arrays.stream(e.getStackTrace()).map(StackTraceElement::getClassName).toList();
        int remote = frames.indexOf("java.util.Collections$SynchronizedList");
        int here = frames.indexOf(ManagerCollectionsTest.class.getName());
        assertTrue(remote >= 0 && remote < here, "the server-side trace, then the caller's: " + frames);
    }

    @Test
    void dictHasConcurrentMapSemantics() {
        ConcurrentMap<String, Integer> dict = server.dict();

        assertNull(dict.putIfAbsent("a", 1));
        assertEquals(1, dict.putIfAbsent("a", 2));
        assertTrue(dict.replace("a", 1, 10));
        assertFalse(dict.remove("a", 1));
        assertEquals(11, dict.merge("a", 1, Integer::sum));
        assertEquals(5, dict.computeIfAbsent("b", k -> 5));

        assertEquals(Map.of("a", 11, "b", 5), dict);
    }

    @Test
    void dictRejectsNullKeysAtTheCall() {
        ConcurrentMap<String, Integer> dict = server.dict();

        assertThrows(NullPointerException.class, () -> dict.put(null, 1));
        assertThrows(NullPointerException.class, () -> dict.put("k", null));
    }

    @Test
    void dictViewsAreSnapshots() {
        ConcurrentMap<String, Integer> dict = server.dict(Map.of("a", 1));

        var keys = dict.keySet();
        dict.put("b", 2);

        assertEquals(1, keys.size());
        assertThrows(UnsupportedOperationException.class, () -> keys.remove("a"));
    }

    @Test
    void mergesFromTwoClientsAreAtomic() throws Exception {
        ConcurrentMap<String, Integer> dict = server.dict();
        ConcurrentMap<String, Integer> seen = viaOther(dict);

        Thread t = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 200; i++) {
                seen.merge("n", 1, Integer::sum);
            }
        });
        for (int i = 0; i < 200; i++) {
            dict.merge("n", 1, Integer::sum);
        }
        t.join(10_000);

        assertEquals(400, dict.get("n"));
    }

    @Test
    void nestedListInADictIsSharedNotCopied() {
        ConcurrentMap<String, List<String>> dict = server.dict();
        List<String> inner = server.list();
        dict.put("inner", inner);

        dict.get("inner").add("through the dict");
        List<String> fromOther = viaOther(dict).get("inner");
        fromOther.add("through the other client");

        assertEquals(List.of("through the dict", "through the other client"), inner);
    }

    @Test
    void namespaceSetGetHasRemove() {
        Namespace ns = server.namespace();

        ns.set("done", 3);
        ns.set("nothing", null);
        Namespace seen = viaOther(ns);

        assertEquals(3, (int) seen.get("done"));
        assertNull(seen.get("nothing"));
        assertTrue(seen.has("nothing"));
        assertTrue(seen.remove("done"));
        assertFalse(ns.has("done"));
        assertEquals("fallback", ns.getOrDefault("missing", "fallback"));
        NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> ns.get("missing"));
        assertTrue(e.getMessage().contains("missing"));
        assertEquals(java.util.Collections.singletonMap("nothing", null), ns.asMap());
    }

    @Test
    void valueCompareAndSetUsesEquals() {
        ManagedValue<String> v = server.value("start");

        assertTrue(v.compareAndSet(new String("start"), "running"));
        assertFalse(v.compareAndSet("start", "again"));
        assertEquals("running", v.getAndSet("done"));
        assertEquals("done", viaOther(v).get());
    }

    @Test
    void arrayIsFixedSize() {
        List<Long> array = server.array(1L, 2L, 3L);

        array.set(1, 20L);

        assertEquals(List.of(1L, 20L, 3L), array);
        assertThrows(UnsupportedOperationException.class, () -> array.add(4L));
    }

    @Test
    void proxiesOfTheSameObjectAreEqual() {
        List<String> list = server.list(List.of("a"));
        List<String> same = viaOther(list);
        Namespace ns = server.namespace();

        assertEquals(list, same);
        assertEquals(ns, viaOther(ns));
        assertSame(ns, ns);
    }

    @Test
    void releasedObjectFailsClearly() {
        List<String> list = server.list();
        server.release(list);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> list.add("x"));
        assertTrue(e.getMessage().contains("released"), e.getMessage());
    }
}
