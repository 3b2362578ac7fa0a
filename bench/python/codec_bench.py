"""CPython 3.11 counterpart of CodecBenchmark and CodecFirstUse: pickle round trips.

multiprocessing pickles tasks, arguments and results; a lambda is not picklable, so the task
counterpart is a functools.partial of a module-level function with two bound arguments
(what a Java lambda with two captures is).

    python3 bench/python/codec_bench.py
"""
import dataclasses
import functools
import pickle
import sys
import time
import timeit


@dataclasses.dataclass
class Order:
    id: int
    customer: str
    amount: float
    quantity: int


def make_result(prefix, n):
    return prefix + str(n)


def per_call_ns(fn, number):
    best = min(timeit.repeat(fn, number=number, repeat=3))
    return best / number * 1e9


def main():
    t0 = time.perf_counter_ns()
    task = functools.partial(make_result, "result-", 7)
    pickle.loads(pickle.dumps(task))
    first_us = (time.perf_counter_ns() - t0) / 1000
    order = Order(42, "acme", 99.5, 3)
    dumps, loads, proto = pickle.dumps, pickle.loads, pickle.HIGHEST_PROTOCOL
    number = 50_000 if "--quick" in sys.argv else 200_000
    small = per_call_ns(lambda: loads(dumps(order, proto)), number)
    lam = per_call_ns(lambda: loads(dumps(task, proto)), number)
    print(f"pickle smallObjectRoundTrip {small:.0f} ns")
    print(f"pickle taskRoundTrip (partial) {lam:.0f} ns")
    print(f"pickle first task round trip in this process {first_us:.0f} us")
    # RESULT lines: the `mp4j bench` convention (figure, value, unit, direction).
    print(f"RESULT codec.small.roundtrip {small:.3f} ns lower-is-better")
    print(f"RESULT codec.task.roundtrip {lam:.3f} ns lower-is-better")
    print(f"RESULT codec.first.roundtrip {first_us:.3f} us lower-is-better")


if __name__ == "__main__":
    main()
