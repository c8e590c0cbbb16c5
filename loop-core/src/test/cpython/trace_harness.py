"""The counter and the recorder the *_traces.py scripts share (the CPython side of IterationTrace.java).

tick() re-schedules itself with call_soon, so it runs once per loop iteration and counts them; ev() records an event
with the iteration it happened in, counted from the start of the program that run() is running.
"""
import asyncio

log = []
n = 0
base = 0


def tick():
    global n
    n += 1
    asyncio.get_running_loop().call_soon(tick)


def ev(s):
    log.append(f"{n - base}:{s}")


async def run(name, body):
    """Runs one program and prints its name and its events, one line."""
    global base, log
    base = n
    log = []
    try:
        await body()
    except BaseException as e:
        ev("main raised " + type(e).__name__)
    print(name, " ".join(log))


async def s0():
    await asyncio.sleep(0)
