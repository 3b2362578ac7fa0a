package multiprocessing4j.internal.pool;

import multiprocessing4j.internal.codec.Codec;
import multiprocessing4j.internal.codec.Codecs;
import multiprocessing4j.internal.codec.RemoteFailure;

/**
 * The codec a pool and its workers share ({@link Codecs#fromSystemProperty()}: the launcher passes the
 * property on), and how a task's exception travels: as a {@link RemoteFailure}, rebuilt here as the
 * original exception where possible, else as a {@code RemoteException}, always with the remote trace.
 */
final class PoolCodec {
    private PoolCodec() {
    }

    static Codec codec() {
        return Codecs.fromSystemProperty();
    }

    /** A form of {@code failure} that always encodes. */
    static Object captureFailure(Throwable failure) {
        return RemoteFailure.capture(failure, codec());
    }

    /** The original exception where it could be rebuilt here, else a {@link multiprocessing4j.RemoteException}. */
    static Throwable rebuildFailure(Object captured) {
        return ((RemoteFailure) captured).rebuild(codec());
    }

    static boolean isFailure(Object value) {
        return value instanceof RemoteFailure;
    }
}
