/**
 * Cross-process synchronisation on shared memory and futexes: locks, semaphores, conditions,
 * events and barriers that processes and threads may mix freely, and that survive a holder's death.
 */
package multiprocessing4j.sync;
