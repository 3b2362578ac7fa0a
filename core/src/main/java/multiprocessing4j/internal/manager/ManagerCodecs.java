package multiprocessing4j.internal.manager;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.function.Predicate;

import multiprocessing4j.internal.codec.Codec;
import multiprocessing4j.internal.codec.CodecException;
import multiprocessing4j.internal.codec.NotSerializableValueException;

/** The codecs a manager uses: a trusted one for replies from an authenticated server, a restricted one for requests. */
final class ManagerCodecs {
    private ManagerCodecs() {
    }

    static Codec trusted() {
        return StandIn.TRUSTED;
    }

    static Codec restricted(Predicate<String> allowed) {
        Predicate<String> all = allowed.or(ManagerCodecs::builtIn);
        return new StandIn(all);
    }

    private static boolean builtIn(String name) {
        return name.startsWith("java.lang.") || name.startsWith("java.util.") || name.startsWith("java.time.")
                || name.equals(ProxyHandle.class.getName()) || name.equals(Endpoint.class.getName())
                || name.startsWith("[");
    }

    private static final class StandIn implements Codec {
        static final StandIn TRUSTED = new StandIn(null);
        private final Predicate<String> allowed;

        StandIn(Predicate<String> allowed) {
            this.allowed = allowed;
        }

        @Override
        public byte[] encode(Object value) {
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                    out.writeObject(value);
                }
                return bytes.toByteArray();
            } catch (IOException e) {
                throw new NotSerializableValueException("cannot serialize " + value.getClass().getName() + ": " + e,
                        value.getClass().getName(), e);
            }
        }

        @Override
        public Object decode(byte[] bytes, int offset, int length) {
            String[] refused = new String[1];
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes, offset, length))) {
                if (allowed != null) {
                    in.setObjectInputFilter(info -> {
                        Class<?> c = info.serialClass();
                        if (c == null || allowed.test(c.getName())) {
                            return ObjectInputFilter.Status.UNDECIDED;
                        }
                        refused[0] = c.getName();
                        return ObjectInputFilter.Status.REJECTED;
                    });
                }
                return in.readObject();
            } catch (IOException | ClassNotFoundException | RuntimeException e) {
                if (refused[0] != null) {
                    throw new CodecException("Cannot decode: refused by the allow-list of this restricted codec: "
                            + refused[0], e);
                }
                throw new CodecException("Cannot decode: " + e, e);
            }
        }
    }
}
