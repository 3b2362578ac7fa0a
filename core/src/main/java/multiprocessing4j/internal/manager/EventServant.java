package multiprocessing4j.internal.manager;

/** The server side of {@code event()}. */
interface EventServant {

    void set();

    void clear();

    boolean isSet();

    /** @return whether the event was set within {@code nanos} */
    boolean awaitSet(long nanos) throws InterruptedException;
}
