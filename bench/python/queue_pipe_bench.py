"""CPython counterpart of QueuePipeBench: multiprocessing.Queue and Pipe between processes.

Run: python3 bench/python/queue_pipe_bench.py [variant...]
Variants (as in the Java harness): queue-8b, queue-1k, queue-2x2 (messages/s), queue-pingpong,
pipe-pingpong (round trip in us), pipe-1m (recv_bytes of 1 MiB messages, GB/s). Median of 3 runs.
"""
import multiprocessing as mp
import statistics
import sys
import time

ctx = mp.get_context("fork")


def producer(q, done, go, count, size):
    # One round per number taken from the go queue, until terminated (as QueuePipeBench's peers).
    message = b"x" * size
    while True:
        go.get()
        start = time.perf_counter_ns()
        for _ in range(count):
            q.put(message)
        end = time.perf_counter_ns()
        done.put((start, end))


def consumer(q, done):
    # One round per end marker (a one-byte message naming the round); another consumer's marker is handed back.
    finished = 0
    while True:
        m = q.get()
        if len(m) == 1 and m[0] <= finished:
            q.put(m)
            continue
        start = time.perf_counter_ns()
        while len(m) != 1:
            m = q.get()
        finished = m[0]
        end = time.perf_counter_ns()
        done.put((start, end))


def throughput(producers, consumers, total, size, runs=3):
    """Messages/s of each of `runs` timed rounds, after an untimed one, by the same processes (as the Java harness)."""
    q, done, go = ctx.Queue(4096), ctx.Queue(), ctx.Queue()
    procs = [ctx.Process(target=consumer, args=(q, done), daemon=True) for _ in range(consumers)]
    procs += [ctx.Process(target=producer, args=(q, done, go, total // producers, size), daemon=True)
              for _ in range(producers)]
    for p in procs:
        p.start()
    rates = []
    for rnd in range(-1, runs):
        for _ in range(producers):
            go.put(rnd)
        times = [t for _ in range(producers) for t in done.get()]
        for _ in range(consumers):
            q.put(bytes([rnd + 2]))
        times += [t for _ in range(consumers) for t in done.get()]
        if rnd >= 0:
            rates.append(total / ((max(times) - min(times)) / 1e9))
    for p in procs:
        p.terminate()
        p.join()
    return rates


def queue_echo(ping, pong, n):
    for _ in range(n):
        pong.put(ping.get())


def queue_pingpong(rounds):
    ping, pong = ctx.Queue(4), ctx.Queue(4)
    p = ctx.Process(target=queue_echo, args=(ping, pong, rounds * 2))
    p.start()
    for i in range(rounds):
        ping.put(i)
        pong.get()
    start = time.perf_counter()
    for i in range(rounds):
        ping.put(i)
        pong.get()
    elapsed = time.perf_counter() - start
    p.join()
    return elapsed * 1e6 / rounds


def pipe_echo(c, n):
    for _ in range(n):
        c.send(c.recv())


def pipe_pingpong(rounds):
    left, right = ctx.Pipe()
    p = ctx.Process(target=pipe_echo, args=(right, rounds * 2))
    p.start()
    for i in range(rounds):
        left.send(i)
        left.recv()
    start = time.perf_counter()
    for i in range(rounds):
        left.send(i)
        left.recv()
    elapsed = time.perf_counter() - start
    p.join()
    return elapsed * 1e6 / rounds


def pipe_send(c, n):
    message = b"x" * (1 << 20)
    for _ in range(n):
        c.send_bytes(message)


def pipe_bytes(messages):
    left, right = ctx.Pipe(False)
    p = ctx.Process(target=pipe_send, args=(right, messages))
    p.start()
    for _ in range(messages // 10):
        left.recv_bytes()
    start = time.perf_counter()
    total = 0
    for _ in range(messages - messages // 10):
        total += len(left.recv_bytes())
    elapsed = time.perf_counter() - start
    p.join()
    return total / elapsed / 1e9


VARIANTS = {
    "queue-8b": (lambda: throughput(1, 1, 300_000, 8), "msgs/s"),
    "queue-1k": (lambda: throughput(1, 1, 200_000, 1024), "msgs/s"),
    "queue-2x2": (lambda: throughput(2, 2, 300_000, 8), "msgs/s"),
    "queue-pingpong": (lambda: queue_pingpong(10_000), "us round trip"),
    "pipe-pingpong": (lambda: pipe_pingpong(20_000), "us round trip"),
    "pipe-1m": (lambda: pipe_bytes(2_000), "GB/s"),
}


def main():
    names = sys.argv[1:] or list(VARIANTS)
    for name in names:
        fn, unit = VARIANTS[name]
        runs = fn() if name in ("queue-8b", "queue-1k", "queue-2x2") else [fn() for _ in range(3)]
        print(f"CPython {sys.version.split()[0]} {name:15s} {statistics.median(runs):14,.2f} {unit} "
              f"(median of 3; runs {[round(r, 2) for r in runs]})")
        # The `mp4j bench` convention: RESULT <figure> <value> <unit> <higher|lower>-is-better.
        round_trip = name.endswith("pingpong")
        result_unit = "us" if round_trip else "GB/s" if name == "pipe-1m" else "msgs/s"
        direction = "lower-is-better" if round_trip else "higher-is-better"
        print(f"RESULT {name.replace('-', '.')} {statistics.median(runs):.3f} {result_unit} {direction}")


if __name__ == "__main__":
    main()
