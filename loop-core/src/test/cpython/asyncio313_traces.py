"""The CPython side of Asyncio313TraceConformanceTests: what asyncio 3.12 and 3.13 changed, traced as
iteration_traces.py does (a call_soon counter; each event printed with its iteration). Needs 3.13 (Queue.shutdown,
async for over as_completed). Run: python3.13 asyncio313_traces.py
"""
import asyncio

from trace_harness import ev, run, s0, tick

async def wait_for_inner_completes():
    async def c():
        await s0(); await s0(); return 7
    t = asyncio.create_task(c())
    v = await asyncio.wait_for(t, 10); ev(f"got {v}")

async def wait_for_body():
    async def c():
        await s0(); await s0(); return 7
    v = await asyncio.wait_for(c(), 10); ev(f"got {v}")

async def wait_for_outer_cancel_inner_ignores():
    async def c():
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            ev("inner ignores"); await s0(); await s0(); return 42
    inner = asyncio.create_task(c())
    async def w():
        return await asyncio.wait_for(inner, 10)
    t = asyncio.create_task(w()); await s0(); await s0()
    t.cancel(); ev("cancel")
    try:
        await t
    except asyncio.CancelledError:
        ev(f"w cancelled, inner={inner.result()}")

async def q_shutdown_graceful():
    q = asyncio.Queue(); q.put_nowait(1)
    async def g(i):
        try:
            while True:
                v = await q.get(); ev(f"g{i} got {v}"); q.task_done()
        except asyncio.QueueShutDown:
            ev(f"g{i} shutdown")
    ts = [asyncio.create_task(g(i)) for i in range(2)]
    await s0(); await s0()
    ev("shutdown"); q.shutdown()
    await asyncio.gather(*ts)
    try:
        q.put_nowait(3)
    except asyncio.QueueShutDown:
        ev("put refused")
    await q.join(); ev("joined")

async def q_shutdown_immediate():
    q = asyncio.Queue(2); q.put_nowait(1); q.put_nowait(2)
    async def p():
        try:
            await q.put(3)
        except asyncio.QueueShutDown:
            ev("putter shutdown")
    async def j():
        await q.join(); ev("joiner released")
    tp = asyncio.create_task(p()); tj = asyncio.create_task(j())
    await s0()
    v = q.get_nowait(); ev(f"took {v}")
    ev("shutdown immediate"); q.shutdown(immediate=True)
    await tp
    await s0(); await s0()
    ev(f"qsize {q.qsize()} joiner done {tj.done()}")
    q.task_done()
    await tj; ev("main")

async def timeout_outer_cancel_same_iteration():
    loop = asyncio.get_running_loop()
    async def w():
        async with asyncio.timeout(0):
            await asyncio.sleep(10)
    t = asyncio.create_task(w())
    t.cancel(); ev("cancelled before start")
    try:
        await t
    except asyncio.CancelledError:
        ev("CancelledError")
    except TimeoutError:
        ev("TimeoutError")

async def timeout_expire_then_outside_cancel():
    async def w():
        try:
            async with asyncio.timeout(0):
                try:
                    await asyncio.sleep(10)
                except asyncio.CancelledError:
                    ev(f"body cancelled cancelling={asyncio.current_task().cancelling()}")
                    await s0()
                    raise
        finally:
            ev(f"after cm cancelling={asyncio.current_task().cancelling()}")
    t = asyncio.create_task(w()); await s0(); await s0()
    t.cancel(); ev("outside cancel")
    try:
        await t
    except asyncio.CancelledError:
        ev("CancelledError")
    except TimeoutError:
        ev("TimeoutError")

async def tg_error_and_outside_cancel():
    async def w():
        try:
            async with asyncio.TaskGroup() as g:
                async def bad():
                    await s0(); raise ValueError
                g.create_task(bad())
                try:
                    await asyncio.sleep(10)
                except asyncio.CancelledError:
                    ev("body cancelled"); await s0(); await s0(); raise
        except* ValueError:
            ev(f"caught cancelling={asyncio.current_task().cancelling()}")
        try:
            await s0(); ev("next await ran")
        except asyncio.CancelledError:
            ev("next await cancelled"); raise
    t = asyncio.create_task(w()); await s0(); await s0(); await s0()
    t.cancel(); ev("outside cancel")
    try:
        await t
    except asyncio.CancelledError:
        ev("w cancelled")

async def tg_no_leak():
    async with asyncio.timeout(None):
        try:
            async with asyncio.TaskGroup() as g:
                async def bad():
                    await s0(); raise ValueError
                g.create_task(bad())
                await asyncio.sleep(10)
        except* ValueError:
            ev(f"caught cancelling={asyncio.current_task().cancelling()}")
        await s0(); ev("not cancelled")

async def as_completed_async_for():
    async def c(k):
        for _ in range(k): await s0()
        return k
    ts = [asyncio.create_task(c(k)) for k in (3, 1, 2)]
    async for f in asyncio.as_completed(ts):
        ev(f"got task {ts.index(f)} -> {f.result()}")

async def uncancel_resets_must_cancel():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    async def c():
        await fut; ev("resumed"); return 42
    t = asyncio.create_task(c()); await s0()
    fut.set_result(None); t.cancel(); t.uncancel(); ev("set+cancel+uncancel")
    ev(f"v {await t}")

async def gather_all_done_immediately():
    loop = asyncio.get_running_loop()
    f = loop.create_future(); f.set_result(1)
    g = asyncio.gather(f)
    ev(f"done at once {g.done()}")
    r = await g; ev(f"r {r}")

async def main():
    asyncio.get_running_loop().call_soon(tick)
    for name, b in [(k, v) for k, v in list(globals().items()) if asyncio.iscoroutinefunction(v) and k not in ("run", "s0", "main")]:
        await run(name, b)
        for _ in range(5): await asyncio.sleep(0)
asyncio.run(main())
