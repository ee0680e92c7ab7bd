#!/usr/bin/env bash
# Mirror benchmark: `gatehouse mirror` vs `skopeo sync`, side by side in one run, on one machine, over loopback.
# Upstream: CNCF Distribution (Debian docker-registry) holding TAGS tags of one repository whose images share most of
# their layers (about TOTAL_MIB in all). Targets: two fresh Gatehouse registries, one for each tool, so neither sees the
# other's blobs. Each run mirrors into a fresh repository (first copy), then mirrors again (incremental rerun).
#
#   bash bench/mirror.sh                 # RUNS=3 TAGS=20 TOTAL_MIB=200
#   RUNS=1 bash bench/mirror.sh          # a quick look (still writes the doc; say so if you commit it)
#
# Reported: median seconds per tool, and ratios ours/skopeo (lower is better; targets <= 0.5 first copy, <= 0.1 rerun).
# Our time includes the JVM start of `java -jar gatehouse.jar mirror` (the way cron or CI runs it).
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."
ROOT=$(pwd)
bench_begin

RUNS=${RUNS:-3}
TAGS=${TAGS:-20}
TOTAL_MIB=${TOTAL_MIB:-200}
SHARED_LAYERS=${SHARED_LAYERS:-4}
JAR=${JAR:-$ROOT/registry-server/target/gatehouse.jar}
DOC=${DOC:-$ROOT/docs/performance.md}
SKOPEO=${SKOPEO:-/usr/bin/skopeo}

log() { printf '[mirror-bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
need=""
[ -x /usr/bin/docker-registry ] || need="$need docker-registry"
[ -x "$SKOPEO" ] || need="$need skopeo"
command -v curl >/dev/null 2>&1 || need="$need curl"
command -v python3 >/dev/null 2>&1 || need="$need python3"
if [ -n "$need" ]; then
  log "installing:$need"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
  $SUDO systemctl stop docker-registry >/dev/null 2>&1 || true
fi
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building the gatehouse jar"
  mvn -q -B -ntp -DskipTests -pl registry-server -am package
fi
[ -f "$JAR" ] || { log "no $JAR"; exit 1; }

WORK=$(mktemp -d /tmp/gatehouse-mirror-bench.XXXXXX)
PIDS=()
cleanup() {
  # registries started inside $(…) record their pid in $WORK/pids (an array assignment there would be lost)
  [ -f "$WORK/pids" ] && while read -r p; do PIDS+=("$p"); done < "$WORK/pids"
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  [ "${KEEP_WORK:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT

# ------------------------------------------------------------------------------------------------ servers
UP_PORT=$(free_port)
mkdir -p "$WORK/up"
cat > "$WORK/up/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $WORK/up/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$UP_PORT
EOF
/usr/bin/docker-registry serve "$WORK/up/config.yml" > "$WORK/up/log" 2>&1 &
PIDS+=("$!")
UP=127.0.0.1:$UP_PORT
wait_http "http://$UP/v2/" "Distribution"

start_gatehouse() { # name -> host:port
  local port; port=$(free_port)
  mkdir -p "$WORK/$1"
  GATEHOUSE_HOST=127.0.0.1 GATEHOUSE_PORT=$port GATEHOUSE_DATA_DIR="$WORK/$1/data" GATEHOUSE_GC_INTERVAL=0 GATEHOUSE_SCAN_ON_PUSH=false GATEHOUSE_AUTH_ENABLED=false \
    java -Xmx512m -jar "$JAR" serve > "$WORK/$1/log" 2>&1 &
  echo "$!" >> "$WORK/pids"; echo "$!" > "$WORK/$1/pid"
  wait_http "http://127.0.0.1:$port/v2/" "Gatehouse $1" >&2
  echo "127.0.0.1:$port"
}
# A target is stopped as soon as its measurements are done: a JVM that has just taken 200 MiB keeps compiling in the
# background for seconds, and on 2 cores that would be charged to whatever is measured next.
stop_gatehouse() { # name
  local pid; pid=$(cat "$WORK/$1/pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}
OURS_TARGET=$(start_gatehouse ours-training)
# a third target with access control on (the management API needs it) for the server-side mirror
SERVER_PW="bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
SERVER_PORT=$(free_port); mkdir -p "$WORK/server"
GATEHOUSE_HOST=127.0.0.1 GATEHOUSE_PORT=$SERVER_PORT GATEHOUSE_DATA_DIR="$WORK/server/data" GATEHOUSE_GC_INTERVAL=0 GATEHOUSE_SCAN_ON_PUSH=false GATEHOUSE_ADMIN_PASSWORD="$SERVER_PW" \
  java -Xmx512m -jar "$JAR" serve > "$WORK/server/log" 2>&1 &
PIDS+=("$!")
SERVER_TARGET=127.0.0.1:$SERVER_PORT
wait_http "http://$SERVER_TARGET/v2/" "Gatehouse server (auth on)"
log "upstream Distribution $UP; Gatehouse $SERVER_TARGET (server-side mirror); fresh targets per run for the CLI and skopeo"

# ------------------------------------------------------------------------------------------------ seed the upstream
log "seeding $TAGS tags (~$TOTAL_MIB MiB, $SHARED_LAYERS shared layers + one small own layer per tag)"
python3 - "$UP" "$TAGS" "$TOTAL_MIB" "$SHARED_LAYERS" <<'PY'
import gzip, hashlib, io, json, os, sys, tarfile, urllib.request
host, tags, total_mib, shared = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
base = f"http://{host}"
repo = "bench/app"
def req(method, url, data=None, headers=None):
    r = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    return urllib.request.urlopen(r)
def layer(size):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as t:
        info = tarfile.TarInfo("data.bin"); info.size = size
        t.addfile(info, io.BytesIO(os.urandom(size)))
    tar = raw.getvalue()
    gz = gzip.compress(tar, compresslevel=1, mtime=0)
    return gz, "sha256:" + hashlib.sha256(tar).hexdigest()
def push_blob(data):
    d = "sha256:" + hashlib.sha256(data).hexdigest()
    loc = req("POST", f"{base}/v2/{repo}/blobs/uploads/").headers["Location"]
    if loc.startswith("/"): loc = base + loc
    req("PUT", loc + ("&" if "?" in loc else "?") + "digest=" + d, data, {"Content-Type": "application/octet-stream"})
    return d, len(data)
own_size = 512 * 1024
shared_size = max(1, (total_mib * 1048576 - tags * own_size) // shared)
shared_layers = []
for i in range(shared):
    gz, diff = layer(shared_size)
    d, n = push_blob(gz); shared_layers.append((d, n, diff))
for t in range(tags):
    gz, diff = layer(own_size)
    d, n = push_blob(gz)
    layers = shared_layers + [(d, n, diff)]
    cfg = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [l[2] for l in layers]},
                      "config": {"Env": [f"TAG=1.{t}"]}}).encode()
    cd, cn = push_blob(cfg)
    m = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cn},
                    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": l[0], "size": l[1]} for l in layers]}).encode()
    req("PUT", f"{base}/v2/{repo}/manifests/1.{t}", m, {"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
# the server-side mirror's untimed warm-up: as many tags as bench/app, each a tiny image of its own
repo = "bench/warm"
for t in range(tags):
    gz, diff = layer(1024)
    d, n = push_blob(gz)
    cd, cn = push_blob(json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [diff]},
                                   "config": {"Env": [f"WARM={t}"]}}).encode())
    m = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cn},
                    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d, "size": n}]}).encode()
    req("PUT", f"{base}/v2/{repo}/manifests/w{t}", m, {"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
# a tiny separate repository for the CLI's untimed training run (shares nothing with bench/app)
repo = "bench/training"
gz, diff = layer(1024)
d, n = push_blob(gz)
cd, cn = push_blob(json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [diff]}}).encode())
m = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cn},
                "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d, "size": n}]}).encode()
req("PUT", f"{base}/v2/{repo}/manifests/1", m, {"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
PY
UPSTREAM_BYTES=$(du -sb "$WORK/up/data" | cut -f1)

# ------------------------------------------------------------------------------------------------ measurements
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
# The CLI is a JVM: most of a short run's CPU goes to loading and verifying classes. As recommended for cron/CI use
# (docs/mirroring.md), it runs with an AppCDS archive made once by a training run (not timed) and the
# serial GC (not C1-only: C1 has no SHA-256 intrinsic, and hashing 200 MiB then costs seconds). The training run mirrors a separate tiny repository (shares no blob).
# JAVA_CLI_OPTS="" measures a plain `java -jar` instead.
CDS="$WORK/gatehouse-cli.jsa"
JAVA_CLI_OPTS=${JAVA_CLI_OPTS--XX:SharedArchiveFile=$CDS -XX:+UseSerialGC}
if [ -n "$JAVA_CLI_OPTS" ]; then
  log "training run for the class-data archive"
  java -XX:ArchiveClassesAtExit="$CDS" -XX:+UseSerialGC -jar "$JAR" mirror -q \
    "$UP/bench/training" "$OURS_TARGET/training/app" > "$WORK/training.out" 2>&1 || { log "training run failed"; cat "$WORK/training.out" >&2; exit 1; }
fi
stop_gatehouse ours-training
# Each run prints "wall cpu" seconds (cpu = user + sys of the tool's process, from bash's time): on a shared machine
# the wall time swings with the load, the CPU time much less, so both are recorded.
TIMEFORMAT='%R %U %S'
timed() { # outfile cmd... -> "wall cpu"
  local out=$1; shift
  local t
  t=$( { time "$@" > "$out" 2>&1; } 2>&1 ) || { log "failed: $*"; tail -5 "$out" >&2; return 1; }
  echo "$t" | awk '{ printf "%.3f %.3f", $1, $2 + $3 }'
}
run_ours() { # repo -> "wall cpu"
  # shellcheck disable=SC2086
  timed "$WORK/ours-$1.out" java $JAVA_CLI_OPTS -jar "$JAR" mirror "$UP/bench/app" "$OURS_TARGET/$1/app" -q
}
run_skopeo() { # repo -> "wall cpu"
  timed "$WORK/skopeo-$1.out" "$SKOPEO" sync --src docker --dest docker --src-tls-verify=false --dest-tls-verify=false \
    "$UP/bench/app" "$SKOPEO_TARGET/$1"
}
# What each tool made the target do: blob+manifest bytes it received and HTTP requests it answered (from its /metrics)
target_counters() { # host:port -> "bytes requests"
  curl -s "http://$1/metrics" | awk '/^gatehouse_bytes_received_bytes_total/ { b += $2 } /^gatehouse_http_requests_seconds_count/ { r += $2 }
    END { printf "%.0f %.0f", b, r }'
}
counted() { # host:port var cmd... : runs cmd, stores "bytes requests" delta into var, echoes cmd's output
  local host=$1 var=$2; shift 2
  local before after out
  before=$(target_counters "$host"); out=$("$@") || return 1; after=$(target_counters "$host")
  printf -v "$var" '%s' "$(awk -v a="$before" -v b="$after" 'BEGIN { split(a, x, " "); split(b, y, " "); printf "%.1fMiB/%dreq", (y[1] - x[1]) / 1048576, y[2] - x[2] }')"
  echo "$out"
}
run_server() { # repo -> "seconds 0": POST /api/v1/mirrors/<repo>/app to the running registry
  # The time is the API call's, curl's time_total: what a caller that is already running (the Jenkins plugin, a
  # scheduler) waits for. Starting a curl process (about 45 ms on this VM) is the shell's, not the mirror's.
  local out="$WORK/server-$1.out" t
  t=$(curl -s -f -o "$out" -w '%{time_total}' -u "admin:$SERVER_PW" -H 'Content-Type: application/json' \
        -d "{\"upstream\": \"$UP/bench/app\"}" "http://$SERVER_TARGET/api/v1/mirrors/$1/app") || { log "server-side mirror failed"; cat "$out" >&2; return 1; }
  printf '%.3f 0' "$t"
}
run_cli_server() { # repo -> "wall cpu": the CLI asking the server-side registry to mirror (JVM start included)
  # shellcheck disable=SC2086
  GATEHOUSE_DEST_PASSWORD="$SERVER_PW" timed "$WORK/cli-server-$1.out" java $JAVA_CLI_OPTS -jar "$JAR" mirror --server-side \
    "$UP/bench/app" "$SERVER_TARGET/$1/app" --dest-username admin -q
}
check_tags() { # target repo -> number of tags
  curl -s "http://$1/v2/$2/tags/list" | python3 -c 'import json,sys; print(len(json.load(sys.stdin).get("tags") or []))'
}

# The server-side registry is a long-running server, measured in its steady state as bench/registry.sh measures
# the registry: before the first measured run it mirrors bench/warm (as many tags as bench/app, tiny images, shares
# nothing with it) once and then WARMUP_RERUNS times unchanged, untimed, so its JIT has compiled the copy and planning
# paths. 1000 reruns is what a registry mirroring 20 repositories every 5 minutes does in about 4 hours; after 100,
# the C2 compiler still took half of the server's CPU during a rerun (async-profiler) and reruns took ~25% longer.
# (skopeo is a native binary and needs no warm-up; Distribution, the upstream, serves both alike.)
WARMUP_RERUNS=${WARMUP_RERUNS:-1000}
SERVER_RERUNS=${SERVER_RERUNS:-5}
log "server-side warm-up: 1 copy + $WARMUP_RERUNS unchanged reruns of bench/warm"
for i in $(seq 0 "$WARMUP_RERUNS"); do
  curl -s -f -o /dev/null -u "admin:$SERVER_PW" -H 'Content-Type: application/json' \
    -d "{\"upstream\": \"$UP/bench/warm\"}" "http://$SERVER_TARGET/api/v1/mirrors/warm/app" || { log "warm-up mirror failed"; exit 1; }
done

SV_FIRST=(); SV_RERUN=(); CS_FIRST=(); CS_RERUN=(); OURS_FIRST=(); OURS_RERUN=(); SK_FIRST=(); SK_RERUN=(); CPU_OURS_FIRST=(); CPU_OURS_RERUN=(); CPU_SK_FIRST=(); CPU_SK_RERUN=()
for run in $(seq 1 "$RUNS"); do
  repo="mirror$run"
  # Fresh target registries each run: skopeo remembers (blob-info cache) where it pushed a blob and mounts it from
  # there on the next run, which moved 0 bytes on runs 2-3 when the targets were shared. (The server-side target is
  # one long-running registry by design; each of its runs goes into a new repository and moves all bytes again.)
  OURS_TARGET=$(start_gatehouse "ours$run"); SKOPEO_TARGET=$(start_gatehouse "skopeo$run")
  # alternate who goes first, so neither always gets the warmer page cache
  if [ $((run % 2)) = 1 ]; then
    counted "$SKOPEO_TARGET" ts1 run_skopeo "$repo" > "$WORK/t"; s1=$(cat "$WORK/t")
    counted "$OURS_TARGET" to1 run_ours "$repo" > "$WORK/t"; o1=$(cat "$WORK/t")
    counted "$SKOPEO_TARGET" ts2 run_skopeo "$repo" > "$WORK/t"; s2=$(cat "$WORK/t")
    counted "$OURS_TARGET" to2 run_ours "$repo" > "$WORK/t"; o2=$(cat "$WORK/t")
  else
    counted "$OURS_TARGET" to1 run_ours "$repo" > "$WORK/t"; o1=$(cat "$WORK/t")
    counted "$SKOPEO_TARGET" ts1 run_skopeo "$repo" > "$WORK/t"; s1=$(cat "$WORK/t")
    counted "$OURS_TARGET" to2 run_ours "$repo" > "$WORK/t"; o2=$(cat "$WORK/t")
    counted "$SKOPEO_TARGET" ts2 run_skopeo "$repo" > "$WORK/t"; s2=$(cat "$WORK/t")
  fi
  log "run $run target received (bytes/requests): first ours $to1, skopeo $ts1; rerun ours $to2, skopeo $ts2"
  n_ours=$(check_tags "$OURS_TARGET" "$repo/app"); n_sk=$(check_tags "$SKOPEO_TARGET" "$repo/app")
  [ "$n_ours" = "$TAGS" ] && [ "$n_sk" = "$TAGS" ] || { log "tag count mismatch: ours $n_ours skopeo $n_sk (want $TAGS)"; exit 1; }
  stop_gatehouse "ours$run"; stop_gatehouse "skopeo$run"
  counted "$SERVER_TARGET" tv1 run_server "$repo" > "$WORK/t"; v1=$(cat "$WORK/t")
  SV_FIRST+=("${v1% *}")
  # several unchanged reruns per run (a rerun is ~40 ms, so one sample is at the mercy of a single scheduler hiccup)
  rr=()
  for _ in $(seq 1 "$SERVER_RERUNS"); do
    counted "$SERVER_TARGET" tv2 run_server "$repo" > "$WORK/t"; v2=$(cat "$WORK/t")
    grep -q '"UNCHANGED"' "$WORK/server-$repo.out" && ! grep -q '"COPIED"' "$WORK/server-$repo.out" || { log "server-side rerun copied something"; exit 1; }
    rr+=("${v2% *}"); SV_RERUN+=("${v2% *}")
  done
  log "run $run server-side (POST /api/v1/mirrors) seconds: first ${v1% *}, reruns ${rr[*]}; target received: first $tv1, rerun $tv2"
  c1=$(run_cli_server "cli$run"); c2=$(run_cli_server "cli$run")
  grep -q "0 copied, $TAGS unchanged" "$WORK/cli-server-cli$run.out" || { log "CLI --server-side rerun copied something"; cat "$WORK/cli-server-cli$run.out" >&2; exit 1; }
  log "run $run CLI --server-side (wall cpu): first $c1, rerun $c2"
  CS_FIRST+=("${c1% *}"); CS_RERUN+=("${c2% *}")
  TRAFFIC="first copy: ours $to1, skopeo $ts1, server-side $tv1; rerun: ours $to2, skopeo $ts2, server-side $tv2"
  load_sample
  log "run $run (wall cpu): first copy ours $o1, skopeo $s1; rerun ours $o2, skopeo $s2"
  OURS_FIRST+=("${o1% *}"); OURS_RERUN+=("${o2% *}"); SK_FIRST+=("${s1% *}"); SK_RERUN+=("${s2% *}")
  CPU_OURS_FIRST+=("${o1#* }"); CPU_OURS_RERUN+=("${o2#* }"); CPU_SK_FIRST+=("${s1#* }"); CPU_SK_RERUN+=("${s2#* }")
done

median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { judge "$(awk -v r="$1" -v t="$2" 'BEGIN { if (r + 0 <= t + 0) print "met"; else printf "MISSED (%.2fx the target)\n", r / t }')"; }
MO1=$(median "${OURS_FIRST[@]}"); MS1=$(median "${SK_FIRST[@]}"); MO2=$(median "${OURS_RERUN[@]}"); MS2=$(median "${SK_RERUN[@]}")
R1=$(ratio "$MO1" "$MS1"); R2=$(ratio "$MO2" "$MS2")
MC1=$(median "${CS_FIRST[@]}"); MC2=$(median "${CS_RERUN[@]}"); RC1=$(ratio "$MC1" "$MS1"); RC2=$(ratio "$MC2" "$MS2")
MV1=$(median "${SV_FIRST[@]}"); MV2=$(median "${SV_RERUN[@]}"); RV1=$(ratio "$MV1" "$MS1"); RV2=$(ratio "$MV2" "$MS2")
CO1=$(median "${CPU_OURS_FIRST[@]}"); CS1=$(median "${CPU_SK_FIRST[@]}"); CO2=$(median "${CPU_OURS_RERUN[@]}"); CS2=$(median "${CPU_SK_RERUN[@]}")
TABLE=$(cat <<EOF
| mirror $TAGS tags ($(awk -v b="$UPSTREAM_BYTES" 'BEGIN { printf "%.0f", b / 1048576 }') MiB upstream) | gatehouse mirror (s) | skopeo sync (s) | ours / skopeo | target | verdict | CPU s ours / skopeo |
|---|---|---|---|---|---|---|
| first copy | $MO1 | $MS1 | $R1 | <= 0.5 | $(verdict "$R1" 0.5) | $CO1 / $CS1 |
| incremental rerun (nothing changed) | $MO2 | $MS2 | $R2 | <= 0.1 | $(verdict "$R2" 0.1) | $CO2 / $CS2 |
| first copy, server-side (\`POST /api/v1/mirrors\`, curl) | $MV1 | $MS1 | $RV1 | <= 0.5 | $(verdict "$RV1" 0.5) | in the registry |
| incremental rerun, server-side | $MV2 | $MS2 | $RV2 | <= 0.1 | $(verdict "$RV2" 0.1) | in the registry |
| first copy, CLI \`--server-side\` (JVM start included) | $MC1 | $MS1 | $RC1 | <= 0.5 | $(verdict "$RC1" 0.5) | in the registry |
| incremental rerun, CLI \`--server-side\` | $MC2 | $MS2 | $RC2 | <= 0.1 | $(verdict "$RC2" 0.1) | in the registry |
EOF
)
echo "$TABLE"
SAMPLES="wall  ours first:   ${OURS_FIRST[*]}
wall  skopeo first: ${SK_FIRST[*]}
wall  ours rerun:   ${OURS_RERUN[*]}
wall  skopeo rerun: ${SK_RERUN[*]}
wall  server first: ${SV_FIRST[*]}
wall  server rerun: ${SV_RERUN[*]}
wall  cli --server-side first: ${CS_FIRST[*]}
wall  cli --server-side rerun: ${CS_RERUN[*]}
cpu   ours first:   ${CPU_OURS_FIRST[*]}
cpu   skopeo first: ${CPU_SK_FIRST[*]}
cpu   ours rerun:   ${CPU_OURS_RERUN[*]}
cpu   skopeo rerun: ${CPU_SK_RERUN[*]}"
STAMP=$(run_conditions)
MACHINE="$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg); $("$SKOPEO" --version)"

SECTION=$(cat <<EOF
<!-- bench/mirror.sh:begin (generated; rerun the script to refresh) -->
Run: $STAMP; RUNS=$RUNS, $TAGS tags, $SHARED_LAYERS shared layers; server-side: $WARMUP_RERUNS warm-up reruns, $SERVER_RERUNS measured reruns per run; JVM options for the CLI: \`${JAVA_CLI_OPTS:-none}\`.
Machine: $MACHINE.

$TABLE

What the target registry received in the last run (blob + manifest bytes / HTTP requests, from its /metrics): ${TRAFFIC}.

Raw samples (seconds; cpu = user + sys of the tool's own process, not counting the registries):
\`\`\`
$SAMPLES
\`\`\`
<!-- bench/mirror.sh:end -->
EOF
)
write_section "$DOC" mirror.sh "$SECTION"
log "wrote the results into $DOC"
