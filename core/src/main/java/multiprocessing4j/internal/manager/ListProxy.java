package multiprocessing4j.internal.manager;

import java.io.Serial;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.ListIterator;
import java.util.RandomAccess;
import java.util.Spliterator;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A {@link List} whose elements live in a manager. Every method is one round trip and atomic on the
 * server. Iteration, {@code subList}, {@code equals}, {@code hashCode}, {@code toString} and streams work
 * on a snapshot taken in one round trip, as {@link java.util.concurrent.CopyOnWriteArrayList}'s do; the
 * snapshot's iterators do not support {@code remove}/{@code set}/{@code add}. {@code sort},
 * {@code replaceAll} and {@code removeIf} send their function to the server, which must allow its class.
 */
final class ListProxy<E> extends ManagedProxy implements List<E>, RandomAccess {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final MethodKey SIZE = MethodKey.of(List.class, "size");
    private static final MethodKey IS_EMPTY = MethodKey.of(List.class, "isEmpty");
    private static final MethodKey CONTAINS = MethodKey.of(List.class, "contains", Object.class);
    private static final MethodKey TO_ARRAY = MethodKey.of(List.class, "toArray");
    private static final MethodKey ADD = MethodKey.of(List.class, "add", Object.class);
    private static final MethodKey ADD_AT = MethodKey.of(List.class, "add", int.class, Object.class);
    private static final MethodKey REMOVE = MethodKey.of(List.class, "remove", Object.class);
    private static final MethodKey REMOVE_AT = MethodKey.of(List.class, "remove", int.class);
    private static final MethodKey CONTAINS_ALL = MethodKey.of(List.class, "containsAll", Collection.class);
    private static final MethodKey ADD_ALL = MethodKey.of(List.class, "addAll", Collection.class);
    private static final MethodKey ADD_ALL_AT = MethodKey.of(List.class, "addAll", int.class, Collection.class);
    private static final MethodKey REMOVE_ALL = MethodKey.of(List.class, "removeAll", Collection.class);
    private static final MethodKey RETAIN_ALL = MethodKey.of(List.class, "retainAll", Collection.class);
    private static final MethodKey CLEAR = MethodKey.of(List.class, "clear");
    private static final MethodKey GET = MethodKey.of(List.class, "get", int.class);
    private static final MethodKey SET = MethodKey.of(List.class, "set", int.class, Object.class);
    private static final MethodKey INDEX_OF = MethodKey.of(List.class, "indexOf", Object.class);
    private static final MethodKey LAST_INDEX_OF = MethodKey.of(List.class, "lastIndexOf", Object.class);
    private static final MethodKey SORT = MethodKey.of(List.class, "sort", Comparator.class);
    private static final MethodKey REPLACE_ALL = MethodKey.of(List.class, "replaceAll", UnaryOperator.class);
    private static final MethodKey REMOVE_IF = MethodKey.of(List.class, "removeIf", Predicate.class);

    ListProxy(ManagerClient client, int id, String typeName) {
        super(client, id, typeName);
    }

    @Override
    Class<?> servantInterface() {
        return List.class;
    }

    /** The elements as they are now, in one round trip. */
    @SuppressWarnings("unchecked")
    private List<E> snapshot() {
        return (List<E>) Collections.unmodifiableList(Arrays.asList((Object[]) call(TO_ARRAY)));
    }

    private static Collection<?> portable(Collection<?> c) {
        return c instanceof ManagedProxy ? c : new ArrayList<>(c);
    }

    @Override
    public int size() {
        return (Integer) call(SIZE);
    }

    @Override
    public boolean isEmpty() {
        return (Boolean) call(IS_EMPTY);
    }

    @Override
    public boolean contains(Object o) {
        return (Boolean) call(CONTAINS, o);
    }

    @Override
    public Iterator<E> iterator() {
        return snapshot().iterator();
    }

    @Override
    public Object[] toArray() {
        return (Object[]) call(TO_ARRAY);
    }

    @Override
    public <T> T[] toArray(T[] a) {
        return snapshot().toArray(a);
    }

    @Override
    public boolean add(E e) {
        return (Boolean) call(ADD, e);
    }

    @Override
    public boolean remove(Object o) {
        return (Boolean) call(REMOVE, o);
    }

    @Override
    public boolean containsAll(Collection<?> c) {
        return (Boolean) call(CONTAINS_ALL, portable(c));
    }

    @Override
    public boolean addAll(Collection<? extends E> c) {
        return (Boolean) call(ADD_ALL, portable(c));
    }

    @Override
    public boolean addAll(int index, Collection<? extends E> c) {
        return (Boolean) call(ADD_ALL_AT, index, portable(c));
    }

    @Override
    public boolean removeAll(Collection<?> c) {
        return (Boolean) call(REMOVE_ALL, portable(c));
    }

    @Override
    public boolean retainAll(Collection<?> c) {
        return (Boolean) call(RETAIN_ALL, portable(c));
    }

    @Override
    public boolean removeIf(Predicate<? super E> filter) {
        return (Boolean) call(REMOVE_IF, filter);
    }

    @Override
    public void replaceAll(UnaryOperator<E> operator) {
        call(REPLACE_ALL, operator);
    }

    @Override
    public void sort(Comparator<? super E> c) {
        call(SORT, c);
    }

    @Override
    public void clear() {
        call(CLEAR);
    }

    @Override
    @SuppressWarnings("unchecked")
    public E get(int index) {
        return (E) call(GET, index);
    }

    @Override
    @SuppressWarnings("unchecked")
    public E set(int index, E element) {
        return (E) call(SET, index, element);
    }

    @Override
    public void add(int index, E element) {
        call(ADD_AT, index, element);
    }

    @Override
    @SuppressWarnings("unchecked")
    public E remove(int index) {
        return (E) call(REMOVE_AT, index);
    }

    @Override
    public int indexOf(Object o) {
        return (Integer) call(INDEX_OF, o);
    }

    @Override
    public int lastIndexOf(Object o) {
        return (Integer) call(LAST_INDEX_OF, o);
    }

    @Override
    public ListIterator<E> listIterator() {
        return snapshot().listIterator();
    }

    @Override
    public ListIterator<E> listIterator(int index) {
        return snapshot().listIterator(index);
    }

    /** A snapshot of the range: an unmodifiable copy, not a view. */
    @Override
    public List<E> subList(int fromIndex, int toIndex) {
        return Collections.unmodifiableList(new ArrayList<>(snapshot().subList(fromIndex, toIndex)));
    }

    @Override
    public Spliterator<E> spliterator() {
        return snapshot().spliterator();
    }

    @Override
    public boolean equals(Object o) {
        return o == this || sameObject(o) || (o instanceof List<?> l && snapshot().equals(l instanceof ListProxy<?> p
                ? p.snapshot() : l));
    }

    @Override
    public int hashCode() {
        return snapshot().hashCode();
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
