"""CPython counterpart of ManagerProxyBench: manager proxy operations per second from another process.

Run: python3 bench/python/manager_bench.py [ops]. Each figure is the median of 5 timed runs after a
warm-up, measured in a client process talking to the manager's server process (as Java's does):
list.append, dict put/get (alternating), namespace set/get (alternating), four client processes doing
dict put/get on one dict at once (total ops/s), and manager start-up (fork) until the first proxy answers.
"""
import multiprocessing as mp
import statistics
import sys
import time

RUNS = 5


def measure(ops, op, start=None):
    rates = []
    for r in range(RUNS + 1):
        if start is not None:
            start.wait(60)
        t0 = time.perf_counter()
        for i in range(ops):
            op(i)
        t = time.perf_counter() - t0
        if r > 0:
            rates.append(ops / t)
    return statistics.median(rates)


def single_client(lst, dct, ns, ops, out):
    for i in range(ops // 5):  # warm-up, as the Java side does
        lst.append(i)
        dct["k"] = i
        dct["k"]
        ns.x = i
        ns.x
    del lst[:]
    append = measure(ops, lst.append)

    def dict_op(i):
        if i & 1 == 0:
            dct["k"] = i
        else:
            dct["k"]

    def ns_op(i):
        if i & 1 == 0:
            ns.x = i
        else:
            ns.x

    out.put(("list.append(ops/s,another-process)", append))
    out.put(("dict-put/get(ops/s)", measure(ops, dict_op)))
    out.put(("namespace-set/get(ops/s)", measure(ops, ns_op)))


def hammer(dct, start, ops, out):
    key = "k%d" % mp.current_process().pid

    def op(i):
        if i & 1 == 0:
            dct[key] = i
        else:
            dct[key]

    out.put(measure(ops, op, start))


def startup():
    ctx = mp.get_context("fork")
    times = []
    for r in range(RUNS + 1):
        t0 = time.perf_counter()
        m = ctx.Manager()
        m.list().append(1)
        t = time.perf_counter() - t0
        m.shutdown()
        if r > 0:
            times.append(t * 1e6)
    return statistics.median(times)


def main():
    ops = int(sys.argv[1]) if len(sys.argv) > 1 else 50000
    ctx = mp.get_context("fork")
    results = {}
    with ctx.Manager() as m:
        out = ctx.Queue()
        # keep the proxies referenced here: Process.start() drops its args, and the objects with them
        lst, dct, ns = m.list(), m.dict(), m.Namespace()
        p = ctx.Process(target=single_client, args=(lst, dct, ns, ops, out))
        p.start()
        for _ in range(3):
            k, v = out.get()
            results[k] = v
        p.join()
        shared = m.dict()
        start = m.Barrier(4)  # the four clients start each run together
        ps = [ctx.Process(target=hammer, args=(shared, start, ops, out)) for _ in range(4)]
        for q in ps:
            q.start()
        total = sum(out.get() for _ in ps)
        for q in ps:
            q.join()
        results["dict put/get, 4 clients at once (total)"] = total
    results["start-up Manager() (fork) until first reply (us)"] = startup()
    for k, v in results.items():
        print("%-60s %12s" % (k, "{:,.0f}".format(v)))
    # The `mp4j bench` convention: RESULT <figure> <value> <unit> <higher|lower>-is-better.
    figures = {"list.append(ops/s,another-process)": "manager.list.append", "dict-put/get(ops/s)": "manager.dict.putget",
               "namespace-set/get(ops/s)": "manager.namespace.setget",
               "dict put/get, 4 clients at once (total)": "manager.dict.4clients",
               "start-up Manager() (fork) until first reply (us)": "manager.start"}
    for k, v in results.items():
        figure = figures[k]
        unit, direction = ("us", "lower-is-better") if figure == "manager.start" else ("ops/s", "higher-is-better")
        print(f"RESULT {figure} {v:.3f} {unit} {direction}")


if __name__ == "__main__":
    main()
