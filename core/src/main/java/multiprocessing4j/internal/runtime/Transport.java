package multiprocessing4j.internal.runtime;

import multiprocessing4j.RemoteException;
import multiprocessing4j.internal.codec.Codec;
import multiprocessing4j.internal.codec.CodecException;
import multiprocessing4j.internal.codec.NotSerializableValueException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/**
 * The codec and the exception transport the runtime uses. A stand-in on JDK serialization until the
 * codec layer's implementation lands; it keeps the codec contract (failure in the caller naming the class).
 */
public final class Transport {
    private static final Codec CODEC = new JdkCodec();

    private Transport() {
    }

    public static Codec codec() {
        return CODEC;
    }

    /** Encodes a throwable so that the other side can rebuild it as a {@link RemoteException}. */
    static byte[] encodeFailure(Throwable t) {
        RemoteException remote = toRemote(t);
        byte[] original;
        try {
            original = CODEC.encode(t);
        } catch (RuntimeException notSerializable) {
            original = null;
        }
        return CODEC.encode(new Failure(remote, original));
    }

    static RemoteException decodeFailure(byte[] bytes) {
        Failure f = (Failure) CODEC.decode(bytes);
        if (f.original() != null) {
            try {
                f.remote().withOriginal((Throwable) CODEC.decode(f.original()));
            } catch (RuntimeException missingHere) {
                // the class is not present here, or refused: the RemoteException alone carries the facts
            }
        }
        return f.remote();
    }

    private static RemoteException toRemote(Throwable t) {
        RemoteException cause = t.getCause() == null || t.getCause() == t ? null : toRemote(t.getCause());
        return new RemoteException(t.getClass().getName(), t.getMessage(), t.getStackTrace(), cause);
    }

    private record Failure(RemoteException remote, byte[] original) implements Serializable {
    }

    private static final class JdkCodec implements Codec {
        @Override
        public byte[] encode(Object value) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(value);
            } catch (NotSerializableException e) {
                throw new NotSerializableValueException(
                        "cannot serialize " + e.getMessage() + ": it does not implement java.io.Serializable"
                                + " (captured by the value of class " + (value == null ? "null" : value.getClass().getName()) + ")",
                        e.getMessage(), e);
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
                protected Class<?> resolveClass(java.io.ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                    try {
                        return Class.forName(desc.getName(), false, Thread.currentThread().getContextClassLoader());
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
