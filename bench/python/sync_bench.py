"""CPython counterpart of multiprocessing4j.bench.SyncBenchmark: the figures of issue 4.

Run: python3 bench/python/sync_bench.py [scenario...] with scenarios locked, uncontended, pingpong, copy, sum
(default: all). Each figure is the median of five timed runs after one warm-up run.
"""
import array
import multiprocessing as mp
import statistics
import sys
import time

RUNS = 5
COUNTER_OPS = 200_000
UNCONTENDED_OPS = 2_000_000
ROUNDS = 5_000
DOUBLES = 10_000_000

ctx = mp.get_context("fork")


FIGURES = {"locked": "sync.counter.locked", "uncontended": "sync.lock.uncontended",
           "pingpong": "sync.processevent.pingpong", "copy": "shared.array.copy", "sum": "shared.array.sum"}


def report(name, what, results, unit):
    results = sorted(results)
    print(f"CPython {sys.version.split()[0]} {what + ':':<42} {statistics.median(results):10.2f} {unit} "
          f"(median of {RUNS}; min {results[0]:.2f}, max {results[-1]:.2f})")
    # The `mp4j bench` convention: RESULT <figure> <value> <unit> <higher|lower>-is-better.
    result_unit = unit.replace("M increments/s", "M/s").replace("M pairs/s", "M/s")
    direction = "lower-is-better" if unit == "us" else "higher-is-better"
    print(f"RESULT {FIGURES[name]} {statistics.median(results):.3f} {result_unit} {direction}")


def counter_peer(value, start, end):
    lock = value.get_lock()
    start.wait()
    for _ in range(COUNTER_OPS):
        with lock:
            value.value += 1
    end.wait()


def locked():
    results = []
    for r in range(RUNS + 1):
        value = ctx.Value('q', 0)
        start, end = ctx.Barrier(3), ctx.Barrier(3)
        peers = [ctx.Process(target=counter_peer, args=(value, start, end)) for _ in range(2)]
        for p in peers:
            p.start()
        start.wait()
        t0 = time.perf_counter()
        end.wait()
        t1 = time.perf_counter()
        for p in peers:
            p.join()
        assert value.value == 2 * COUNTER_OPS, value.value
        if r > 0:
            results.append(2 * COUNTER_OPS / (t1 - t0) / 1e6)
    return results


def uncontended():
    lock = ctx.Lock()
    results = []
    for r in range(RUNS + 1):
        t0 = time.perf_counter()
        for _ in range(UNCONTENDED_OPS):
            lock.acquire()
            lock.release()
        t1 = time.perf_counter()
        if r > 0:
            results.append(UNCONTENDED_OPS / (t1 - t0) / 1e6)
    return results


def pingpong_peer(ping, pong, total):
    for _ in range(total):
        ping.wait()
        ping.clear()
        pong.set()


def pingpong():
    ping, pong = ctx.Event(), ctx.Event()
    p = ctx.Process(target=pingpong_peer, args=(ping, pong, ROUNDS * (RUNS + 1)))
    p.start()
    results = []
    for r in range(RUNS + 1):
        t0 = time.perf_counter()
        for _ in range(ROUNDS):
            ping.set()
            pong.wait()
            pong.clear()
        t1 = time.perf_counter()
        if r > 0:
            results.append((t1 - t0) * 1e6 / ROUNDS)
    p.join()
    return results


def copy_peer(shared, seconds):
    values = array.array('d', range(DOUBLES))
    target = memoryview(shared).cast('B')
    source = memoryview(values).cast('B')
    target[:] = source
    t0 = time.perf_counter()
    target[:] = source
    seconds.value = time.perf_counter() - t0


def copy():
    shared = ctx.RawArray('d', DOUBLES)
    seconds = ctx.RawValue('d', 0.0)
    results = []
    for r in range(RUNS + 1):
        p = ctx.Process(target=copy_peer, args=(shared, seconds))
        p.start()
        p.join()
        assert shared[DOUBLES - 1] == DOUBLES - 1
        if r > 0:
            results.append(DOUBLES * 8 / seconds.value / 1e9)
    return results


def sum_():
    shared = ctx.RawArray('d', DOUBLES)
    memoryview(shared).cast('B')[:] = memoryview(array.array('d', range(DOUBLES))).cast('B')
    results = []
    for r in range(RUNS + 1):
        t0 = time.perf_counter()
        total = sum(shared)
        t1 = time.perf_counter()
        assert total == DOUBLES * (DOUBLES - 1) / 2
        if r > 0:
            results.append(DOUBLES * 8 / (t1 - t0) / 1e9)
    return results


SCENARIOS = {
    "locked": ("2 processes, Value under get_lock()", locked, "M increments/s"),
    "uncontended": ("uncontended Lock acquire+release", uncontended, "M pairs/s"),
    "pingpong": ("Event ping-pong round trip", pingpong, "us"),
    "copy": ("child copies 10 M doubles (memoryview)", copy, "GB/s"),
    "sum": ("sum(RawArray('d', 10 M))", sum_, "GB/s"),
}


def main():
    for name in sys.argv[1:] or list(SCENARIOS):
        what, fn, unit = SCENARIOS[name]
        report(name, what, fn(), unit)


if __name__ == "__main__":
    main()
