"""CPython counterpart of multiprocessing4j.bench.ChildStartBench.

start() -> join() of an empty target under each start method, and the resident memory of an idle
child (spawn), measured the same way (VmRSS from /proc).

    python3 bench/python/child_start.py [iterations]
"""
import multiprocessing as mp
import statistics
import sys
import time


def empty():
    pass


def idle(ready):
    ready.set()
    time.sleep(60)


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    raise RuntimeError("no VmRSS")


def smaps_mb(pid):
    pss = priv = shared = 0
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if not line.rstrip().endswith("kB"):
                continue
            kb = int(line.split()[1])
            if line.startswith("Pss:"):
                pss = kb
            elif line.startswith("Private_"):
                priv += kb
            elif line.startswith("Shared_"):
                shared += kb
    return pss / 1024.0, priv / 1024.0, shared / 1024.0


def measure(method, n):
    ctx = mp.get_context(method)
    for _ in range(3):
        p = ctx.Process(target=empty)
        p.start()
        p.join()
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        p = ctx.Process(target=empty)
        p.start()
        p.join()
        samples.append((time.perf_counter() - t0) * 1000)
        assert p.exitcode == 0
    samples.sort()
    print(f"python {method:<10} start->join empty task median {samples[len(samples) // 2]:7.2f} ms  "
          f"mean {statistics.mean(samples):7.2f} ms  min {samples[0]:7.2f} ms  max {samples[-1]:7.2f} ms  (n={n})")
    # RESULT lines for `mp4j bench`: spawn pairs with a cold JVM start, forkserver with a warm spare.
    figure = {"spawn": "child.start.cold", "forkserver": "child.start.warm", "fork": "child.start.fork"}[method]
    print(f"RESULT {figure} {samples[len(samples) // 2]:.3f} ms lower-is-better")


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    for method in ("spawn", "forkserver", "fork"):
        measure(method, n)
    ctx = mp.get_context("spawn")
    ready = ctx.Event()
    p = ctx.Process(target=idle, args=(ready,))
    p.start()
    ready.wait(30)
    time.sleep(1)
    pss, priv, shared = smaps_mb(p.pid)
    rss = rss_mb(p.pid)
    print(f"python spawn idle child: RSS {rss:.1f} MB (Pss {pss:.1f} MB, private {priv:.1f} MB, "
          f"shared {shared:.1f} MB)")
    print(f"RESULT child.idle.rss {rss:.3f} MB lower-is-better")
    p.kill()
    p.join()


if __name__ == "__main__":
    main()
