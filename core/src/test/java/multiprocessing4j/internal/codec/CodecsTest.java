package multiprocessing4j.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** {@link Codecs}: choosing, sharing and warming codecs. */
class CodecsTest {

    @Test
    void defaultCodecIsASingleton() {
        assertSame(Codecs.defaultCodec(), Codecs.defaultCodec());
        assertSame(Codecs.jdkCodec(), Codecs.jdkCodec());
    }

    @Test
    void systemPropertySelectsTheCodec() {
        String before = System.getProperty(Codecs.PROPERTY);
        try {
            System.setProperty(Codecs.PROPERTY, "jdk");
            assertSame(Codecs.jdkCodec(), Codecs.fromSystemProperty());
            System.clearProperty(Codecs.PROPERTY);
            assertSame(Codecs.defaultCodec(), Codecs.fromSystemProperty());
            System.setProperty(Codecs.PROPERTY, "kryo");
            IllegalStateException e = assertThrows(IllegalStateException.class, Codecs::fromSystemProperty);
            assertTrue(e.getMessage().contains("kryo"), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(Codecs.PROPERTY);
            } else {
                System.setProperty(Codecs.PROPERTY, before);
            }
        }
    }

    @Test
    void warmUpSucceeds() {
        Codecs.warmUp();
        assertEquals("x", Codecs.defaultCodec().decode(Codecs.defaultCodec().encode("x")));
    }

    @Test
    void concurrentRoundTripsFromManyThreadsAgree() throws Exception {
        Codec codec = Codecs.defaultCodec();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                results.add(pool.submit(() -> {
                    EncodeBuffer out = new EncodeBuffer();
                    for (int i = 0; i < 2_000; i++) {
                        Fixtures.Point p = new Fixtures.Point(seed, i);
                        int n = codec.encode(p, out.clear());
                        if (!p.equals(codec.decode(out.array(), 0, n)) || !p.equals(codec.decode(codec.encode(p)))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertTrue(r.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }
}
