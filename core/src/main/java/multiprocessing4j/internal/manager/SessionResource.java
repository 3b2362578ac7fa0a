package multiprocessing4j.internal.manager;

/**
 * Something a client holds through its session that must be given back when the client goes away: a
 * lock it owns, permits of a bounded semaphore, its place at a barrier.
 */
interface SessionResource {

    /** Called on the session's own thread once its connection is gone, whatever the reason. */
    void sessionClosed(Session session);
}
