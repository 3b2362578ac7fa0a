package multiprocessing4j.internal.manager;

import java.lang.foreign.MemorySegment;
import java.util.function.Predicate;

import multiprocessing4j.internal.codec.Codec;
import multiprocessing4j.internal.codec.Codecs;
import multiprocessing4j.internal.codec.EncodeBuffer;

/**
 * The codecs a manager uses: the default one for what an authenticated server sends back (and for what
 * clients send), a restricted one for decoding requests on the server, which accepts only the built-in
 * types, the manager's own handles and the classes the server allows.
 */
final class ManagerCodecs {
    private ManagerCodecs() {
    }

    static Codec trusted() {
        return Codecs.defaultCodec();
    }

    /**
     * One per server. Building it costs a Fory pool (a good part of a server's start-up), and most
     * requests carry only hand-encoded values, so it is built on the first value that needs it.
     */
    static Codec restricted(Predicate<String> allowed) {
        return new Codec() {
            private volatile Codec codec;

            private Codec codec() {
                Codec c = codec;
                if (c == null) {
                    synchronized (this) {
                        c = codec;
                        if (c == null) {
                            c = Codecs.restricted(allowed.or(ManagerCodecs::handle));
                            codec = c;
                        }
                    }
                }
                return c;
            }

            @Override
            public byte[] encode(Object value) {
                return codec().encode(value);
            }

            @Override
            public int encode(Object value, EncodeBuffer out) {
                return codec().encode(value, out);
            }

            @Override
            public Object decode(byte[] bytes, int offset, int length) {
                return codec().decode(bytes, offset, length);
            }

            @Override
            public Object decode(MemorySegment slice) {
                return codec().decode(slice);
            }
        };
    }

    private static boolean handle(String name) {
        return name.equals(ProxyHandle.class.getName()) || name.equals(Endpoint.class.getName())
                || name.equals(CustomProxyHandler.class.getName() + "$Ref");
    }
}
