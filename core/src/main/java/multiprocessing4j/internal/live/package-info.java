/**
 * The shared-memory mechanics under {@link multiprocessing4j.LiveValue}: the control and data layouts
 * ({@link multiprocessing4j.internal.live.LiveValueDescriptor}) and the cell that publishes and reads
 * raw bytes through them ({@link multiprocessing4j.internal.live.LiveCell}).
 */
package multiprocessing4j.internal.live;
