/**
 * Managers: a server process holding shared objects, reached through proxies that implement the
 * {@code java.util} interfaces, locally or across the network with an authkey.
 */
package multiprocessing4j.manager;
