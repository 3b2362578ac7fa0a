package multiprocessing4j.internal.manager;

import java.util.function.Predicate;

import multiprocessing4j.internal.codec.Codec;
import multiprocessing4j.internal.codec.Codecs;

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

    /** Costly to create (a codec pool each): one per server. */
    static Codec restricted(Predicate<String> allowed) {
        return Codecs.restricted(allowed.or(ManagerCodecs::handle));
    }

    private static boolean handle(String name) {
        return name.equals(ProxyHandle.class.getName()) || name.equals(Endpoint.class.getName())
                || name.equals(CustomProxyHandler.class.getName() + "$Ref");
    }
}
