/**
 * Managers: a server process holding shared objects, reached through proxies that implement the
 * {@code java.util} interfaces, locally or across the network with an authkey. Python's
 * {@code multiprocessing.managers}.
 *
 * <p>{@link multiprocessing4j.manager.Manager} starts ({@code start()}, a child JVM), serves
 * ({@code serve(address, key)}, in this JVM) or connects to ({@code connect(address, key)}) a server,
 * and makes its objects: {@code List}, {@code ConcurrentMap}, {@link multiprocessing4j.manager.Namespace},
 * {@code BlockingQueue}, {@link multiprocessing4j.manager.JoinableQueue}, {@code Lock},
 * {@link multiprocessing4j.manager.ManagedCondition}, {@link multiprocessing4j.manager.ManagedSemaphore},
 * {@link multiprocessing4j.manager.ManagedEvent}, {@link multiprocessing4j.manager.ManagedBarrier},
 * {@link multiprocessing4j.manager.ManagedValue}, fixed-size arrays, and registered types of your own.
 * The command {@code mp4j manager serve --bind HOST:PORT --authkey-file F} serves one for the network.
 *
 * <p>Clients on the same machine as the server talk to it through shared memory after connecting over
 * TCP (set {@code -Dmp4j.manager.sharedMemory=false} to stay on TCP); others over TCP, optionally TLS.
 */
package multiprocessing4j.manager;
