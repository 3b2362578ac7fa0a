package multiprocessing4j.internal.pool;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;

import multiprocessing4j.RemoteException;
import multiprocessing4j.internal.codec.Codec;
import multiprocessing4j.internal.codec.CodecException;
import multiprocessing4j.internal.codec.NotSerializableValueException;

/** The codec pools use on both sides, and how a task's exception travels. */
final class PoolCodec {
    private static final Codec CODEC = new JavaSerialization();

    private PoolCodec() {
    }

    static Codec codec() {
        return CODEC;
    }

    /** A form of {@code failure} that always encodes. */
    static Object captureFailure(Throwable failure) {
        return Captured.of(failure);
    }

    /** The original exception where it could be rebuilt here, else a {@link RemoteException}. */
    static Throwable rebuildFailure(Object captured) {
        Captured c = (Captured) captured;
        RemoteException remote = c.toRemote();
        if (c.original != null) {
            try {
                Throwable original = (Throwable) CODEC.decode(c.original);
                remote.withOriginal(original);
                return original;
            } catch (RuntimeException notHere) {
                return remote;
            }
        }
        return remote;
    }

    static boolean isFailure(Object value) {
        return value instanceof Captured;
    }

    record Captured(String className, String message, StackTraceElement[] trace, Captured cause, byte[] original)
            implements Serializable {
        static Captured of(Throwable t) {
            byte[] original;
            try {
                original = CODEC.encode(t);
            } catch (RuntimeException notSerializable) {
                original = null;
            }
            return new Captured(t.getClass().getName(), t.getMessage(), t.getStackTrace(),
                    t.getCause() == null || t.getCause() == t ? null : of(t.getCause()), original);
        }

        RemoteException toRemote() {
            return new RemoteException(className, message, trace, cause == null ? null : cause.toRemote());
        }
    }

    private static final class JavaSerialization implements Codec {
        @Override
        public byte[] encode(Object value) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(value);
            } catch (NotSerializableException e) {
                throw new NotSerializableValueException(e.getMessage() + " is not serializable", e.getMessage(), e);
            } catch (IOException e) {
                throw new NotSerializableValueException("cannot serialize a " + value.getClass().getName() + ": " + e,
                        value.getClass().getName(), e);
            }
            return bytes.toByteArray();
        }

        @Override
        public Object decode(byte[] bytes, int offset, int length) {
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes, offset, length)) {
                @Override
                protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                    try {
                        return Class.forName(desc.getName(), false, PoolCodec.class.getClassLoader());
                    } catch (ClassNotFoundException e) {
                        return super.resolveClass(desc);
                    }
                }
            }) {
                return in.readObject();
            } catch (IOException | ClassNotFoundException e) {
                throw new CodecException("cannot decode: " + e, e);
            }
        }
    }
}
