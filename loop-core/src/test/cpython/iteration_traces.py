"""The CPython side of IterationTrace (loop-core/src/test/java/io/weft/IterationTrace.java).

Each program runs beside a callback that re-schedules itself with call_soon, so it runs once per loop iteration and
counts them; events are printed with the iteration they happened in. The expected traces in TaskTraceConformanceTests
and SyncTraceConformanceTests are this script's output on CPython 3.13.0 (3.11.7 differs only in cond_notify_one_each:
before 3.12, gather did not take children that were already done at once). Run: python3.13 iteration_traces.py
"""
import asyncio

from trace_harness import ev, run, s0, tick



async def lock_handoff():
    lock = asyncio.Lock()
    await lock.acquire()
    async def b():
        await lock.acquire(); ev("B acquired")
    t = asyncio.create_task(b())
    await asyncio.sleep(0); await asyncio.sleep(0)
    ev("A release"); lock.release()
    await t; ev("main resumed")

async def queue_wake():
    q = asyncio.Queue()
    async def g():
        v = await q.get(); ev(f"got {v}")
    t = asyncio.create_task(g())
    await asyncio.sleep(0)
    ev("put"); q.put_nowait(1)
    await t; ev("main resumed")

async def event_wake():
    e = asyncio.Event()
    async def w(i):
        await e.wait(); ev(f"w{i}")
    ts = [asyncio.create_task(w(i)) for i in range(2)]
    await asyncio.sleep(0)
    ev("set"); e.set()
    await asyncio.gather(*ts); ev("main resumed")

async def gather_done():
    async def c(i):
        await asyncio.sleep(0); ev(f"c{i}"); return i
    r = await asyncio.gather(c(1), c(2)); ev(f"gathered {r}")

async def tg_exit():
    async with asyncio.TaskGroup() as g:
        async def c():
            await asyncio.sleep(0); ev("child done")
        g.create_task(c())
        ev("body end")
    ev("after tg")

async def tg_fail():
    try:
        async with asyncio.TaskGroup() as g:
            async def c():
                await asyncio.sleep(0); ev("child raising"); raise ValueError
            async def d():
                try:
                    await asyncio.sleep(10)
                except asyncio.CancelledError:
                    ev("d cancelled"); raise
            g.create_task(c()); g.create_task(d())
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                ev("body cancelled"); raise
    except* ValueError:
        ev("caught group")

async def timeout_zero():
    try:
        async with asyncio.timeout(0):
            ev("enter")
            await asyncio.sleep(10)
    except TimeoutError:
        ev("timeout")

async def wait_for_zero():
    async def c():
        try:
            await asyncio.sleep(10)
        finally:
            ev("c finally")
    t = asyncio.create_task(c())
    await asyncio.sleep(0)
    try:
        await asyncio.wait_for(t, 0)
    except TimeoutError:
        ev("timeout")

async def shield_wake():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    async def w():
        v = await asyncio.shield(f); ev(f"got {v}")
    t = asyncio.create_task(w())
    await asyncio.sleep(0)
    ev("set"); f.set_result(1)
    await t; ev("main resumed")

async def cond_notify():
    c = asyncio.Condition()
    async def w():
        async with c:
            await c.wait(); ev("woken")
    t = asyncio.create_task(w())
    await asyncio.sleep(0)
    async with c:
        ev("notify"); c.notify()
    ev("released")
    await t; ev("main resumed")

async def sem_wake():
    s = asyncio.Semaphore(0)
    async def w(i):
        await s.acquire(); ev(f"w{i}")
    ts = [asyncio.create_task(w(i)) for i in range(2)]
    await asyncio.sleep(0)
    ev("release2"); s.release(); s.release()
    await asyncio.gather(*ts); ev("main resumed")

async def wait_first():
    loop = asyncio.get_running_loop()
    a = asyncio.create_task(asyncio.sleep(0))
    b = loop.create_future()
    done, pending = await asyncio.wait([a, b], return_when=asyncio.FIRST_COMPLETED)
    ev(f"done {len(done)} pending {len(pending)}")

async def cancel_wait_task():
    async def inner():
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            ev("inner cancelled"); raise
    async def outer():
        await asyncio.create_task(inner())
    t = asyncio.create_task(outer())
    await asyncio.sleep(0); await asyncio.sleep(0)
    ev("cancel"); t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        ev("outer cancelled")

async def timeout_expire():
    try:
        async with asyncio.timeout(0.01):
            await asyncio.sleep(10)
    except TimeoutError:
        ev("timeout")



async def barrier_trip():
    b = asyncio.Barrier(3)
    async def w(i):
        for _ in range(i): await s0()
        r = await b.wait(); ev(f"w{i}->{r}")
    await asyncio.gather(*[w(i) for i in range(3)]); ev("main")

async def queue_join():
    q = asyncio.Queue(); q.put_nowait(1); q.put_nowait(2)
    async def worker():
        while True:
            v = await q.get(); await s0(); ev(f"done {v}"); q.task_done()
    t = asyncio.create_task(worker())
    await q.join(); ev("joined"); t.cancel()
    try: await t
    except asyncio.CancelledError: ev("worker cancelled")

async def as_completed_order():
    async def c(k):
        for _ in range(k): await s0()
        return k
    for f in asyncio.as_completed([asyncio.ensure_future(c(3)), asyncio.ensure_future(c(1)), asyncio.ensure_future(c(2))]):
        ev(f"got {await f}")

async def lock_cancel_race():
    lock = asyncio.Lock(); await lock.acquire()
    async def w(name):
        try:
            await lock.acquire(); ev(f"{name} acquired"); lock.release()
        except asyncio.CancelledError:
            ev(f"{name} cancelled"); raise
    b = asyncio.create_task(w("B")); c = asyncio.create_task(w("C"))
    await s0()
    ev("release+cancel"); lock.release(); b.cancel()
    await asyncio.gather(b, c, return_exceptions=True); ev("main")

async def cond_wait_for():
    c = asyncio.Condition(); state = [0]
    async def w():
        async with c:
            await c.wait_for(lambda: state[0] == 2); ev("pred true")
    t = asyncio.create_task(w())
    for i in range(2):
        await s0()
        async with c:
            state[0] += 1; ev(f"notify {state[0]}"); c.notify_all()
    await t; ev("main")

async def tg_outside_cancel():
    async def r():
        async with asyncio.TaskGroup() as g:
            async def c():
                try: await asyncio.sleep(10)
                except asyncio.CancelledError: ev("child cancelled"); raise
            g.create_task(c())
            try: await asyncio.sleep(10)
            except asyncio.CancelledError: ev("body cancelled"); raise
    t = asyncio.create_task(r())
    await s0(); await s0()
    ev("cancel"); t.cancel()
    try: await t
    except asyncio.CancelledError: ev("runner cancelled")



async def timeout_outer_cancel():
    async def r():
        async with asyncio.timeout(10):
            await asyncio.sleep(10)
    t = asyncio.create_task(r()); await s0()
    ev("cancel"); t.cancel()
    try: await t
    except asyncio.CancelledError: ev("cancelled")

async def shield_cancel_outer():
    async def inner():
        await s0(); await s0(); await s0(); ev("inner done"); return 1
    it = asyncio.create_task(inner())
    async def w():
        await asyncio.shield(it)
    t = asyncio.create_task(w()); await s0()
    ev("cancel"); t.cancel()
    try: await t
    except asyncio.CancelledError: ev("w cancelled")
    await it; ev("main")

async def gather_cancel():
    async def c(i):
        try: await asyncio.sleep(10)
        except asyncio.CancelledError: ev(f"c{i} cancelled"); raise
    async def w():
        await asyncio.gather(c(1), c(2))
    t = asyncio.create_task(w()); await s0(); await s0()
    ev("cancel"); t.cancel()
    try: await t
    except asyncio.CancelledError: ev("w cancelled")

async def queue_put_blocked():
    q = asyncio.Queue(1); q.put_nowait(0)
    async def p():
        await q.put(1); ev("put done")
    t = asyncio.create_task(p()); await s0()
    ev("get_nowait"); q.get_nowait()
    await t; ev(f"main {q.qsize()}")

async def sem_cancel_before_wake():
    s = asyncio.Semaphore(0)
    async def w(i):
        try: await s.acquire(); ev(f"w{i} acquired")
        except asyncio.CancelledError: ev(f"w{i} cancelled"); raise
    ts = [asyncio.create_task(w(i)) for i in range(3)]
    await s0()
    ts[0].cancel(); ev("release"); s.release()
    await s0(); await s0(); await s0()
    ev(f"done {[t.done() for t in ts]}")
    for t in ts: t.cancel()
    await asyncio.gather(*ts, return_exceptions=True)

async def tg_nested():
    try:
        async with asyncio.TaskGroup() as g1:
            async def crash():
                await s0(); ev("crash"); raise ValueError
            g1.create_task(crash())
            async with asyncio.TaskGroup() as g2:
                async def slow():
                    try: await asyncio.sleep(10)
                    except asyncio.CancelledError: ev("slow cancelled"); raise
                g2.create_task(slow())
    except* ValueError:
        ev("caught")



async def stream_read_wake():
    loop = asyncio.get_running_loop()
    r = asyncio.StreamReader()
    async def rd():
        d = await r.read(10); ev(f"read {d.decode()}")
        d = await r.readexactly(4); ev(f"exact {d.decode()}")
        d = await r.readline(); ev(f"line {d.decode().strip()}")
    t = asyncio.create_task(rd())
    await s0()
    loop.call_soon(r.feed_data, b"ab")
    await s0(); await s0()
    loop.call_soon(r.feed_data, b"cd")
    await s0()
    loop.call_soon(r.feed_data, b"ef")
    await s0()
    loop.call_soon(r.feed_data, b"x\nrest")
    await t; ev("main")

async def lock_contention():
    lock = asyncio.Lock()
    async def w(i):
        async with lock:
            ev(f"w{i} in"); await s0(); ev(f"w{i} out")
    await asyncio.gather(*[w(i) for i in range(3)]); ev("main")

async def queue_pc():
    q = asyncio.Queue(1)
    async def prod():
        for i in range(3):
            await q.put(i); ev(f"put {i}")
    async def cons():
        for i in range(3):
            v = await q.get(); ev(f"get {v}")
    await asyncio.gather(prod(), cons()); ev("main")

async def sem2():
    s = asyncio.Semaphore(2)
    async def w(i):
        async with s:
            ev(f"w{i} in"); await s0(); ev(f"w{i} out")
    await asyncio.gather(*[w(i) for i in range(4)]); ev("main")

async def cond_notify_one_each():
    c = asyncio.Condition()
    async def w(i):
        async with c:
            await c.wait(); ev(f"w{i} woken")
    ts = [asyncio.create_task(w(i)) for i in range(3)]
    await s0()
    for _ in range(3):
        async with c:
            c.notify(1); ev("notify")
        await s0()
    await asyncio.gather(*ts); ev("main")

async def barrier_reset():
    b = asyncio.Barrier(3)
    async def w(i):
        try:
            await b.wait(); ev(f"w{i} passed")
        except asyncio.BrokenBarrierError:
            ev(f"w{i} broken")
    ts = [asyncio.create_task(w(i)) for i in range(2)]
    await s0(); await s0()
    ev("reset"); await b.reset(); ev(f"state {b.n_waiting}")
    await asyncio.gather(*ts); ev("main")

async def wait_first_exc():
    async def bad():
        await s0(); raise ValueError
    async def slow():
        await asyncio.sleep(10)
    a = asyncio.create_task(bad()); b = asyncio.create_task(slow())
    done, pending = await asyncio.wait([a, b], return_when=asyncio.FIRST_EXCEPTION)
    ev(f"done {len(done)} pending {len(pending)}")
    b.cancel()
    await asyncio.gather(b, return_exceptions=True)

async def gather_rx_exc():
    async def bad():
        await s0(); raise ValueError
    async def good():
        await s0(); await s0(); return 1
    r = await asyncio.gather(bad(), good(), return_exceptions=True)
    ev(f"r {[type(x).__name__ for x in r]}")

async def gather_first_exc():
    async def bad():
        await s0(); raise ValueError
    async def good():
        await s0(); await s0(); await s0(); ev("good done"); return 1
    try:
        await asyncio.gather(bad(), good())
    except ValueError:
        ev("caught")
    await s0(); await s0(); await s0()

async def shield_inner_fails():
    async def inner():
        await s0(); raise ValueError
    try:
        await asyncio.shield(inner())
    except ValueError:
        ev("caught")

async def chain3():
    async def c3():
        await s0(); return 3
    async def c2():
        return await asyncio.create_task(c3()) + 1
    async def c1():
        return await asyncio.create_task(c2()) + 1
    v = await asyncio.create_task(c1()); ev(f"v {v}")

async def cancel_event_waiter():
    e = asyncio.Event()
    async def w(i):
        try:
            await e.wait(); ev(f"w{i} woke")
        except asyncio.CancelledError:
            ev(f"w{i} cancelled"); raise
    ts = [asyncio.create_task(w(i)) for i in range(2)]
    await s0()
    ev("set+cancel"); e.set(); ts[0].cancel()
    await asyncio.gather(*ts, return_exceptions=True); ev("main")

async def q_get_cancel_drop():
    q = asyncio.Queue()
    async def rd():
        v = await q.get(); ev(f"got {v}")
    t = asyncio.create_task(rd()); await s0()
    q.put_nowait(1); q.put_nowait(2); t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        ev("cancelled")
    v = await q.get(); ev(f"then got {v}")

async def timeout_swallow():
    async with asyncio.timeout(0) as cm:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            ev("swallowed")
            await s0()
    ev(f"after expired={cm.expired()}")

async def lock_woken_cancel():
    lock = asyncio.Lock(); await lock.acquire()
    async def w(name):
        try:
            await lock.acquire(); ev(f"{name} acquired"); await s0(); lock.release()
        except asyncio.CancelledError:
            ev(f"{name} cancelled"); raise
    b = asyncio.create_task(w("B")); c = asyncio.create_task(w("C"))
    await s0()
    lock.release()
    b.cancel()
    ev("release then cancel woken")
    await asyncio.gather(b, c, return_exceptions=True); ev("main")


async def main():
    asyncio.get_running_loop().call_soon(tick)
    for name, body in [
            ("lock_handoff", lock_handoff),
            ("queue_wake", queue_wake),
            ("event_wake", event_wake),
            ("gather_done", gather_done),
            ("tg_exit", tg_exit),
            ("tg_fail", tg_fail),
            ("timeout_zero", timeout_zero),
            ("wait_for_zero", wait_for_zero),
            ("shield_wake", shield_wake),
            ("cond_notify", cond_notify),
            ("sem_wake", sem_wake),
            ("wait_first", wait_first),
            ("cancel_wait_task", cancel_wait_task),
            ("barrier_trip", barrier_trip),
            ("queue_join", queue_join),
            ("as_completed_order", as_completed_order),
            ("lock_cancel_race", lock_cancel_race),
            ("cond_wait_for", cond_wait_for),
            ("tg_outside_cancel", tg_outside_cancel),
            ("timeout_outer_cancel", timeout_outer_cancel),
            ("shield_cancel_outer", shield_cancel_outer),
            ("gather_cancel", gather_cancel),
            ("queue_put_blocked", queue_put_blocked),
            ("sem_cancel_before_wake", sem_cancel_before_wake),
            ("tg_nested", tg_nested),
            ("stream_read_wake", stream_read_wake),
            ("lock_contention", lock_contention),
            ("queue_pc", queue_pc),
            ("sem2", sem2),
            ("cond_notify_one_each", cond_notify_one_each),
            ("barrier_reset", barrier_reset),
            ("wait_first_exc", wait_first_exc),
            ("gather_rx_exc", gather_rx_exc),
            ("gather_first_exc", gather_first_exc),
            ("shield_inner_fails", shield_inner_fails),
            ("chain3", chain3),
            ("cancel_event_waiter", cancel_event_waiter),
            ("q_get_cancel_drop", q_get_cancel_drop),
            ("timeout_swallow", timeout_swallow),
            ("lock_woken_cancel", lock_woken_cancel),
    ]:
        await run(name, body)
        for _ in range(5):
            await asyncio.sleep(0)


asyncio.run(main())
