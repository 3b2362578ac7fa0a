package multiprocessing4j.internal.manager;

import java.io.Serial;
import java.util.AbstractQueue;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link BlockingQueue} held by a manager. {@code put}/{@code take} and the timed {@code offer}/
 * {@code poll} wait on the server in short slices, so they honour interruption and their timeout within
 * one slice. {@code iterator()}, {@code toString} work on a snapshot; {@code drainTo} takes the elements
 * atomically on the server.
 */
class QueueProxy<E> extends ManagedProxy implements BlockingQueue<E> {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final Class<?> Q = QueueServant.class;
    static final MethodKey OFFER = MethodKey.of(Q, "offer", Object.class, long.class);
    static final MethodKey POLL = MethodKey.of(Q, "poll", long.class);
    static final MethodKey PEEK = MethodKey.of(Q, "peek");
    static final MethodKey SIZE = MethodKey.of(Q, "size");
    static final MethodKey REMAINING = MethodKey.of(Q, "remainingCapacity");
    static final MethodKey REMOVE = MethodKey.of(Q, "remove", Object.class);
    static final MethodKey CONTAINS = MethodKey.of(Q, "contains", Object.class);
    static final MethodKey CLEAR = MethodKey.of(Q, "clear");
    static final MethodKey TO_ARRAY = MethodKey.of(Q, "toArray");
    static final MethodKey DRAIN = MethodKey.of(Q, "drain", int.class);
    private static final Long NO_WAIT = 0L;

    /** {@link AbstractQueue}'s bulk operations, on top of this proxy's primitives. */
    private final transient AbstractQueue<E> view = new AbstractQueue<>() {
        @Override
        public Iterator<E> iterator() {
            return QueueProxy.this.iterator();
        }

        @Override
        public int size() {
            return QueueProxy.this.size();
        }

        @Override
        public boolean offer(E e) {
            return QueueProxy.this.offer(e);
        }

        @Override
        public E poll() {
            return QueueProxy.this.poll();
        }

        @Override
        public E peek() {
            return QueueProxy.this.peek();
        }
    };

    QueueProxy(ManagerClient client, int id, String typeName) {
        super(client, id, typeName);
    }

    @Override
    Class<?> servantInterface() {
        return QueueServant.class;
    }

    @Override
    public boolean offer(E e) {
        return (Boolean) call(OFFER, Objects.requireNonNull(e, "a queue does not hold null"), NO_WAIT);
    }

    @Override
    public void put(E e) throws InterruptedException {
        Objects.requireNonNull(e, "a queue does not hold null");
        while (true) {
            checkInterrupt();
            if ((Boolean) call(OFFER, e, SLICE_NANOS)) {
                return;
            }
        }
    }

    @Override
    public boolean offer(E e, long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(e, "a queue does not hold null");
        long deadline = deadline(timeout, unit);
        while (true) {
            checkInterrupt();
            if ((Boolean) call(OFFER, e, slice(deadline))) {
                return true;
            }
            if (expired(deadline)) {
                return false;
            }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public E take() throws InterruptedException {
        while (true) {
            checkInterrupt();
            Object v = call(POLL, SLICE_NANOS);
            if (v != null) {
                return (E) v;
            }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public E poll(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = deadline(timeout, unit);
        while (true) {
            checkInterrupt();
            Object v = call(POLL, slice(deadline));
            if (v != null || expired(deadline)) {
                return (E) v;
            }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public E poll() {
        return (E) call(POLL, NO_WAIT);
    }

    @Override
    @SuppressWarnings("unchecked")
    public E peek() {
        return (E) call(PEEK);
    }

    @Override
    public boolean add(E e) {
        if (offer(e)) {
            return true;
        }
        throw new IllegalStateException("queue full");
    }

    @Override
    public E remove() {
        return view.remove();
    }

    @Override
    public E element() {
        return view.element();
    }

    @Override
    public int remainingCapacity() {
        return (Integer) call(REMAINING);
    }

    @Override
    public boolean remove(Object o) {
        return o != null && (Boolean) call(REMOVE, o);
    }

    @Override
    public boolean contains(Object o) {
        return o != null && (Boolean) call(CONTAINS, o);
    }

    @Override
    public int drainTo(Collection<? super E> c) {
        return drainTo(c, Integer.MAX_VALUE);
    }

    @Override
    @SuppressWarnings("unchecked")
    public int drainTo(Collection<? super E> c, int maxElements) {
        if (c == this) {
            throw new IllegalArgumentException("cannot drain a queue into itself");
        }
        Object[] taken = (Object[]) call(DRAIN, maxElements);
        for (Object o : taken) {
            c.add((E) o);
        }
        return taken.length;
    }

    @Override
    public int size() {
        return (Integer) call(SIZE);
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    /** An iterator over a snapshot; it does not support {@code remove}. */
    @Override
    @SuppressWarnings("unchecked")
    public Iterator<E> iterator() {
        return (Iterator<E>) Collections.unmodifiableList(Arrays.asList(toArray())).iterator();
    }

    @Override
    public Object[] toArray() {
        return (Object[]) call(TO_ARRAY);
    }

    @Override
    public <T> T[] toArray(T[] a) {
        return Arrays.asList(toArray()).toArray(a);
    }

    @Override
    public boolean containsAll(Collection<?> c) {
        return Arrays.asList(toArray()).containsAll(c);
    }

    @Override
    public boolean addAll(Collection<? extends E> c) {
        return view.addAll(c);
    }

    @Override
    public boolean removeAll(Collection<?> c) {
        boolean changed = false;
        for (Object o : c) {
            while (remove(o)) {
                changed = true;
            }
        }
        return changed;
    }

    @Override
    public boolean retainAll(Collection<?> c) {
        boolean changed = false;
        for (Object o : toArray()) {
            if (!c.contains(o) && remove(o)) {
                changed = true;
            }
        }
        return changed;
    }

    @Override
    public void clear() {
        call(CLEAR);
    }

    @Override
    public boolean equals(Object o) {
        return sameObject(o);
    }

    @Override
    public int hashCode() {
        return objectHash();
    }

    @Override
    public String toString() {
        return Arrays.toString(toArray());
    }
}
