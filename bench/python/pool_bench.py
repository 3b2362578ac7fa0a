"""CPython counterpart of PoolBenchmark: the pool issue's table, each the median of five runs after 3 s of warm-up.

Run: python3 bench/python/pool_bench.py [row]   (rows: startup map map1 apply imap submit submitall)
"""
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool

RUNS = 5


def square(x):
    return x * x


def one():
    return 1


def ident(x):
    return x


WARM_UP_SECONDS = 3.0  # as PoolBenchmark: each row runs untimed for at least this long first


def report(name, count, body, unit):
    warm_until = time.perf_counter() + WARM_UP_SECONDS
    body()
    while time.perf_counter() < warm_until:
        body()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    if unit == "us":
        print(f"CPython {name}: {median * 1e6 / count:.2f} us per call (median of {RUNS} x {count})")
        print(f"RESULT {figure(name)} {median * 1e6 / count:.3f} us lower-is-better")
    else:
        print(f"CPython {name}: {count / median:.0f} tasks/s (median of {RUNS} x {count})")
        print(f"RESULT {figure(name)} {count / median:.3f} tasks/s higher-is-better")


def figure(name):
    # The `mp4j bench` figure id of a row; PoolBenchmark names its rows the same.
    if "1,000,000" in name:
        return "pool.map.1m"
    if name.endswith("chunksize 1"):
        return "pool.map.chunk1"
    if "apply round trip" in name:
        return "pool.apply.roundtrip"
    if "imap" in name.lower():
        return "pool.imapunordered"
    if "round trip" in name:
        return "executor.submit.roundtrip"
    return "executor.submit.20k"


def startup(method):
    import multiprocessing
    ctx = multiprocessing.get_context(method)
    with ctx.Pool(2) as pool:  # untimed, as PoolBenchmark's first pool: modules loaded, files in the page cache
        pool.apply(one)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        with ctx.Pool(2) as pool:
            pool.apply(one)
            times.append((time.perf_counter() - start) * 1e3)
    print(f"CPython pool of 2 created -> first result ({method}): {statistics.median(times):.1f} ms "
          f"(median of {RUNS}; min {min(times):.1f})")
    # spawn pairs with our cold start (new interpreters / new JVMs); fork with our start from a warm spare JVM
    # (PoolBenchmark's pool.startup.warm), the nearest a JVM gets to forking a ready process.
    print(f"RESULT {'pool.startup' if method == 'spawn' else 'pool.startup.warm'} {statistics.median(times):.3f} ms lower-is-better")


def main():
    only = sys.argv[1] if len(sys.argv) > 1 else ""
    if only in ("", "startup"):
        startup("spawn")
        startup("fork")
    with Pool(2) as pool:
        if only in ("", "map"):
            million = list(range(1_000_000))
            report("Pool(2).map(x*x), 1,000,000 ints, default chunksize", len(million),
                   lambda: pool.map(square, million), "tasks/s")
        if only in ("", "map1"):
            items = list(range(20_000))
            report("Pool(2).map(x*x), 20,000 ints, chunksize 1", len(items),
                   lambda: pool.map(square, items, 1), "tasks/s")
        if only in ("", "apply"):
            n = 5_000
            report("Pool(2).apply round trip, one after another", n,
                   lambda: [pool.apply(one) for _ in range(n)], "us")
        if only in ("", "imap"):
            items = list(range(100_000))
            report("Pool(2).imap_unordered(x*x), 100,000 items, chunksize 100", len(items),
                   lambda: sum(pool.imap_unordered(square, items, 100)), "tasks/s")
    with ProcessPoolExecutor(2) as executor:
        executor.submit(one).result()
        if only in ("", "submit"):
            n = 5_000
            report("ProcessPoolExecutor(2).submit(..).result() round trip", n,
                   lambda: [executor.submit(one).result() for _ in range(n)], "us")
        if only in ("", "submitall"):
            n = 20_000

            def body():
                futures = [executor.submit(ident, i) for i in range(n)]
                for f in futures:
                    f.result()
            report("ProcessPoolExecutor(2): submit 20,000 tasks, then wait for all", n, body, "tasks/s")


if __name__ == "__main__":
    main()
