#!/usr/bin/env bash
# Uses Weft as a new user would: installs the build's artifacts (BOM, libraries, sources and javadoc jars) into a
# local repository (~/.m2 with this checkout's Weft, see below), then builds consumer-check/ against them (a standalone
# project, not a reactor module, set up as README.md's "Add Weft to your project" says) and checks that:
#   1. the pom's top comment (the README section) shows snippets that are literally in the pom;
#   2. its tests pass under JUnit 5.14.4 and 6.1.3, and a nonzero number of them ran each time;
#   3. a deliberately failing @AsyncTest (JUnit 6.1.3 only, to save time) is re-run in fresh instances, and its
#      `[weft] weft.replay = weft:1:...` line reaches Surefire's XML report, in <system-out>;
#   4. that line, given back with -Dweft.replay and -Dtest=Class#method, fails the same way again.
# Run it from any directory; CI runs it after `mvn -B verify` (.ci/run).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
consumer="$root/consumer-check"
failing_class=FailingHitCounterAsyncTests
failing_method=hitsSentAfterTheSameDelay_areCountedInTheOrderSent
replay_junit=6.1.3
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT

say() { echo "[consumer-check] $*"; }
fail() {
  echo "[consumer-check] FAILED: $*" >&2
  exit 1
}

# The consumer runs its own Maven in consumer-check/; the build's JAVA_HOME must not choose its JDK (toolchains do).
unset JAVA_HOME
SECONDS=0

# --- The README's snippets are the pom's own lines ---------------------------------------------------------------
# check_snippets FILE: each ```xml block in FILE's first <!-- ... --> comment appears, line for line, after it.
check_snippets() {
  awk '
  function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t\r]+$/, "", s); return s }
  !started && /^<!--/ { started = 1; incomment = 1; next }
  incomment && /^-->/ { incomment = 0; next }
  incomment {
    line = $0; gsub(/&#45;/, "-", line)               # an XML comment cannot hold "--": written &#45;&#45; there
    if (line ~ /^```xml/) { inblock = 1; nb++; nl[nb] = 0; next }
    if (inblock && line ~ /^```/) { inblock = 0; next }
    if (inblock) { nl[nb]++; blk[nb, nl[nb]] = trim(line) }
    next
  }
  started { nbody++; body[nbody] = trim($0) }
  END {
    if (nb == 0) { print "[consumer-check] no ```xml snippet in the top comment"; exit 1 }
    bad = 0
    for (b = 1; b <= nb; b++) {
      found = 0
      for (i = 1; i + nl[b] - 1 <= nbody && !found; i++) {
        ok = 1
        for (j = 1; j <= nl[b]; j++) if (body[i + j - 1] != blk[b, j]) { ok = 0; break }
        found = ok
      }
      if (!found) { print "[consumer-check] snippet " b " (" blk[b, 2] ") is not, line for line, in the pom"; bad = 1 }
    }
    if (!bad) print "[consumer-check] " nb " snippets found in the pom"
    exit bad
  }' "$1"
}
say "checking that each xml snippet in consumer-check/pom.xml's top comment appears in the pom itself"
check_snippets "$consumer/pom.xml" || fail "consumer-check/pom.xml: README snippet and pom differ (see above)"
say "checking that each xml snippet of README.md's \"Add Weft to your project\" appears in consumer-check/pom.xml"
readme_vs_pom="$(mktemp)"
{
  echo "<!--"
  awk '/^## Add Weft to your project/ { f = 1; next } f && /^## / { exit } f' "$root/README.md"
  echo "-->"
  awk 'done { print } /^-->/ && !done { done = 1 }' "$consumer/pom.xml"
} > "$readme_vs_pom"
check_snippets "$readme_vs_pom" || fail "README.md's \"Add Weft to your project\" shows xml the consumer pom does not use"
rm -f "$readme_vs_pom"

weft_version="$(awk '/<artifactId>weft-parent<\/artifactId>/ { f = 1 }
  f && /<version>/ { gsub(/.*<version>|<\/version>.*/, ""); print; exit }' "$root/pom.xml")"
while read -r v; do
  [[ "$v" == "$weft_version" ]] \
    || fail "consumer-check/pom.xml imports weft-bom $v, but the build is $weft_version: update it (and the README)"
done < <(grep -A1 '<artifactId>weft-bom</artifactId>' "$consumer/pom.xml" | sed -n 's/.*<version>\(.*\)<\/version>.*/\1/p')
say "weft-bom version in consumer-check/pom.xml matches the build: $weft_version"

# --- Install Weft as a user gets it ------------------------------------------------------------------------------
# Into a local repository of this run's own that shows everything of ~/.m2 except io/weft (symlinks), so nothing
# is downloaded twice but the Weft jars the consumer sees are this checkout's: ~/.m2 is shared, and another build
# installing the same SNAPSHOT there meanwhile swapped weft-loop-core under a running test (NoClassDefFoundError).
shared="${HOME}/.m2/repository"
repo="$logs/repository"
mkdir -p "$repo/io"
if [[ -d "$shared" ]]; then
  shopt -s nullglob
  for entry in "$shared"/*; do
    [[ "$(basename "$entry")" == io ]] || ln -s "$entry" "$repo/"
  done
  for entry in "$shared"/io/*; do
    [[ "$(basename "$entry")" == weft ]] || ln -s "$entry" "$repo/io/"
  done
  shopt -u nullglob
fi
say "installing Weft $weft_version (mvn -B -q install -DskipTests in $root), into ~/.m2 seen without its io/weft"
(cd "$root" && mvn -B -q install -DskipTests -Dmaven.repo.local="$repo")
echo # Maven 3.8 ends its output with colour resets and no newline
for module in loop-core fault test-engine; do
  for kind in "" -sources -javadoc; do
    jar="$repo/io/weft/weft-$module/$weft_version/weft-$module-$weft_version$kind.jar"
    [[ -s "$jar" ]] || fail "the install put no weft-$module$kind jar in the local repository ($jar)"
  done
done
say "installed, with sources and javadoc jars ($SECONDS s so far)"

# Runs Maven in consumer-check/ with a fresh surefire-reports directory; output to the terminal and to log $1.
consumer_mvn() {
  local log="$logs/$1"
  shift
  rm -rf "$consumer/target/surefire-reports"
  local status
  (cd "$consumer" && mvn -B -Dmaven.repo.local="$repo" "$@") 2>&1 | tee "$log"
  status="${PIPESTATUS[0]}"
  echo # Maven 3.8 ends its output with colour resets and no newline
  return "$status"
}

# As consumer_mvn, for the runs that must fail: their output goes to log $1 only, so that this script's output (and
# CI's) ends with passing Surefire summaries; show_log prints it when a check on such a run fails.
consumer_mvn_quiet() {
  local log="$logs/$1"
  shift
  rm -rf "$consumer/target/surefire-reports"
  (cd "$consumer" && mvn -B -Dmaven.repo.local="$repo" "$@") > "$log" 2>&1
}
show_log() {
  echo "[consumer-check] ---- Maven's output ($1) ----"
  cat "$logs/$1"
  echo
}

# Reads Surefire's closing summary, "Tests run: N, Failures: F, Errors: E, Skipped: S", from log $1 into the
# globals run, failures, errors and skipped; fails if Maven printed none (it never got to run the tests).
summary() {
  local counts
  counts="$(sed -n 's/^\[[A-Z]*\] Tests run: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\), Skipped: \([0-9]*\)$/\1 \2 \3 \4/p' \
    "$logs/$1" | tail -n 1)"
  [[ -n "$counts" ]] || fail "no 'Tests run:' summary in Maven's output ($1): the tests did not run (output above)"
  read -r run failures errors skipped <<< "$counts"
}

# --- The consumer's tests, under each JUnit version --------------------------------------------------------------
for junit in 5.14.4 6.1.3; do
  say "JUnit $junit: mvn -B test -Djunit.version=$junit (in consumer-check/)"
  # requireBlockingDetection: every @AsyncTest fails if the argLine did not give Weft its detecting carrier.
  consumer_mvn "test-$junit.log" test -Djunit.version="$junit" -Dexpected.junit.version="$junit" \
    -Dweft.requireBlockingDetection=true || fail "JUnit $junit: the consumer's tests failed (output above)"
  summary "test-$junit.log"
  executed=$((run - skipped))
  ((executed > 0)) || fail "JUnit $junit: Surefire ran no tests (Tests run: $run, Skipped: $skipped)"
  say "JUnit $junit: OK, $executed tests passed (Tests run: $run, Skipped: $skipped, the deliberately failing class)"
done

# --- A failing @AsyncTest: its report reaches Surefire's XML, and its replay line is true ------------------------
xml="$consumer/target/surefire-reports/TEST-com.example.hits.$failing_class.xml"
failing_props=(-Djunit.version="$replay_junit" -Dconsumer.check.failing=true -Dweft.regressions=none)

say "JUnit $replay_junit: running the deliberately failing $failing_class (it must fail)"
if consumer_mvn_quiet failing.log test -Dtest="$failing_class" "${failing_props[@]}"; then
  show_log failing.log
  fail "$failing_class passed, but it must fail"
fi
summary failing.log
((failures == 1 && errors == 0)) \
  || { show_log failing.log; fail "$failing_class: expected one failure and no errors, got Failures: $failures, Errors: $errors"; }
say "it failed, as it must (Maven's output is kept out of this log: Tests run: $run, Failures: $failures)"
[[ -f "$xml" ]] || fail "Surefire wrote no XML report for $failing_class ($xml)"
grep -q 're-runs: each in a fresh test instance' "$xml" \
  || fail "the failure was not re-run in fresh test instances (is junit-platform-launcher missing at run time?)"
# Only the <system-out> elements: the line must be there, where Surefire keeps what the test printed.
system_out="$(awk '/<system-out>/ { f = 1 } f { print } /<\/system-out>/ { f = 0 }' "$xml")"
line="$(sed -n 's/.*\[weft\] weft\.replay = \(weft:1:[^ <]*\).*/\1/p' <<< "$system_out" | head -n 1)"
[[ -n "$line" ]] || fail "no '[weft] weft.replay = weft:1:...' line in <system-out> of $xml"
deviations="$(sed -n 's/.*\[weft\] weft\.shrunk = .* (\([0-9]*\) -> \([0-9]*\) deviations).*/\2/p' <<< "$system_out" | head -n 1)"
[[ -n "$deviations" && "$deviations" -ge 1 ]] \
  || fail "the shrunk failure does not depend on the schedule (deviations: '${deviations}'): the replay would prove nothing"
# What failed: the failure kind, and the exception the main task died of.
failed_with() {
  local kind cause
  kind="$(sed -n 's/.*\[weft\] weft\.failure\.kind = \([A-Z_]*\).*/\1/p' "$1" | head -n 1)"
  cause="$(grep -o 'the main task failed: [A-Za-z0-9_.$]*' "$1" | head -n 1)"
  echo "$kind, $cause"
}
found="$(failed_with "$xml")"
say "found in Surefire's XML <system-out>: [weft] weft.replay = $line ($deviations deviation(s) from FIFO; $found)"

say "replaying it: mvn -B test -Dtest='$failing_class#$failing_method' -Dweft.replay=$line (it must fail again)"
if consumer_mvn_quiet replay.log test -Dtest="$failing_class#$failing_method" -Dweft.replay="$line" "${failing_props[@]}"; then
  show_log replay.log
  fail "the replay of $line passed: the replay line does not reproduce the failure"
fi
summary replay.log
((run == 1 && failures == 1 && errors == 0)) \
  || { show_log replay.log; fail "the replay: expected exactly one test, failed; got Tests run: $run, Failures: $failures, Errors: $errors"; }
grep -qF "original schedule: $line (replayed)" "$xml" || fail "the replay run did not run the schedule $line"
replayed="$(failed_with "$xml")"
[[ "$replayed" == "$found" ]] || fail "the replay failed differently: '$replayed', where the run had '$found'"
say "the replay failed the same way ($replayed)"

say "OK: all checks passed in $SECONDS s"
