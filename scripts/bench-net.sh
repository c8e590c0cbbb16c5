#!/usr/bin/env bash
# Issue 9's network measurements in one session, ROUNDS rounds interleaved (the machine is shared: quote medians):
#   Weft:  JMH EchoBench (Protocol; streams), EchoSimBench, ConnectBench (sequential; 100 concurrent), and the
#          IdleConnections main (memory per idle connection);
#   asyncio and uvloop: the shared anchors' echo_proto_both and echo_streams (py_bench.py, copied first: read-only)
#          and the project's idle_conns, connects_seq, connects_conc (benchmarks/anchors/py_bench_net.py);
#   Netty: the shared anchor's echo on 1 and 2 threads (anchors/netty, copied to a temporary folder and built there:
#          offline first, then online; skipped with a message if it cannot be built).
# Then prints the medians table (benchmarks/net_table.py). JMH refuses to start while another JMH run holds
# /tmp/jmh.lock (another benchmark on the machine): the round then says "JMH failed" and has no Weft JMH figures.
#
#   mvn -B -q -o -pl benchmarks -am package -DskipTests && bash scripts/bench-net.sh
#
# Environment: ROUNDS (3), ANCHORS (../shared/bench/anchors, else /work/shared/bench/anchors), JAVA (Temurin 25), NETTY_JAVA (java: the anchors ran
#   Netty on the default JDK 17), JMH_OPTS (-f 1 -wi 2 -w 2s -i 3 -r 3s), CONNS (idle connections: 10,000, or fewer
#   if the hard fd limit cannot hold 2 per connection plus 200), OUT (benchmarks/target/net-<stamp>).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
NETTY_JAVA=${NETTY_JAVA:-java}
ROUNDS=${ROUNDS:-3}
ANCHORS=${ANCHORS:-$ROOT/../shared/bench/anchors}
[ -d "$ANCHORS" ] || ANCHORS=/work/shared/bench/anchors
JMH_OPTS=${JMH_OPTS:--f 1 -wi 2 -w 2s -i 3 -r 3s}
OUT=${OUT:-$ROOT/benchmarks/target/net-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
RAW=$OUT/raw.txt

# 2 fds per idle connection (client and server end) in one process: raise the soft limit as far as the hard one.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
FDS=$(ulimit -n)
if [ -z "${CONNS:-}" ]; then
  if [ "$FDS" = unlimited ] || [ "$FDS" -ge 20200 ]; then CONNS=10000; else CONNS=$(( (FDS - 200) / 2 )); fi
fi
echo "fd limit $FDS: idle connections $CONNS" | tee -a "$RAW"

TMP=$(mktemp -d /tmp/weft-net-anchors.XXXXXX)
cp "$ANCHORS/py_bench.py" "$TMP/"
cp "$ROOT/benchmarks/anchors/py_bench_net.py" "$TMP/"
LOOPS=(asyncio)
/usr/bin/python3 -c 'import uvloop' 2>/dev/null && LOOPS+=(uvloop)

NETTY=""
if [ -d "$ANCHORS/netty" ]; then
  cp -r "$ANCHORS/netty" "$TMP/netty"
  if (cd "$TMP/netty" && { mvn -q -B -o package -DskipTests || mvn -q -B package -DskipTests; }) >"$OUT/netty-build.log" 2>&1; then
    NETTY="$TMP/netty"
    echo "netty: $(ls "$NETTY/target/lib" | sed -n 's/^netty-all-\(.*\)\.jar$/\1/p'), $("$NETTY_JAVA" -version 2>&1 | head -1)" | tee -a "$RAW"
  else
    echo "netty: not built (see $OUT/netty-build.log)" | tee -a "$RAW"
  fi
fi

JAR=$ROOT/benchmarks/target/benchmarks.jar
OPENS=(--add-opens java.base/java.lang=ALL-UNNAMED)
tag() { sed "s/^/round=$1 /" | tee -a "$RAW"; }
for r in $(seq 1 "$ROUNDS"); do
  echo "round $r load $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M:%S)" | tee -a "$RAW"
  # shellcheck disable=SC2086
  "$JAVA" "${OPENS[@]}" -jar "$JAR" 'io\.weft\.bench\.(Echo|EchoSim|Connect)Bench' $JMH_OPTS \
    -rf json -rff "$OUT/jmh-$r.json" >"$OUT/jmh-$r.log" 2>&1 || echo "JMH failed: $OUT/jmh-$r.log" | tag "$r"
  grep -E '^(Echo|EchoSim|Connect)Bench' "$OUT/jmh-$r.log" | sed 's/^/weft /' | tag "$r" || true
  "$JAVA" "${OPENS[@]}" -cp "$JAR" io.weft.bench.IdleConnections --conns "$CONNS" 2>&1 | tag "$r"
  for loop in "${LOOPS[@]}"; do
    for c in echo_proto_both echo_streams; do
      /usr/bin/python3 "$TMP/py_bench.py" --loop "$loop" --case "$c" 2>&1 | tag "$r"
    done
    /usr/bin/python3 "$TMP/py_bench_net.py" --loop "$loop" --case idle_conns --n "$CONNS" 2>&1 | tag "$r"
    for c in connects_seq connects_conc; do
      /usr/bin/python3 "$TMP/py_bench_net.py" --loop "$loop" --case "$c" 2>&1 | tag "$r"
    done
  done
  if [ -n "$NETTY" ]; then
    for t in 1 2; do
      "$NETTY_JAVA" -cp "$NETTY/target/classes:$NETTY/target/lib/*" anchors.NettyBench --case echo --threads "$t" 2>&1 \
        | tag "$r"
    done
  fi
done
echo "raw: $RAW"
/usr/bin/python3 "$ROOT/benchmarks/net_table.py" "$OUT" | tee "$OUT/table.md"
