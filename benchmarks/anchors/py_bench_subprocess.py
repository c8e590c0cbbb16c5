#!/usr/bin/env python3
"""Weft's subprocess anchor on asyncio / uvloop: spawn-and-wait of /bin/true, one child after another, with the
same conventions as the shared anchors (one case per process, one result line, perf_counter timing).

Usage: /usr/bin/python3 py_bench_subprocess.py --loop asyncio|uvloop --case wait|communicate [--n N]

Prints: case=<case> loop=<loop> n=<N> seconds=<s> rate=<children/s>

wait: create_subprocess_exec('/bin/true') with every stream inherited, then await proc.wait().
communicate: create_subprocess_exec('/bin/true', stdout=PIPE), then await proc.communicate().
Weft's side: io.weft.bench.SubprocessBench (spawnWait, spawnCommunicate).
"""
import argparse
import asyncio
import time


async def one(case):
    if case == "wait":
        p = await asyncio.create_subprocess_exec("/bin/true")
        return await p.wait()
    p = await asyncio.create_subprocess_exec("/bin/true", stdout=asyncio.subprocess.PIPE)
    out, _ = await p.communicate()
    return len(out)


async def main(case, n):
    for _ in range(50):  # warm-up
        await one(case)
    start = time.perf_counter()
    for _ in range(n):
        await one(case)
    return time.perf_counter() - start


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--loop", choices=["asyncio", "uvloop"], required=True)
    p.add_argument("--case", choices=["wait", "communicate"], required=True)
    p.add_argument("--n", type=int, default=1000)
    a = p.parse_args()
    if a.loop == "uvloop":
        import uvloop
        uvloop.install()
    seconds = asyncio.run(main(a.case, a.n))
    print(f"case={a.case} loop={a.loop} n={a.n} seconds={seconds:.3f} rate={a.n / seconds:.0f}")
