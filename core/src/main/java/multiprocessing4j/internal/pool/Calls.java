package multiprocessing4j.internal.pool;

import java.io.Serializable;
import java.util.function.Consumer;

import multiprocessing4j.internal.codec.Codec;
import multiprocessing4j.internal.codec.NotSerializableValueException;

/** Single tasks (apply, submit): encoding them in the caller, and their futures. */
public final class Calls {
    private Calls() {
    }

    /**
     * Encodes a task's function; what cannot be serialized fails here, in the caller.
     *
     * @throws IllegalArgumentException naming the class when it cannot be serialized
     */
    static byte[] encodeTask(Codec codec, Object function, String what) {
        if (function == null) {
            throw new NullPointerException("the " + what + " is null");
        }
        if (!(function instanceof Serializable)) {
            throw new IllegalArgumentException("the " + what + " (" + function.getClass().getName()
                    + ") is not Serializable, so it cannot be sent to a worker JVM: pass a lambda or method reference"
                    + " where a SerializableCallable, SerializableRunnable or SerializableFunction is expected,"
                    + " or make the class implement java.io.Serializable");
        }
        return encodeValue(codec, function, what);
    }

    /** Encodes a pool's initializer, in the caller. */
    public static byte[] encodeInitializer(Object initializer) {
        return encodeTask(PoolCodec.codec(), initializer, "initializer");
    }

    static byte[] encodeValue(Codec codec, Object value, String what) {
        try {
            return codec.encode(value);
        } catch (NotSerializableValueException e) {
            throw new IllegalArgumentException("the " + what + " cannot be sent to a worker JVM: " + e.getMessage(), e);
        }
    }

    /**
     * Submits one task and returns its future.
     *
     * @param kind       {@link WireFormat#KIND_CALL}, {@code KIND_RUN} or {@code KIND_APPLY}
     * @param argument   the argument of an apply (encoded here), else ignored
     * @param origin     what {@code shutdownNow} hands back for it if it never started
     * @param onSuccess  callback on the pool's result thread before the future completes, or null
     * @param onError    error callback likewise, or null
     */
    public static <R> PoolFuture<R> submit(PoolEngine engine, byte kind, Object function, Object argument,
                                           Object origin, Consumer<? super R> onSuccess,
                                           Consumer<? super Throwable> onError) {
        Codec codec = PoolCodec.codec();
        long id = engine.newId();
        long fnId = id;
        byte[] fn;
        Encoded cached = STATELESS.get(function.getClass());
        if (cached != null) {
            fnId = cached.fnId;
            fn = cached.bytes;
        } else {
            fn = encodeTask(codec, function, kind == WireFormat.KIND_APPLY ? "function" : "task");
            if (isStateless(function)) {
                STATELESS.put(function.getClass(), new Encoded(-id, fn));
                fnId = -id;
            }
        }
        byte[] arg = kind == WireFormat.KIND_APPLY ? encodeValue(codec, argument, "argument") : null;
        PoolFuture<R> future = new PoolFuture<>();
        CallOwner<R> owner = new CallOwner<>(engine, future, onSuccess, onError);
        Task task = new Task(id, kind, fnId, fn, arg, owner, origin, 0, 1);
        future.onCancel(mayInterrupt -> engine.cancel(task, mayInterrupt));
        future.task(task);
        engine.submit(task);
        return future;
    }

    /**
     * Encoded forms of lambdas that capture nothing (a hidden class without fields: every instance is the
     * same function), so that calling the same lambda again costs no encoding here and, since the worker
     * keeps recently used functions by id, no decoding there. Ids are negative to stay apart from task ids.
     */
    private static final java.util.Map<Class<?>, Encoded> STATELESS =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private record Encoded(long fnId, byte[] bytes) {
    }

    private static boolean isStateless(Object function) {
        Class<?> c = function.getClass();
        return c.isHidden() && c.getDeclaredFields().length == 0;
    }

    private record CallOwner<R>(PoolEngine engine, PoolFuture<R> future, Consumer<? super R> onSuccess,
                                Consumer<? super Throwable> onError) implements TaskOwner {
        @Override
        @SuppressWarnings("unchecked")
        public void succeeded(Task task, Object value) {
            if (onSuccess == null && onError == null) {
                future.complete((R) value);
                return;
            }
            engine.callbackExecutor().execute(() -> {
                try {
                    if (onSuccess != null && !future.isDone()) {
                        onSuccess.accept((R) value);
                    }
                } catch (Throwable t) {
                    System.getLogger("multiprocessing4j.pool").log(System.Logger.Level.WARNING,
                            engine.name() + ": a callback threw; the pool goes on", t);
                } finally {
                    future.complete((R) value);
                }
            });
        }

        @Override
        public void failed(Task task, Throwable error) {
            if (onSuccess == null && onError == null) {
                future.completeExceptionally(error);
                return;
            }
            engine.callbackExecutor().execute(() -> {
                try {
                    if (onError != null && !future.isDone()) {
                        onError.accept(error);
                    }
                } catch (Throwable t) {
                    System.getLogger("multiprocessing4j.pool").log(System.Logger.Level.WARNING,
                            engine.name() + ": an error callback threw; the pool goes on", t);
                } finally {
                    future.completeExceptionally(error);
                }
            });
        }
    }
}
