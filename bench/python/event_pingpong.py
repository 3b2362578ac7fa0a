"""CPython counterpart of FutexPingPong: round trip of two multiprocessing.Event objects between two processes.

Run: python3 bench/python/event_pingpong.py [rounds]. Prints the median of five runs in microseconds.
"""
import multiprocessing as mp
import statistics
import sys
import time


def peer(ping, pong, total):
    for _ in range(total):
        ping.wait()
        ping.clear()
        pong.set()


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    ctx = mp.get_context("fork")
    ping, pong = ctx.Event(), ctx.Event()
    runs = 5
    p = ctx.Process(target=peer, args=(ping, pong, rounds * (runs + 1)))
    p.start()
    results = []
    for r in range(runs + 1):
        start = time.perf_counter()
        for _ in range(rounds):
            ping.set()
            pong.wait()
            pong.clear()
        if r > 0:
            results.append((time.perf_counter() - start) * 1e6 / rounds)
    p.join()
    print(f"CPython {sys.version.split()[0]} multiprocessing.Event ping-pong round trip: "
          f"{statistics.median(results):.2f} us (median of {runs} x {rounds} rounds)")
    print(f"RESULT sync.event.pingpong {statistics.median(results):.3f} us lower-is-better")


if __name__ == "__main__":
    main()
