#!/usr/bin/env python3
"""Prints one markdown table comparing Weft with the anchors (asyncio, uvloop, Netty 1 thread).

Used by scripts/bench.sh; can be run by hand on saved files:
  python3 benchmarks/bench_table.py --anchors results-<stamp>.json --jmh jmh.json --sleepers sleepers.txt

--anchors  the results-<stamp>.json that shared/bench/anchors/run_all.py writes (variant "all-cpus" is used)
--jmh      JMH's `-rf json` output for the io.weft.bench benchmarks (the carrier is the `carrier` param)
--sleepers lines printed by io.weft.bench.Sleepers (`case=sleepers loop=weft n=... carrier=...`)
Any of them may be missing or empty: its cells show as a dash.
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
    ("lock 100 tasks x 2,000 (acquisitions/s)", "rate", "io.weft.bench.LockBench.lockWithSleepZero",
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


def load_jmh(path):
    """{(benchmark, carrier): score in ops/s}."""
    out = {}
    if not path or not os.path.exists(path) or os.path.getsize(path) == 0:
        return out
    with open(path) as f:
        for r in json.load(f):
            unit = r["primaryMetric"]["scoreUnit"]
            if unit != "ops/s":
                raise ValueError(f"{r['benchmark']}: expected ops/s, got {unit}")
            out[(r["benchmark"], r.get("params", {}).get("carrier", "loop"))] = float(r["primaryMetric"]["score"])
    return out


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
    ap.add_argument("--jmh")
    ap.add_argument("--sleepers")
    a = ap.parse_args()
    print(table(load_anchors(a.anchors), load_jmh(a.jmh), load_sleepers(a.sleepers)))


if __name__ == "__main__":
    main()
