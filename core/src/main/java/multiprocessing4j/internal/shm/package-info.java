/**
 * Shared-memory segments ({@link multiprocessing4j.internal.shm.SharedSegment}), the header every
 * segment starts with ({@link multiprocessing4j.internal.shm.SegmentDescriptor}), and the tracker
 * process that removes a tree's segments once the tree is gone
 * ({@link multiprocessing4j.internal.shm.SegmentTracker}). Each shared primitive adds a
 * {@code ...Descriptor} for its payload layout next to its own code.
 */
package multiprocessing4j.internal.shm;
