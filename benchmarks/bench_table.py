#!/usr/bin/env python3
"""Prints one markdown table comparing Weft with the anchors (asyncio, uvloop, Netty 1 thread).

Used by scripts/bench.sh; can be run by hand on saved files:
  python3 benchmarks/bench_table.py --anchors results-<stamp>.json --jmh jmh.json --sleepers sleepers.txt

--anchors  the results-<stamp>.json that shared/bench/anchors/run_all.py writes (variant "all-cpus" is used)
--jmh      JMH's `-rf json` output for the io.weft.bench benchmarks (the carrier is the `carrier` param); may be given
           more than once (scripts/bench.sh runs SimHourBench separately)
--sleepers lines printed by io.weft.bench.Sleepers (`case=sleepers loop=weft n=... carrier=...`)
Any of them may be missing or empty: its cells show as a dash.

If the JMH results hold the simulation benchmarks of issue 4 (io.weft.bench.Sim*Bench), a second table follows with
their medians against the issue's targets and against the production loop.
"""
import argparse
import json
import os
import statistics

# (label, metric, JMH benchmark or sleepers n, anchor case per anchor column, with Weft/Netty ratio?)
#   metric: rate (ops/s, higher is better), sched (n / schedule_s), seconds and kb (lower is better)
ROWS = [
    ("callbacks (callbacks/s)", "rate", "io.weft.bench.CallbacksBench.chainedCallbacks",
     {"asyncio": "callbacks", "uvloop": "callbacks", "netty-1t": "callbacks"}, False),
    ("tasks create+await (tasks/s) [Weft: awaits each task, anchors: gather]", "rate",
     "io.weft.bench.TasksBench.createAndAwait", {"asyncio": "tasks", "uvloop": "tasks"}, False),
    ("gather 1,000 trivial tasks x 200 (tasks/s)", "rate", "io.weft.bench.GatherBench.gatherTasks",
     {"asyncio": "tasks", "uvloop": "tasks"}, False),
    ("lock 100 tasks x 2,000 (acquisitions/s)", "rate", "io.weft.bench.LockBench.acquireWithSleepZero",
     {"asyncio": "lock", "uvloop": "lock"}, False),
    ("pingpong 2 x Queue(maxsize=1) (switches/s)", "rate", "io.weft.bench.QueuePingPongBench.pingPong",
     {"asyncio": "pingpong", "uvloop": "pingpong"}, False),
    ("futures await (awaits/s) [Netty: Promise+listener chain]", "rate", "io.weft.bench.FuturesBench.awaitFutures",
     {"asyncio": "futures", "uvloop": "futures", "netty-1t": "promises"}, False),
    ("timers 200k, delay<=50ms, end to end (timers/s)", "rate", "io.weft.bench.TimersBench.endToEnd",
     {"asyncio": "timers", "uvloop": "timers", "netty-1t": "timers"}, True),
    ("timers: scheduling alone (timers/s)", "sched", "io.weft.bench.TimersBench.scheduleOnly",
     {"asyncio": "timers", "uvloop": "timers", "netty-1t": "timers"}, False),
    ("sleepers 100k x 0.5s: wall seconds", "seconds", 100_000,
     {"asyncio": "sleepers", "uvloop": "sleepers"}, False),
    ("sleepers 100k: KB per task (peak RSS delta)", "kb", 100_000,
     {"asyncio": "sleepers", "uvloop": "sleepers"}, False),
    ("sleepers 1M x 0.5s (-Xmx4g): wall seconds", "seconds", 1_000_000, {}, False),
    ("sleepers 1M: KB per task (peak RSS delta)", "kb", 1_000_000, {}, False),
]
ANCHOR_COLS = [("uvloop", "uvloop"), ("asyncio", "asyncio"), ("netty-1t", "Netty 1 thread")]


def parse_line(line):
    return dict(kv.split("=", 1) for kv in line.split() if "=" in kv)


def load_anchors(path):
    """{(col, case): [result dicts]} for the all-cpus variant."""
    out = {}
    if not path or not os.path.exists(path):
        return out
    with open(path) as f:
        for entry in json.load(f):
            if entry.get("variant") == "all-cpus":
                out[(entry["col"], entry["case"])] = entry["runs"]
    return out


def anchor_metric(res, m):
    if m == "rate":
        return float(res["rate"])
    if m == "sched":
        return float(res["n"]) / float(res["schedule_s"])
    if m == "seconds":
        return float(res["seconds"])
    if m == "kb":
        return float(res.get("kb_per_task", res.get("kb_per_thread_rss")))
    raise ValueError(m)


def load_jmh_records(paths):
    """The JMH result records of all the files that exist and are not empty."""
    out = []
    for path in paths or []:
        if path and os.path.exists(path) and os.path.getsize(path) > 0:
            with open(path) as f:
                out += json.load(f)
    return out


def load_jmh(records):
    """{(benchmark, carrier): score in ops/s} for the benchmarks of the first table (the simulation's are apart)."""
    out = {}
    for r in records:
        if r["benchmark"] in SIM_BENCHMARKS:
            continue
        unit = r["primaryMetric"]["scoreUnit"]
        if unit != "ops/s":
            raise ValueError(f"{r['benchmark']}: expected ops/s, got {unit}")
        out[(r["benchmark"], r.get("params", {}).get("carrier", "loop"))] = float(r["primaryMetric"]["score"])
    return out


# --- the simulation (issue 4) -----------------------------------------------------------------------------------
SIM_SCHED = "io.weft.bench.SimScheduleBench.lockSchedule"
SIM_LOCK = "io.weft.bench.SimSwitchBench.lock"
SIM_PING = "io.weft.bench.SimSwitchBench.pingPong"
SIM_HOUR = "io.weft.bench.SimHourBench.simulatedHour"
SIM_BENCHMARKS = {SIM_SCHED, SIM_LOCK, SIM_PING, SIM_HOUR}
SCHEDULES_TARGET = 1000.0  # schedules/s
SWITCH_TARGET = 0.5  # simulated / production
HOUR_TARGET_S = 5.0  # seconds per run


def load_sim(records):
    """{(benchmark, param value): median of the measured iterations, in ops/s or s/op}."""
    out = {}
    for r in records:
        b = r["benchmark"]
        if b not in SIM_BENCHMARKS:
            continue
        unit = r["primaryMetric"]["scoreUnit"]
        expected = "s/op" if b == SIM_HOUR else "ops/s"
        if unit != expected:
            raise ValueError(f"{b}: expected {expected}, got {unit}")
        params = r.get("params", {})
        param = params.get("schedule", params.get("loop", params.get("trace")))
        raw = [x for fork in r["primaryMetric"].get("rawData", []) for x in fork]
        out[(b, param)] = statistics.median(raw) if raw else float(r["primaryMetric"]["score"])
    return out


def sim_table(sim):
    def row(label, value, ref, ref_text, m, ratio_v, target_text, met):
        return (f"| {label} | {fmt(value, m)} | {ref_text if ref is None else fmt(ref, m)} | "
                f"{'—' if ratio_v is None else f'{ratio_v:.2f}×'} | {target_text} | "
                f"{'—' if met is None else ('yes' if met else 'no')} |")

    out = ["| case | simulation | reference | ratio | target | met |", "|---|---:|---:|---:|---|---|"]
    for sched in ("RANDOM", "FIFO", "CHAOS:RANDOM", "PCT3"):
        v = sim.get((SIM_SCHED, sched))
        if v is not None:
            out.append(row(f"schedules/s, 10 tasks x 100 lock rounds, {sched}", v, SCHEDULES_TARGET, None, "rate",
                           v / SCHEDULES_TARGET, ">= 1,000/s", v >= SCHEDULES_TARGET))
    for bench, what in ((SIM_LOCK, "lock 10 x 100, fresh loop per run (rounds/s)"),
                        (SIM_PING, "ping-pong via sleep(0), 2 x 100k (switches/s)")):
        v = sim.get((bench, "sim"))
        for loop in ("create", "createVirtual"):
            ref = sim.get((bench, loop))
            if v is not None or ref is not None:
                r = v / ref if v is not None and ref else None
                out.append(row(f"{what}: Simulation FIFO vs EventLoop.{loop}()", v, ref, "—", "rate", r,
                               ">= 0.5x production" if loop == "create" else "(for reference)",
                               (r >= SWITCH_TARGET if r is not None else None) if loop == "create" else None))
    for trace, what in (("0", "trace limit 0"), ("default", "default trace limit")):
        v = sim.get((SIM_HOUR, trace))
        if v is not None:
            out.append(row(f"one simulated hour, 1,000 tasks at 1 Hz (3.6M wakeups), FIFO, {what}: wall s per run",
                           v, HOUR_TARGET_S, None, "seconds", v / HOUR_TARGET_S, "<= 5 s",
                           v <= HOUR_TARGET_S))
    out += ["",
            "Simulation figures are medians of the measured JMH iterations (1 fork); reference: the issue's target or"
            " the production loop measured in the same run; on rates a ratio above 1 is faster, on seconds below 1."]
    return "\n".join(out)


def load_sleepers(path):
    """{(n, carrier): [result dicts]}."""
    out = {}
    if not path or not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            if line.startswith("case=sleepers"):
                r = parse_line(line)
                out.setdefault((int(r["n"]), r.get("carrier", "loop")), []).append(r)
    return out


def weft_value(row, carrier, jmh, sleepers):
    _, m, src, _, _ = row
    if isinstance(src, str):
        return jmh.get((src, carrier))
    runs = sleepers.get((src, carrier), [])
    key = "seconds" if m == "seconds" else "kb_per_task"
    vals = [float(r[key]) for r in runs]
    return statistics.median(vals) if vals else None


def fmt(v, m):
    if v is None:
        return "—"
    if m in ("rate", "sched"):
        if v >= 1e6:
            return f"{v / 1e6:.2f}M"
        if v >= 1e3:
            return f"{v / 1e3:.1f}k"
        return f"{v:.0f}"
    if m == "seconds":
        return f"{v:.2f} s"
    return f"{v:.2f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "—"
    return f"{a / b:.2f}×"


def table(anchors, jmh, sleepers):
    head = (["case", "Weft (loop carrier)", "Weft (baton carrier)"] + [t for _, t in ANCHOR_COLS]
            + ["Weft/uvloop", "Weft/Netty"])
    out = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for row in ROWS:
        label, m, _, cases, netty_ratio = row
        w_loop = weft_value(row, "loop", jmh, sleepers)
        w_baton = weft_value(row, "baton", jmh, sleepers)
        anchor = {}
        for col, _ in ANCHOR_COLS:
            case = cases.get(col)
            vals = [anchor_metric(r, m) for r in anchors.get((col, case), [])] if case else []
            anchor[col] = statistics.median(vals) if vals else None
        cells = [fmt(w_loop, m), fmt(w_baton, m)] + [fmt(anchor[c], m) for c, _ in ANCHOR_COLS]
        cells.append(ratio(w_loop, anchor["uvloop"]) if cases.get("uvloop") else "—")
        cells.append(ratio(w_loop, anchor["netty-1t"]) if netty_ratio else "—")
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    out += ["",
            "Ratios use the loop carrier. For rates higher is better (a ratio above 1 means Weft is faster); for"
            " seconds and KB lower is better (a ratio below 1 means Weft is faster or smaller).",
            "Weft: JMH throughput scores (1 fork, JMH's mean of the measured iterations) and one Sleepers pass per"
            " carrier; anchors: run_all.py medians, all CPUs (no taskset)."]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--anchors")
    ap.add_argument("--jmh", action="append")
    ap.add_argument("--sleepers")
    a = ap.parse_args()
    records = load_jmh_records(a.jmh)
    print(table(load_anchors(a.anchors), load_jmh(records), load_sleepers(a.sleepers)))
    sim = load_sim(records)
    if sim:
        print()
        print("Simulation (issue 4)")
        print()
        print(sim_table(sim))


if __name__ == "__main__":
    main()
