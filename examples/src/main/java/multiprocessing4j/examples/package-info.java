/** Each motivating scenario of multiprocessing4j as a small runnable program. */
package multiprocessing4j.examples;
