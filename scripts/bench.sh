#!/usr/bin/env bash
# Runs the performance comparison of issue 2: the anchors (asyncio, uvloop, Netty) in their quick mode, then Weft's
# JMH suite and the Sleepers case on both carriers, and prints one markdown table (benchmarks/bench_table.py); then the
# simulation benchmarks of issue 4 (schedules/s, simulated vs production switch rate: in the JMH suite; one simulated
# hour: a separate single-shot run) and their table against the targets.
# Takes about 2 min (anchors) + 4 min (JMH: the issue-2/3 benchmark/carrier pairs x 8 s + JVM starts) + 1.5 min (the
# 10 simulation benchmark/parameter pairs x 8 s) + 1 min (Sleepers) + 1 min (one simulated hour: 2 x 4 runs of ~5 s).
#
#   bash scripts/bench.sh
#
# Environment:
#   OUT=dir           where the raw results go (default benchmarks/target/bench-<stamp>)
#   ANCHORS=dir       the anchors to copy and run (default ../shared/bench/anchors beside the repository; it is read-only, so it is
#                     copied to a temporary directory first)
#   ANCHORS_JSON=f    reuse a results-<stamp>.json from an earlier anchors run instead of running them
#   SKIP_BUILD=1      do not run mvn install
#   BENCH=regex       JMH benchmarks to run (default: all of io.weft.bench; SimHourBench runs separately, below)
#   JMH_OPTS="..."    JMH options (default: -f 1 -wi 3 -w 1s -i 5 -r 1s)
#   SIM_HOUR=0        skip SimHourBench (one simulated hour, single shot; about 1 min)
#   SIM_HOUR_OPTS=".." its JMH options (default: -f 1 -wi 1 -i 3: single-shot runs, so -w and -r do not apply)
#   SLEEPERS_1M=0     skip the 1M-sleepers runs (-Xmx4g)
#   JAVA=path         the JDK 25 java (default /usr/lib/jvm/temurin-25-jdk-amd64/bin/java)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
JAR=$ROOT/benchmarks/target/benchmarks.jar
STAMP=$(date +%Y%m%d-%H%M%S)
OUT=${OUT:-$ROOT/benchmarks/target/bench-$STAMP}
ANCHORS=${ANCHORS:-$ROOT/../shared/bench/anchors}
BENCH=${BENCH:-io\.weft\.bench\.}
JMH_OPTS=${JMH_OPTS:--f 1 -wi 3 -w 1s -i 5 -r 1s}
SLEEPERS_1M=${SLEEPERS_1M:-1}
SIM_HOUR=${SIM_HOUR:-1}
SIM_HOUR_OPTS=${SIM_HOUR_OPTS:--f 1 -wi 1 -i 3}
OPENS=(--add-opens java.base/java.lang=ALL-UNNAMED)
mkdir -p "$OUT"
log() { echo "[bench] $*" >&2; }

# --- build ------------------------------------------------------------------------------------------------------
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building (mvn -B -q -DskipTests install)"
  mvn -B -q -DskipTests install
fi
[ -f "$JAR" ] || { echo "missing $JAR" >&2; exit 1; }

# --- anchors ----------------------------------------------------------------------------------------------------
ANCHORS_RESULT=$OUT/anchors.json
if [ -n "${ANCHORS_JSON:-}" ]; then
  cp "$ANCHORS_JSON" "$ANCHORS_RESULT"
else
  TMP=$(mktemp -d /tmp/weft-anchors.XXXXXX)
  cp -r "$ANCHORS" "$TMP/anchors"
  chmod -R u+w "$TMP/anchors"
  log "running the anchors in $TMP/anchors (RUNS=1 CPU0=0, about 2 min; log: $OUT/anchors.log)"
  if (cd "$TMP/anchors" && RUNS=1 CPU0=0 bash run_all.sh) >"$OUT/anchors.log" 2>&1; then
    latest=$(ls -t "$TMP"/anchors/results/results-*.json 2>/dev/null | head -1)
    cp "$latest" "$ANCHORS_RESULT"
    cp "$TMP"/anchors/results/raw-*.txt "$OUT/" 2>/dev/null || true
  else
    log "the anchors failed (see $OUT/anchors.log); their columns will be empty"
  fi
fi

# --- Weft: JMH --------------------------------------------------------------------------------------------------
log "running the JMH suite: $BENCH $JMH_OPTS (log: $OUT/jmh.log)"
# shellcheck disable=SC2086
"$JAVA" "${OPENS[@]}" -jar "$JAR" "$BENCH" -e 'io\.weft\.bench\.SimHourBench' $JMH_OPTS -rf json -rff "$OUT/jmh.json" \
  >"$OUT/jmh.log" 2>&1 || log "JMH failed (see $OUT/jmh.log)"
grep -E '^(Benchmark|[A-Z][A-Za-z]+Bench\.)' "$OUT/jmh.log" >&2 || true

# --- Weft: one simulated hour (issue 4; single shot, seconds per run) ------------------------------------------
: >"$OUT/jmh-simhour.json"
if [ "$SIM_HOUR" != 0 ] && [[ io.weft.bench.SimHourBench.simulatedHour =~ $BENCH ]]; then
  log "running SimHourBench $SIM_HOUR_OPTS (log: $OUT/jmh-simhour.log)"
  # shellcheck disable=SC2086
  "$JAVA" "${OPENS[@]}" -jar "$JAR" 'io\.weft\.bench\.SimHourBench' $SIM_HOUR_OPTS -rf json -rff "$OUT/jmh-simhour.json" \
    >"$OUT/jmh-simhour.log" 2>&1 || log "SimHourBench failed (see $OUT/jmh-simhour.log)"
  grep -E '^(Benchmark|SimHourBench\.)' "$OUT/jmh-simhour.log" >&2 || true
fi

# --- Weft: sleepers ---------------------------------------------------------------------------------------------
: >"$OUT/sleepers.txt"
sleepers() { # n seconds carrier [JVM options...]
  local n=$1 secs=$2 carrier=$3
  shift 3
  log "Sleepers $n $secs $carrier $*"
  "$JAVA" "$@" "${OPENS[@]}" -cp "$JAR" io.weft.bench.Sleepers "$n" "$secs" "$carrier" \
    | tee -a "$OUT/sleepers.txt" >&2 || log "Sleepers $n $secs $carrier failed"
}
for carrier in loop baton; do
  sleepers 100000 0.5 "$carrier" # default heap, as the anchors
done
if [ "$SLEEPERS_1M" != 0 ]; then
  for carrier in loop baton; do
    sleepers 1000000 0.5 "$carrier" -Xmx4g
  done
fi

# --- table ------------------------------------------------------------------------------------------------------
{
  echo "Weft vs anchors, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load before the table: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "Weft on $("$JAVA" -version 2>&1 | head -1); raw results in $OUT"
  echo
  python3 "$ROOT/benchmarks/bench_table.py" --anchors "$ANCHORS_RESULT" --jmh "$OUT/jmh.json" \
    --jmh "$OUT/jmh-simhour.json" --sleepers "$OUT/sleepers.txt"
} | tee "$OUT/table.md"
