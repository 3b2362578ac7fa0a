package multiprocessing4j.internal.manager;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import multiprocessing4j.internal.codec.Codec;

/**
 * Builds one frame at a time in a reusable buffer: {@link #begin()}, the body, {@link #finish()}.
 * Not thread-safe: each connection owns one.
 */
final class WireWriter {
    private final Codec codec;
    private byte[] buf = new byte[512];
    private int pos;

    WireWriter(Codec codec) {
        this.codec = codec;
    }

    /** Starts a frame, leaving room for its length. */
    void begin() {
        pos = Protocol.HEADER_LENGTH;
    }

    /** Ends the frame: writes its payload length into the header and returns the whole frame's length. */
    int finish() {
        int payload = pos - Protocol.HEADER_LENGTH;
        buf[0] = (byte) (payload >>> 24);
        buf[1] = (byte) (payload >>> 16);
        buf[2] = (byte) (payload >>> 8);
        buf[3] = (byte) payload;
        return pos;
    }

    byte[] buffer() {
        return buf;
    }

    /** Bytes written so far, header included. */
    int position() {
        return pos;
    }

    /** Drops everything after {@code position}: used to replace a half-written reply. */
    void truncate(int position) {
        pos = position;
    }

    private void ensure(int more) {
        if (buf.length - pos < more) {
            long wanted = Math.max((long) buf.length * 2, (long) pos + more);
            if (wanted > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("value too large to send to a manager: over 2 GiB");
            }
            buf = Arrays.copyOf(buf, (int) wanted);
        }
    }

    void u8(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
    }

    void i32(int v) {
        ensure(4);
        buf[pos] = (byte) (v >>> 24);
        buf[pos + 1] = (byte) (v >>> 16);
        buf[pos + 2] = (byte) (v >>> 8);
        buf[pos + 3] = (byte) v;
        pos += 4;
    }

    void i64(long v) {
        i32((int) (v >>> 32));
        i32((int) v);
    }

    void raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }

    /** A length-prefixed byte array. */
    void bytes(byte[] b) {
        i32(b.length);
        raw(b);
    }

    /** A length-prefixed UTF-8 string; the common all-ASCII case is copied char by char. */
    void str(String s) {
        int n = s.length();
        ensure(4 + n);
        int start = pos + 4;
        int i = 0;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                break;
            }
            buf[start + i] = (byte) c;
        }
        if (i == n) {
            i32(n);
            pos += n;
            return;
        }
        byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        bytes(utf8);
    }

    /**
     * A tagged value: the common types by hand, proxies as handles, anything else through the codec.
     *
     * @throws multiprocessing4j.internal.codec.NotSerializableValueException if the codec cannot encode it
     */
    void value(Object v) {
        if (v == null) {
            u8(Protocol.TAG_NULL);
            return;
        }
        Class<?> c = v.getClass();
        if (c == String.class) {
            u8(Protocol.TAG_STRING);
            str((String) v);
        } else if (c == Integer.class) {
            u8(Protocol.TAG_INT);
            i32((Integer) v);
        } else if (c == Long.class) {
            u8(Protocol.TAG_LONG);
            i64((Long) v);
        } else if (c == Boolean.class) {
            u8((Boolean) v ? Protocol.TAG_TRUE : Protocol.TAG_FALSE);
        } else if (c == Double.class) {
            u8(Protocol.TAG_DOUBLE);
            i64(Double.doubleToRawLongBits((Double) v));
        } else if (c == byte[].class) {
            u8(Protocol.TAG_BYTES);
            bytes((byte[]) v);
        } else if (c == Float.class) {
            u8(Protocol.TAG_FLOAT);
            i32(Float.floatToRawIntBits((Float) v));
        } else if (c == Short.class) {
            u8(Protocol.TAG_SHORT);
            i32((Short) v);
        } else if (c == Byte.class) {
            u8(Protocol.TAG_BYTE);
            u8((Byte) v);
        } else if (c == Character.class) {
            u8(Protocol.TAG_CHAR);
            i32((Character) v);
        } else if (c == Object[].class) {
            Object[] a = (Object[]) v;
            u8(Protocol.TAG_OBJECT_ARRAY);
            i32(a.length);
            for (Object e : a) {
                value(e);
            }
        } else if (c == ArrayList.class) {
            ArrayList<?> l = (ArrayList<?>) v;
            u8(Protocol.TAG_LIST);
            int n = l.size();
            i32(n);
            for (int i = 0; i < n; i++) {
                value(l.get(i));
            }
        } else if (c == HashMap.class || c == LinkedHashMap.class) {
            Map<?, ?> m = (Map<?, ?>) v;
            u8(Protocol.TAG_MAP);
            i32(m.size());
            for (Map.Entry<?, ?> e : m.entrySet()) {
                value(e.getKey());
                value(e.getValue());
            }
        } else if (v instanceof ManagedProxy p) {
            handle(p.handle());
        } else if (c == ProxyHandle.class) {
            handle((ProxyHandle) v);
        } else if (Proxy.isProxyClass(c) && Proxy.getInvocationHandler(v) instanceof CustomProxyHandler h) {
            handle(h.handle());
        } else {
            byte[] encoded = codec.encode(v);
            u8(Protocol.TAG_CODEC);
            bytes(encoded);
        }
    }

    private void handle(ProxyHandle h) {
        u8(Protocol.TAG_PROXY);
        str(h.endpoint().host());
        i32(h.endpoint().port());
        u8(h.endpoint().tls() ? 1 : 0);
        bytes(h.authkey());
        i32(h.objectId());
        str(h.typeName());
        str(h.interfaceName());
    }
}
