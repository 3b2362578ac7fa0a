/**
 * Message passing in shared memory: the rings under {@code ProcessQueue}, {@code Pipe} and (for
 * whoever wants a fast parent/worker transport) the pool.
 * <ul>
 *   <li>{@link multiprocessing4j.internal.ipc.MpmcRing}: many producers, many consumers, in many
 *       processes; fixed slots with a per-slot state word (claim/commit with owner pid), large
 *       messages in side segments; layout in {@link multiprocessing4j.internal.ipc.MpmcRingDescriptor}.</li>
 *   <li>{@link multiprocessing4j.internal.ipc.SpscRing}: one producer, one consumer; variable-length
 *       records in a byte ring, messages larger than the ring sent in fragments; EOF and peer death;
 *       layout in {@link multiprocessing4j.internal.ipc.SpscRingDescriptor}.</li>
 * </ul>
 * Both block by spinning briefly and then waiting on a futex word, in slices, so that timeouts,
 * interruption and the death of a peer are noticed.
 */
package multiprocessing4j.internal.ipc;
