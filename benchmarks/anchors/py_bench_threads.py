#!/usr/bin/env python3
"""Weft's executor anchor on asyncio / uvloop (issue 12): asyncio.to_thread round trips, one after another, with the
same conventions as the shared anchors (one case per process, one result line, perf_counter timing).

Usage: /usr/bin/python3 py_bench_threads.py --loop asyncio|uvloop [--n N]

Prints: case=to_thread loop=<loop> n=<N> seconds=<s> rate=<round trips/s>

A round trip: await asyncio.to_thread(f), f returning None at once, on the loop's default executor (created by the
first call, before the timing starts). Weft's side: io.weft.bench.ToThreadBench.
"""
import argparse
import asyncio
import time


def nothing():
    return None


async def main(n):
    await asyncio.to_thread(nothing)  # the default executor and its first thread
    for _ in range(1000):  # warm-up
        await asyncio.to_thread(nothing)
    start = time.perf_counter()
    for _ in range(n):
        await asyncio.to_thread(nothing)
    return time.perf_counter() - start


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--loop", choices=["asyncio", "uvloop"], required=True)
    p.add_argument("--n", type=int, default=50_000)
    a = p.parse_args()
    if a.loop == "uvloop":
        import uvloop
        uvloop.install()
    seconds = asyncio.run(main(a.n))
    print(f"case=to_thread loop={a.loop} n={a.n} seconds={seconds:.3f} rate={a.n / seconds:.0f}")
