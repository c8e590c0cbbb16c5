"""The CPython side of TaskGroupErrorTraceConformanceTests: what task groups raise, traced as iteration_traces.py
does. Run: python3.13 taskgroup_error_traces.py
"""
import asyncio
log=[]; n=0; base=0
def tick():
    global n
    n += 1
    asyncio.get_running_loop().call_soon(tick)
def ev(s): log.append(f"{n-base}:{s}")
async def s0(): await asyncio.sleep(0)
class MyBase(BaseException): pass
def desc(e):
    if isinstance(e, BaseExceptionGroup):
        return type(e).__name__ + "[" + ",".join(desc(x) for x in e.exceptions) + "]"
    return type(e).__name__ + (f"({e.args[0]})" if e.args else "")
async def run(name, body):
    global base, log
    base = n; log = []
    try:
        await body()
    except BaseException as e:
        ev("raised " + desc(e))
    print(name, " ".join(log))
async def two_fail_same_iteration():
    async with asyncio.TaskGroup() as g:
        async def bad(i):
            await s0(); raise ValueError(i)
        g.create_task(bad(1)); g.create_task(bad(2))
        try:
            await asyncio.sleep(10)
        finally:
            await s0(); raise KeyError("body")
async def base_child():
    async with asyncio.TaskGroup() as g:
        async def bad():
            await s0(); raise MyBase("b")
        async def bad2():
            await s0(); await s0(); raise ValueError("v")
        g.create_task(bad()); g.create_task(bad2())
async def nested_both():
    async with asyncio.TaskGroup() as g1:
        async def bad(i, k):
            for _ in range(k): await s0()
            raise ValueError(i)
        g1.create_task(bad("outer", 2))
        async with asyncio.TaskGroup() as g2:
            g2.create_task(bad("inner", 1))
            await asyncio.sleep(10)
async def child_fails_in_cleanup():
    async with asyncio.TaskGroup() as g:
        async def bad():
            await s0(); raise ValueError("first")
        async def cleanup():
            try:
                await asyncio.sleep(10)
            finally:
                raise TypeError("cleanup")
        g.create_task(cleanup()); g.create_task(bad())
async def main():
    asyncio.get_running_loop().call_soon(tick)
    for name, b in [("two_fail_same_iteration", two_fail_same_iteration), ("base_child", base_child), ("nested_both", nested_both), ("child_fails_in_cleanup", child_fails_in_cleanup)]:
        await run(name, b)
        for _ in range(5): await asyncio.sleep(0)
asyncio.run(main())
