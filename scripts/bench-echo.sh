#!/usr/bin/env bash
# Issue 9's first echo measurement: Weft's EchoBench (Protocol both sides; streams) and EchoSimBench (the Protocol
# program whole, production loop vs simulated network), interleaved with the anchors' echo_proto_both and
# echo_streams on asyncio and (if importable) uvloop, ROUNDS rounds in one session; prints the raw lines.
#
#   bash scripts/bench-echo.sh            # after: mvn -B -q -pl benchmarks -am package -DskipTests
#
# Environment: ROUNDS (3), ANCHORS (../shared/bench/anchors, copied first: read-only), JAVA (Temurin 25),
#   JMH_OPTS (-f 1 -wi 2 -w 2s -i 3 -r 3s), OUT (benchmarks/target/echo-<stamp>).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
ROUNDS=${ROUNDS:-3}
ANCHORS=${ANCHORS:-$ROOT/../shared/bench/anchors}
JMH_OPTS=${JMH_OPTS:--f 1 -wi 2 -w 2s -i 3 -r 3s}
OUT=${OUT:-$ROOT/benchmarks/target/echo-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
TMP=$(mktemp -d /tmp/weft-echo-anchors.XXXXXX)
cp "$ANCHORS/py_bench.py" "$TMP/"
LOOPS=(asyncio)
/usr/bin/python3 -c 'import uvloop' 2>/dev/null && LOOPS+=(uvloop)
for r in $(seq 1 "$ROUNDS"); do
  echo "round $r load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/raw.txt"
  # shellcheck disable=SC2086
  "$JAVA" --add-opens java.base/java.lang=ALL-UNNAMED -jar "$ROOT/benchmarks/target/benchmarks.jar" \
    'io\.weft\.bench\.Echo(Sim)?Bench' $JMH_OPTS -rf json -rff "$OUT/jmh-$r.json" >"$OUT/jmh-$r.log" 2>&1
  grep -E '^Echo' "$OUT/jmh-$r.log" | sed "s/^/round=$r weft /" | tee -a "$OUT/raw.txt"
  for loop in "${LOOPS[@]}"; do
    for c in echo_proto_both echo_streams; do
      /usr/bin/python3 "$TMP/py_bench.py" --loop "$loop" --case "$c" | sed "s/^/round=$r /" | tee -a "$OUT/raw.txt"
    done
  done
done
echo "raw: $OUT/raw.txt"
