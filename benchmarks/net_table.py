#!/usr/bin/env python3
"""Prints the medians table of scripts/bench-net.sh (issue 9, network) from its output folder.

  python3 benchmarks/net_table.py benchmarks/target/net-<stamp>

Reads <folder>/jmh-<round>.json (Weft's JMH scores: EchoBench, EchoSimBench, ConnectBench) and <folder>/raw.txt
(the one-line results `round=<r> case=<name> loop=<weft|asyncio|uvloop|netty-1t|netty-2t> ... key=value ...` of
IdleConnections, py_bench.py, py_bench_net.py and NettyBench). Every cell is the median over rounds, the single
values follow in brackets; each ratio is the median of the per-round ratios (Weft's figure over the other's from the
same round, which the machine's load affected alike), not the ratio of the medians. A missing measurement shows as a
dash.
"""
import glob
import json
import os
import re
import statistics
import sys

# (label, weft source, anchor case, anchor field, higher is better)
#   weft source: ("jmh", benchmark, params) or ("line", case, field)
ROWS = [
    ("echo, Protocol both sides (round trips/s)", ("jmh", "io.weft.bench.EchoBench.protocol", {}),
     "echo_proto_both", "rate", True),
    ("echo, streams both sides (round trips/s)", ("jmh", "io.weft.bench.EchoBench.streams", {}),
     "echo_streams", "rate", True),
    ("echo, Protocol, whole program, production loop (round trips/s)",
     ("jmh", "io.weft.bench.EchoSimBench.protocolEcho", {"loop": "create"}), None, None, True),
    ("echo, Protocol, whole program, simulated network (round trips/s)",
     ("jmh", "io.weft.bench.EchoSimBench.protocolEcho", {"loop": "sim"}), None, None, True),
    ("idle connections: KB per connection, RSS after GC", ("line", "idle_conns", "rss_kb_per_conn"),
     "idle_conns", "rss_kb_per_conn", False),
    ("idle connections: KB per connection, peak RSS", ("line", "idle_conns", "peak_kb_per_conn"),
     "idle_conns", "peak_kb_per_conn", False),
    ("idle connections: KB per connection, live heap after full GC", ("line", "idle_conns", "heap_kb_per_conn"),
     None, None, False),
    ("connect + 1 round trip + close, sequential (cycles/s)", ("jmh", "io.weft.bench.ConnectBench.sequential", {}),
     "connects_seq", "rate", True),
    ("connect + 1 round trip + close, 100 concurrent (cycles/s)",
     ("jmh", "io.weft.bench.ConnectBench.concurrent", {}), "connects_conc", "rate", True),
]
LINE = re.compile(r"^round=(\d+) (case=.*)$")


def fmt(v, rate):
    if v is None:
        return "—"
    if not rate:
        return f"{v:.2f}"
    if v >= 1e6:
        return f"{v / 1e6:.2f}M"
    if v >= 1e3:
        return f"{v / 1e3:.1f}k"
    return f"{v:.0f}"


def cell(vals, rate):
    if not vals:
        return "—", None
    m = statistics.median(vals)
    return f"**{fmt(m, rate)}** ({', '.join(fmt(v, rate) for v in vals)})", m


def main():
    folder = sys.argv[1]
    jmh = {}  # (benchmark, frozenset params) -> {round: score}
    for path in sorted(glob.glob(os.path.join(folder, "jmh-*.json"))):
        rnd = int(re.search(r"jmh-(\d+)\.json$", path).group(1))
        try:
            with open(path) as f:
                results = json.load(f)
        except (OSError, ValueError):
            continue
        for res in results:
            key = (res["benchmark"], frozenset((res.get("params") or {}).items()))
            jmh.setdefault(key, {})[rnd] = res["primaryMetric"]["score"]
    lines = {}  # (case, loop) -> list of dicts
    with open(os.path.join(folder, "raw.txt")) as f:
        for raw in f:
            m = LINE.match(raw.strip())
            if not m:
                continue
            d = dict(kv.split("=", 1) for kv in m.group(2).split() if "=" in kv)
            d["round"] = int(m.group(1))
            lines.setdefault((d["case"], d["loop"]), []).append(d)

    def field(case, loop, name):
        return {d["round"]: float(d[name]) for d in lines.get((case, loop), []) if name in d}

    cols = ["Weft", "uvloop", "asyncio", "Netty 1 thread", "Netty 2 threads"]
    print("| case | " + " | ".join(cols) + " | Weft/uvloop | Weft/asyncio | Weft/Netty 1t |")
    print("|---|" + "---:|" * (len(cols) + 3))
    for label, src, acase, afield, higher in ROWS:
        rate = afield == "rate" or src[0] == "jmh"
        if src[0] == "jmh":
            weft = jmh.get((src[1], frozenset(src[2].items())), {})
        else:
            weft = field(src[1], "weft", src[2])
        others = [field(acase, loop, afield) if acase else {} for loop in ("uvloop", "asyncio")]
        others += [field("echo", loop, "rate") if acase == "echo_proto_both" else {} for loop in ("netty-1t", "netty-2t")]
        cells = [cell([weft[r] for r in sorted(weft)], rate)]
        cells += [cell([o[r] for r in sorted(o)], rate) for o in others]
        ratios = []
        for o in others[:3]:
            per = [weft[r] / o[r] for r in sorted(weft) if r in o and o[r]]
            ratios.append(f"{statistics.median(per):.2f}x" if per else "—")
        print(f"| {label} | " + " | ".join(c[0] for c in cells) + " | " + " | ".join(ratios) + " |")


if __name__ == "__main__":
    main()
