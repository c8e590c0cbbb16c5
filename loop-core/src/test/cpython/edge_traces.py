"""The CPython side of EdgeTraceConformanceTests: cancellation races, hand-overs and less travelled paths, traced
as iteration_traces.py does (a call_soon counter; each event printed with its iteration); the expected traces are its
output on CPython 3.13.0, the same as on 3.11.7. Run: python3.13 edge_traces.py
"""
import asyncio

from trace_harness import ev, run, s0, tick

async def cond_cancel_reacquire():
    c = asyncio.Condition()
    async def w():
        async with c:
            try:
                await c.wait()
            except asyncio.CancelledError:
                ev(f"w cancelled locked={c.locked()}"); raise
    t = asyncio.create_task(w()); await s0()
    await c.acquire()
    c.notify(); ev("notified, holding")
    await s0()
    t.cancel(); ev("cancel")
    await s0(); await s0()
    ev("release"); c.release()
    try: await t
    except asyncio.CancelledError: ev("main saw cancel")

async def lock_cancel_unwoken():
    lock = asyncio.Lock(); await lock.acquire()
    async def w(name):
        try:
            await lock.acquire(); ev(f"{name} acquired"); lock.release()
        except asyncio.CancelledError:
            ev(f"{name} cancelled"); raise
    b = asyncio.create_task(w("B")); c = asyncio.create_task(w("C"))
    await s0()
    b.cancel(); await s0()
    ev("release"); lock.release()
    await asyncio.gather(b, c, return_exceptions=True); ev("main")

async def q_three_readers_first_cancelled():
    q = asyncio.Queue()
    got = []
    async def rd(i):
        try:
            v = await q.get(); ev(f"r{i} got {v}")
        except asyncio.CancelledError:
            ev(f"r{i} cancelled"); raise
    ts = [asyncio.create_task(rd(i)) for i in range(3)]
    await s0()
    q.put_nowait(1); q.put_nowait(2); ts[0].cancel(); ev("put2+cancel r0")
    await asyncio.gather(*ts, return_exceptions=True); ev(f"main qsize {q.qsize()}")

async def q_putter_woken_cancelled():
    q = asyncio.Queue(1); q.put_nowait(0)
    async def p(i):
        try:
            await q.put(i); ev(f"p{i} put")
        except asyncio.CancelledError:
            ev(f"p{i} cancelled"); raise
    ts = [asyncio.create_task(p(i)) for i in (1, 2)]
    await s0()
    q.get_nowait(); ts[0].cancel(); ev("get_nowait+cancel p1")
    await asyncio.gather(*ts, return_exceptions=True); ev(f"main {q.get_nowait()}")

async def barrier_abort():
    b = asyncio.Barrier(3)
    async def w(i):
        try:
            await b.wait(); ev(f"w{i} passed")
        except asyncio.BrokenBarrierError:
            ev(f"w{i} broken")
    ts = [asyncio.create_task(w(i)) for i in range(2)]
    await s0()
    ev("abort"); await b.abort()
    await asyncio.gather(*ts)
    try:
        await b.wait()
    except asyncio.BrokenBarrierError:
        ev("late broken")

async def barrier_twice():
    b = asyncio.Barrier(2)
    async def w(i):
        for r in range(2):
            idx = await b.wait(); ev(f"w{i} round{r} idx{idx}")
    await asyncio.gather(w(0), w(1)); ev("main")

async def sem_woken_cancelled():
    s = asyncio.Semaphore(0)
    async def w(i):
        try:
            await s.acquire(); ev(f"w{i} acquired")
        except asyncio.CancelledError:
            ev(f"w{i} cancelled"); raise
    ts = [asyncio.create_task(w(i)) for i in range(2)]
    await s0()
    s.release(); ts[0].cancel(); ev("release+cancel w0")
    await asyncio.gather(*ts, return_exceptions=True); ev(f"main locked={s.locked()}")

async def event_already_set():
    e = asyncio.Event(); e.set()
    await e.wait(); ev("returned")
    await s0(); ev("after yield")

async def tg_body_raises_at_once():
    ts = []
    try:
        async with asyncio.TaskGroup() as g:
            async def c(i):
                try: await asyncio.sleep(10)
                except asyncio.CancelledError: ev(f"c{i} cancelled"); raise
            ts.append(g.create_task(c(1))); ts.append(g.create_task(c(2)))
            raise ZeroDivisionError
    except* ZeroDivisionError:
        ev(f"caught {[t.cancelled() for t in ts]}")

async def tg_body_awaits_child():
    try:
        async with asyncio.TaskGroup() as g:
            async def bad():
                await s0(); raise ValueError
            async def slow():
                await asyncio.sleep(10)
            g.create_task(bad())
            t = g.create_task(slow())
            try:
                await t
            except asyncio.CancelledError:
                ev("body await cancelled"); raise
    except* ValueError:
        ev("caught")

async def tg_child_spawns_during_exit():
    async with asyncio.TaskGroup() as g:
        async def root():
            await s0(); ev("root spawns")
            async def leaf(i):
                await s0(); ev(f"leaf{i}")
            g.create_task(leaf(1)); g.create_task(leaf(2))
        g.create_task(root())
    ev("exited")

async def timeout_nested_zero():
    inner_cancelled = False
    try:
        async with asyncio.timeout(0):
            try:
                async with asyncio.timeout(0):
                    await asyncio.sleep(10)
            except asyncio.CancelledError:
                ev("inner let CancelledError through"); raise
    except TimeoutError:
        ev("outer TimeoutError")

async def timeout_reschedule_past():
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(10) as cm:
            loop.call_soon(cm.reschedule, loop.time() - 1)
            ev("resched scheduled")
            await asyncio.sleep(10)
    except TimeoutError:
        ev("timeout")

async def gather_duplicate():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    async def setter():
        await s0(); f.set_result(7)
    asyncio.create_task(setter())
    r = await asyncio.gather(f, f, f); ev(f"r {r}")

async def shield_outer_cancelled_directly():
    loop = asyncio.get_running_loop()
    inner = loop.create_future()
    outer = asyncio.shield(inner)
    async def w():
        try:
            await outer
        except asyncio.CancelledError:
            ev("w cancelled"); raise
    t = asyncio.create_task(w()); await s0()
    outer.cancel(); ev(f"outer cancelled, inner done={inner.done()}")
    await asyncio.gather(t, return_exceptions=True)
    inner.set_result(1); await s0(); ev("main")

async def gather_child_cancelled_directly():
    loop = asyncio.get_running_loop()
    a = loop.create_future(); b = loop.create_future()
    g = asyncio.gather(a, b)
    async def w():
        try:
            await g
        except asyncio.CancelledError:
            ev(f"w got CancelledError, g.cancelled={g.cancelled()}"); raise
    t = asyncio.create_task(w()); await s0()
    a.cancel(); ev("a cancelled")
    await asyncio.gather(t, return_exceptions=True); ev(f"t.cancelled={t.cancelled()}")
    b.set_result(1)

async def cancel_between_yields():
    async def w():
        i = 0
        try:
            while True:
                await s0(); i += 1
        except asyncio.CancelledError:
            ev(f"cancelled after {i}"); raise
    t = asyncio.create_task(w())
    await s0(); await s0(); await s0()
    t.cancel(); ev("cancel")
    await asyncio.gather(t, return_exceptions=True)

async def self_cancel_swallow():
    async def w():
        asyncio.current_task().cancel()
        try:
            await s0()
        except asyncio.CancelledError:
            ev(f"swallowed cancelling={asyncio.current_task().cancelling()}")
        await s0(); ev("next await fine")
        return 5
    v = await asyncio.create_task(w()); ev(f"v {v}")

async def uncancel_in_except():
    async def w():
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            asyncio.current_task().uncancel(); ev("uncancelled")
        await s0(); ev(f"cancelling={asyncio.current_task().cancelling()}")
        return 1
    t = asyncio.create_task(w()); await s0()
    t.cancel()
    ev(f"v {await t}")

async def future_cancelled_by_callback():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    async def w():
        try:
            await f
        except asyncio.CancelledError:
            ev(f"w cancelled, task.cancelling={asyncio.current_task().cancelling()}"); raise
    t = asyncio.create_task(w()); await s0()
    loop.call_soon(f.cancel); ev("scheduled cancel")
    await asyncio.gather(t, return_exceptions=True); ev(f"t.cancelled={t.cancelled()}")

async def as_completed_exception():
    async def bad():
        await s0(); raise ValueError
    async def good():
        await s0(); await s0(); return 2
    for f in asyncio.as_completed([asyncio.ensure_future(good()), asyncio.ensure_future(bad())]):
        try:
            ev(f"got {await f}")
        except ValueError:
            ev("got ValueError")

async def wait_timeout_zero():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    done, pending = await asyncio.wait([f], timeout=0); ev(f"done {len(done)} pending {len(pending)}")

async def stream_readuntil_split():
    loop = asyncio.get_running_loop()
    r = asyncio.StreamReader()
    async def rd():
        d = await r.readuntil(b"\r\n"); ev(f"until {d!r}")
        try:
            await r.readuntil(b"!")
        except asyncio.IncompleteReadError as e:
            ev(f"incomplete {e.partial!r}")
    t = asyncio.create_task(rd()); await s0()
    loop.call_soon(r.feed_data, b"ab\r"); await s0()
    loop.call_soon(r.feed_data, b"\ncd"); await s0(); await s0()
    loop.call_soon(r.feed_eof)
    await t; ev("main")

async def stream_exception_wakes():
    loop = asyncio.get_running_loop()
    r = asyncio.StreamReader()
    async def rd():
        try:
            await r.readline()
        except RuntimeError:
            ev("read raised")
    t = asyncio.create_task(rd()); await s0()
    loop.call_soon(r.set_exception, RuntimeError("x"))
    await t; ev("main")

async def main():
    asyncio.get_running_loop().call_soon(tick)
    for name, b in [(k, v) for k, v in list(globals().items()) if asyncio.iscoroutinefunction(v) and k not in ("run", "s0", "main")]:
        await run(name, b)
        for _ in range(5): await asyncio.sleep(0)
asyncio.run(main())
