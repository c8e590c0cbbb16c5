"""The CPython side of TimeoutTraceConformanceTests: timeouts and wait_for around shield, gather, task groups, the
primitives, as_completed and wait, traced as iteration_traces.py does. Run: python3.13 timeout_traces.py
"""
import asyncio

from trace_harness import ev, run, s0, tick

async def timeout_around_shield():
    async def inner():
        for _ in range(4): await s0()
        ev("inner done"); return 1
    it = asyncio.create_task(inner())
    try:
        async with asyncio.timeout(0):
            await asyncio.shield(it)
    except TimeoutError:
        ev("timeout")
    ev(f"inner -> {await it}")

async def wait_for_shield_zero():
    async def inner():
        for _ in range(3): await s0()
        ev("inner done"); return 1
    it = asyncio.create_task(inner()); await s0()
    try:
        await asyncio.wait_for(asyncio.shield(it), 0)
    except TimeoutError:
        ev("timeout")
    ev(f"inner -> {await it}")

async def gather_in_timeout():
    async def c(i):
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            ev(f"c{i} cancelled"); raise
    try:
        async with asyncio.timeout(0):
            await asyncio.gather(c(1), c(2))
    except TimeoutError:
        ev("timeout")

async def tg_in_wait_for_zero_body():
    async def body():
        async with asyncio.TaskGroup() as g:
            async def c():
                try:
                    await asyncio.sleep(10)
                except asyncio.CancelledError:
                    ev("child cancelled"); raise
            g.create_task(c())
            await s0(); ev("body yielded")
            await asyncio.sleep(10)
    try:
        await asyncio.wait_for(body(), 0.0)
    except TimeoutError:
        ev("timeout")

async def lock_in_timeout():
    lock = asyncio.Lock(); await lock.acquire()
    try:
        async with asyncio.timeout(0):
            await lock.acquire()
    except TimeoutError:
        ev(f"timeout waiters={len(lock._waiters)}")
    lock.release()
    await lock.acquire(); ev("acquired after")
    lock.release()

async def queue_get_wait_for_zero():
    q = asyncio.Queue()
    async def g():
        try:
            return await asyncio.wait_for(q.get(), 0)
        except TimeoutError:
            ev("get timed out")
    r = await asyncio.create_task(g())
    async def g2():
        v = await q.get(); ev(f"g2 got {v}")
    t = asyncio.create_task(g2()); await s0()
    q.put_nowait(5); await t; ev(f"qsize {q.qsize()}")

async def cond_in_timeout():
    c = asyncio.Condition()
    async with c:
        try:
            async with asyncio.timeout(0):
                await c.wait()
        except TimeoutError:
            ev(f"timeout locked={c.locked()}")
    ev(f"after locked={c.locked()}")

async def sem_in_timeout():
    s = asyncio.Semaphore(0)
    try:
        async with asyncio.timeout(0):
            await s.acquire()
    except TimeoutError:
        ev(f"timeout locked={s.locked()}")
    s.release(); await s.acquire(); ev("acquired after")

async def event_wait_for_zero():
    e = asyncio.Event()
    async def w():
        try:
            await asyncio.wait_for(e.wait(), 0)
        except TimeoutError:
            ev("timeout")
    await asyncio.create_task(w())
    e.set(); await e.wait(); ev("set ok")

async def barrier_in_timeout():
    b = asyncio.Barrier(2)
    try:
        async with asyncio.timeout(0):
            await b.wait()
    except TimeoutError:
        ev(f"timeout n_waiting={b.n_waiting} broken={b.broken}")

async def as_completed_timeout_zero():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    for step in asyncio.as_completed([f], timeout=0):
        try:
            await step
        except TimeoutError:
            ev(f"step timeout, f pending={not f.done()}")

async def wait_timeout_zero_done():
    loop = asyncio.get_running_loop()
    f = loop.create_future(); f.set_result(1)
    g = loop.create_future()
    done, pending = await asyncio.wait([f, g], timeout=0)
    ev(f"done {len(done)} pending {len(pending)}")

async def main():
    asyncio.get_running_loop().call_soon(tick)
    for name, b in [(k, v) for k, v in list(globals().items()) if asyncio.iscoroutinefunction(v) and k not in ("run", "s0", "main")]:
        await run(name, b)
        for _ in range(5): await asyncio.sleep(0)
asyncio.run(main())
