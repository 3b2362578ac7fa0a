"""CPython counterpart of SharedMemoryLifecycle: shared_memory.SharedMemory create (4 KiB), touch, close, unlink.

Run: python3 bench/python/shared_memory_lifecycle.py [count]. Prints the median of five runs in microseconds.
"""
import statistics
import sys
import time
from multiprocessing import shared_memory


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    first = time.perf_counter()
    m = shared_memory.SharedMemory(create=True, size=4096)
    first = time.perf_counter() - first
    m.close()
    m.unlink()
    results = []
    for r in range(6):
        start = time.perf_counter()
        for _ in range(count):
            shm = shared_memory.SharedMemory(create=True, size=4096)
            shm.buf[0] = 1
            shm.close()
            shm.unlink()
        if r > 0:
            results.append((time.perf_counter() - start) * 1e6 / count)
    print(f"CPython {sys.version.split()[0]} SharedMemory create+touch+close+unlink (4 KiB): "
          f"{statistics.median(results):.2f} us (median of 5 x {count}); first create: {first * 1e3:.2f} ms")
    print(f"RESULT shm.lifecycle {statistics.median(results):.3f} us lower-is-better")


if __name__ == "__main__":
    main()
