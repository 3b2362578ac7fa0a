/** JMH benchmarks and the side-by-side comparison with CPython's multiprocessing. */
package multiprocessing4j.bench;
