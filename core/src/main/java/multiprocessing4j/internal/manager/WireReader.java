package multiprocessing4j.internal.manager;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.function.Function;

import multiprocessing4j.internal.codec.Codec;

/**
 * Reads one frame's payload. Every read checks what is left, so a truncated or lying frame fails with
 * {@link MalformedFrameException} and never makes this allocate more than the frame holds. Not
 * thread-safe: each connection owns one.
 */
final class WireReader {
    private final Codec codec;
    private final Function<ProxyHandle, Object> resolver;
    private byte[] buf;
    private int pos;
    private int limit;

    /**
     * @param codec    decodes codec blobs (on a server: its restricted codec)
     * @param resolver turns handles into proxies, or {@code null} to keep them as handles (on a server)
     */
    WireReader(Codec codec, Function<ProxyHandle, Object> resolver) {
        this.codec = codec;
        this.resolver = resolver;
    }

    void reset(byte[] buffer, int offset, int length) {
        this.buf = buffer;
        this.pos = offset;
        this.limit = offset + length;
    }

    private void need(int n, String what) {
        if (n < 0 || limit - pos < n) {
            throw new MalformedFrameException("truncated frame: " + what + " needs " + n + " bytes, " + (limit - pos)
                    + " left");
        }
    }

    int u8() {
        need(1, "a byte");
        return buf[pos++] & 0xFF;
    }

    int i32() {
        need(4, "an int");
        int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8)
                | (buf[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    long i64() {
        return ((long) i32() << 32) | (i32() & 0xFFFFFFFFL);
    }

    private int length(String what) {
        int n = i32();
        if (n < 0) {
            throw new MalformedFrameException("negative length " + n + " for " + what);
        }
        need(n, what);
        return n;
    }

    byte[] bytes() {
        int n = length("a byte array");
        byte[] b = new byte[n];
        System.arraycopy(buf, pos, b, 0, n);
        pos += n;
        return b;
    }

    String str() {
        int n = length("a string");
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    /** Fails unless the whole payload has been read: trailing garbage is a malformed frame too. */
    void expectEnd() {
        if (pos != limit) {
            throw new MalformedFrameException((limit - pos) + " unexpected bytes at the end of the frame");
        }
    }

    /**
     * @throws MalformedFrameException if the bytes are not a value
     * @throws multiprocessing4j.internal.codec.CodecException if a codec blob is refused or corrupt
     */
    Object value() {
        return value(0);
    }

    private Object value(int depth) {
        if (depth > Protocol.MAX_VALUE_DEPTH) {
            throw new MalformedFrameException("values nested deeper than " + Protocol.MAX_VALUE_DEPTH);
        }
        int tag = u8();
        switch (tag) {
            case Protocol.TAG_NULL:
                return null;
            case Protocol.TAG_TRUE:
                return Boolean.TRUE;
            case Protocol.TAG_FALSE:
                return Boolean.FALSE;
            case Protocol.TAG_INT:
                return i32();
            case Protocol.TAG_LONG:
                return i64();
            case Protocol.TAG_DOUBLE:
                return Double.longBitsToDouble(i64());
            case Protocol.TAG_STRING:
                return str();
            case Protocol.TAG_BYTES:
                return bytes();
            case Protocol.TAG_FLOAT:
                return Float.intBitsToFloat(i32());
            case Protocol.TAG_SHORT:
                return (short) i32();
            case Protocol.TAG_BYTE:
                return (byte) u8();
            case Protocol.TAG_CHAR:
                return (char) i32();
            case Protocol.TAG_OBJECT_ARRAY: {
                int n = count();
                Object[] a = new Object[n];
                for (int i = 0; i < n; i++) {
                    a[i] = value(depth + 1);
                }
                return a;
            }
            case Protocol.TAG_LIST: {
                int n = count();
                ArrayList<Object> l = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    l.add(value(depth + 1));
                }
                return l;
            }
            case Protocol.TAG_MAP: {
                int n = count();
                LinkedHashMap<Object, Object> m = LinkedHashMap.newLinkedHashMap(n);
                for (int i = 0; i < n; i++) {
                    Object k = value(depth + 1);
                    m.put(k, value(depth + 1));
                }
                return m;
            }
            case Protocol.TAG_PROXY: {
                String host = str();
                int port = i32();
                int tls = u8();
                if (port < 0 || port > 65535 || tls > 1) {
                    throw new MalformedFrameException("bad proxy endpoint " + host + ":" + port + " tls=" + tls);
                }
                byte[] key = bytes();
                int id = i32();
                ProxyHandle h = new ProxyHandle(new Endpoint(host, port, tls == 1), key, id, str(), str());
                return resolver == null ? h : resolver.apply(h);
            }
            case Protocol.TAG_CODEC: {
                int n = length("a codec blob");
                Object v = codec.decode(buf, pos, n);
                pos += n;
                return v;
            }
            default:
                throw new MalformedFrameException("unknown value tag " + tag);
        }
    }

    /** An element count: every element takes at least one byte, so a count beyond what is left is a lie. */
    private int count() {
        int n = i32();
        if (n < 0 || n > limit - pos) {
            throw new MalformedFrameException("element count " + n + " impossible with " + (limit - pos)
                    + " bytes left");
        }
        return n;
    }
}
