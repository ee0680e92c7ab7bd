#!/usr/bin/env bash
# Fuzzes every Jazzer target (the *FuzzTest classes of core and registry-server) for longer than CI does.
#
#   bash bench/fuzz.sh            # 300 seconds per target
#   bash bench/fuzz.sh 3600       # an hour per target
#   FORKS=1 bash bench/fuzz.sh 60 # one target at a time (default: two, one per core)
#   ONLY=LayerInventoryFuzzTest bash bench/fuzz.sh 600   # one target (a surefire -Dtest pattern)
#
# It is the `fuzz` Maven profile of the parent pom with a longer time: each target runs in its own JVM (Jazzer
# fuzzes one @FuzzTest per JVM), FORKS at a time. The corpus Jazzer grows is kept in <module>/.cifuzz-corpus/
# (ignored by git) and reused by the next run. A finding fails its target; Jazzer writes the input as
# crash-<sha1> (or timeout-/oom-) into the target's seed directory, src/test/resources/<package>/<Class>Inputs/
# <method>/, where plain `mvn verify` replays it from then on: fix the bug and commit the file with the fix.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-300}
FORKS=${FORKS:-2}
log() { printf '[fuzz %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

args=(-B -ntp -Pfuzz -pl core,registry-server -am test -Dfuzz.seconds="$SECONDS_PER_TARGET" -Dfuzz.forks="$FORKS"
      -Dmaven.test.failure.ignore=true -Dsurefire.failIfNoSpecifiedTests=false)
[ -n "${ONLY:-}" ] && args+=(-Dtest="$ONLY")
mkdir -p bench/work
log "fuzzing each target for ${SECONDS_PER_TARGET}s, $FORKS at a time"
mvn "${args[@]}" >bench/work/fuzz.log 2>&1 || { log "maven failed, see bench/work/fuzz.log"; exit 1; }

status=0
for report in core/target/surefire-reports/TEST-*FuzzTest.xml registry-server/target/surefire-reports/TEST-*FuzzTest.xml; do
  [ -f "$report" ] || continue
  name=$(basename "$report" .xml); name=${name#TEST-}
  if grep -q '<failure\|<error' "$report"; then
    log "FINDING  $name (see its -output.txt and the new crash-* file under src/test/resources)"
    status=1
  else
    log "ok       $name"
  fi
done
git status --short -- '*/src/test/resources/*Inputs/*' | sed 's/^/[fuzz] new input: /' >&2 || true
exit $status
