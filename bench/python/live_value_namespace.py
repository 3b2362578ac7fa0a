"""CPython counterpart of LiveValueBench: a Manager().Namespace() attribute used as a "latest result" slot.

Figures (RESULT lines, the `mp4j bench` convention):
  live.publish           ns.estimate = (value, iteration) while another process reads it in a loop
  live.latest.unchanged  reading ns.estimate when it has not changed (a round trip to the manager each time)
  live.latest.fresh      reading ns.estimate in the reader process while this one keeps publishing (median)
  live.roundtrip         publish, the peer polls for the change and echoes it, this process polls for the echo
                         (a Namespace cannot be waited on: both sides poll, as Python programs do)
Run: python3 bench/python/live_value_namespace.py [--quick]
"""
import multiprocessing as mp
import statistics
import sys
import time


def reader(ns, stop):
    fresh_times = []
    last = None
    while not stop.is_set():
        t0 = time.perf_counter()
        value = ns.estimate
        took = time.perf_counter() - t0
        if value != last:
            fresh_times.append(took)
            last = value
    ns.fresh_ns = statistics.median(fresh_times) * 1e9 if fresh_times else 0.0


def echo(ns, stop):
    last = None
    while not stop.is_set():
        value = ns.estimate
        if value != last:
            ns.echo = value
            last = value


def median_of(runs, millis, body):
    results = []
    for r in range(runs + 1):
        n = 0
        start = time.perf_counter()
        end = start + millis / 1000
        while time.perf_counter() < end:
            body(n)
            n += 1
        if r > 0:
            results.append((time.perf_counter() - start) * 1e9 / n)
    return statistics.median(results)


def main():
    quick = "--quick" in sys.argv
    runs, millis = (3, 200) if quick else (5, 500)
    ctx = mp.get_context("fork")
    with ctx.Manager() as manager:
        ns = manager.Namespace()
        ns.estimate = (0.0, 0)
        stop = ctx.Event()
        p = ctx.Process(target=reader, args=(ns, stop))
        p.start()

        def publish(n):
            ns.estimate = (n * 0.5, n)
        print(f"RESULT live.publish {median_of(runs, millis, publish):.3f} ns lower-is-better")
        stop.set()
        p.join()
        print(f"RESULT live.latest.fresh {ns.fresh_ns:.3f} ns lower-is-better")

        def read(n):
            return ns.estimate
        print(f"RESULT live.latest.unchanged {median_of(runs, millis, read):.3f} ns lower-is-better")

        stop = ctx.Event()
        ns.echo = None
        p = ctx.Process(target=echo, args=(ns, stop))
        p.start()
        rounds = 200 if quick else 1000
        trips = []
        for r in range(runs + 1):
            start = time.perf_counter()
            for i in range(rounds):
                value = (float(i), r * rounds + i + 1)
                ns.estimate = value
                while ns.echo != value:
                    pass
            if r > 0:
                trips.append((time.perf_counter() - start) * 1e6 / rounds)
        stop.set()
        p.join()
        print(f"RESULT live.roundtrip {statistics.median(trips):.3f} us lower-is-better")


if __name__ == "__main__":
    main()
