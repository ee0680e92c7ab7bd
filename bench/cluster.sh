#!/usr/bin/env bash
# Cluster benchmark (docs/deployment.md): Gatehouse on PostgreSQL against Gatehouse on SQLite, and one replica against
# two behind HAProxy, in one run, on one machine, over loopback. Prints a table and writes it into docs/performance.md.
#
#   bash bench/cluster.sh                 # RUNS=3 WRK_SECONDS=10 WRK_CONNECTIONS=32 by default
#   RUNS=1 WRK_SECONDS=5 ALLOW_DIRTY=1 DOC=/tmp/p.md bash bench/cluster.sh   # a quick look
#
# What is measured (each RUNS times, the order rotating from run to run; the median is reported):
#   PostgreSQL vs SQLite   manifest GET/s by tag and by digest, wrk -t2 -cWRK_CONNECTIONS for WRK_SECONDS, against one
#                          registry on a SQLite file and one on a throwaway PostgreSQL 15 cluster (initdb + pg_ctl
#                          on a free port, fsync off for both: the figure is the request path, not the disk).
#                          Blobs on the filesystem for both: a manifest GET reads no blob.
#   one vs two replicas    the same GETs through HAProxy (round robin, a new server connection per request, as the
#                          test and src-examples/registry/haproxy.cfg configure it) to one replica and to two, both on
#                          the PostgreSQL database; and pulls of a 4 MiB blob (wrk, MiB/s) from an S3 bucket (S3Proxy)
#                          when its jar is in the local Maven repository (mvn -pl registry-server process-test-resources).
# With 2 cores the client, HAProxy, PostgreSQL and the replicas all share them: a second replica brings no CPU, so the
# ratio measures what coordination costs, not scale-out. The section states the model that projects the shape.
# Everything binds free loopback ports and stops by itself; started processes are stopped by PID on exit.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."
ROOT=$(pwd)
bench_begin

RUNS=${RUNS:-3}
WRK_SECONDS=${WRK_SECONDS:-10}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}
XMX=${XMX:-256m}
JAR=${JAR:-$ROOT/registry-server/target/gatehouse.jar}
DOC=${DOC:-$ROOT/docs/performance.md}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
S3PROXY_JAR=${S3PROXY_JAR:-$HOME/.m2/repository/org/gaul/s3proxy/2.6.0/s3proxy-2.6.0-jar-with-dependencies.jar}

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# ------------------------------------------------------------------------------------------------ prerequisites
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
need=""
command -v wrk >/dev/null 2>&1 || need="$need wrk"
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || need="$need haproxy"
[ -x "$PGBIN/initdb" ] || need="$need postgresql"
command -v curl >/dev/null 2>&1 || need="$need curl"
command -v python3 >/dev/null 2>&1 || need="$need python3"
if [ -n "$need" ]; then
  log "installing:$need"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
  # Debian starts these as services; the benchmark runs its own copies on free ports.
  $SUDO systemctl stop haproxy postgresql >/dev/null 2>&1 || true
fi
HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building the registry jar"
  mvn -q -B -ntp -DskipTests -pl registry-server -am package
fi
[ -f "$JAR" ] || { log "no $JAR"; exit 2; }

# ------------------------------------------------------------------------------------------------ work area, cleanup
WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/gatehouse-cluster-bench.XXXXXX")
chmod 755 "$WORK"
PIDS=()
PG_STARTED=0
AS_PG=()
[ "$(id -u)" = 0 ] && AS_PG=(runuser -u postgres --)
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  if [ "$PG_STARTED" = 1 ]; then "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$WORK/pg/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
  [ "${KEEP_WORK:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT

# ------------------------------------------------------------------------------------------------ PostgreSQL, S3Proxy
PG_PORT=$(free_port)
mkdir -p "$WORK/pg"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$WORK/pg"
log "PostgreSQL on port $PG_PORT"
"${AS_PG[@]}" "$PGBIN/initdb" -D "$WORK/pg/data" -U gatehouse --auth=trust -E UTF8 --no-sync > "$WORK/pg/initdb.log" 2>&1
"${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w -t 60 \
  -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200 -c shared_buffers=128MB" \
  start > /dev/null
PG_STARTED=1
PG_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/postgres"

S3=""
if [ -f "$S3PROXY_JAR" ]; then
  S3_PORT=$(free_port)
  mkdir -p "$WORK/s3/buckets/bench"
  cat > "$WORK/s3/s3proxy.conf" <<EOF
s3proxy.endpoint=http://127.0.0.1:$S3_PORT
s3proxy.authorization=aws-v4
s3proxy.identity=bench-access
s3proxy.credential=bench-secret-not-a-real-one
jclouds.provider=filesystem
jclouds.filesystem.basedir=$WORK/s3/buckets
jclouds.identity=unused
jclouds.credential=unused
EOF
  java -Xmx512m -DLOG_LEVEL=warn -jar "$S3PROXY_JAR" --properties "$WORK/s3/s3proxy.conf" > "$WORK/s3/log" 2>&1 &
  PIDS+=("$!")
  S3=http://127.0.0.1:$S3_PORT
  wait_http "$S3/" "S3Proxy" "${PIDS[-1]}" || S3=""
fi
[ -n "$S3" ] || log "no S3Proxy jar at $S3PROXY_JAR: the replicas share a PostgreSQL database only, and the pull figure is left out"

# ------------------------------------------------------------------------------------------------ registries
# start_gatehouse NAME PORT ENV…: a registry (auth off, GC off) with its data under $WORK/NAME; waits for /readyz.
start_gatehouse() {
  local name=$1 port=$2; shift 2
  mkdir -p "$WORK/$name"
  env GATEHOUSE_HOST=127.0.0.1 GATEHOUSE_PORT="$port" GATEHOUSE_DATA_DIR="$WORK/$name/data" GATEHOUSE_GC_INTERVAL=0 \
    GATEHOUSE_AUTH_ENABLED=false GATEHOUSE_SCAN_ON_PUSH=false "$@" \
    java -Xmx$XMX -jar "$JAR" serve > "$WORK/$name/log" 2>&1 &
  PIDS+=("$!")
  if ! wait_http "http://127.0.0.1:$port/readyz" "Gatehouse $name" "${PIDS[-1]}"; then tail -30 "$WORK/$name/log" >&2; exit 1; fi
}

SQLITE_PORT=$(free_port); PGREG_PORT=$(free_port); REPLICA2_PORT=$(free_port)
start_gatehouse sqlite "$SQLITE_PORT"
SHARED=(GATEHOUSE_DATABASE="$PG_URL" GATEHOUSE_DATABASE_USER=gatehouse)
if [ -n "$S3" ]; then
  SHARED+=(GATEHOUSE_STORAGE_DRIVER=s3 GATEHOUSE_S3_BUCKET=bench GATEHOUSE_S3_ENDPOINT="$S3" GATEHOUSE_S3_PATH_STYLE=true
           GATEHOUSE_S3_REGION=us-east-1 GATEHOUSE_S3_ACCESS_KEY=bench-access GATEHOUSE_S3_SECRET_KEY=bench-secret-not-a-real-one)
fi
start_gatehouse replica1 "$PGREG_PORT" "${SHARED[@]}"
start_gatehouse replica2 "$REPLICA2_PORT" "${SHARED[@]}"
SQLITE=http://127.0.0.1:$SQLITE_PORT
PGREG=http://127.0.0.1:$PGREG_PORT

# haproxy_for NAME PORT SERVER_PORT…: an HAProxy on PORT over the given replicas; echoes its URL.
haproxy_for() {
  local name=$1 port=$2; shift 2
  {
    printf 'global\n    maxconn 4000\ndefaults\n    mode http\n    timeout connect 5s\n    timeout client 60s\n    timeout server 60s\n'
    printf '    option http-server-close\n    option redispatch\n    retries 3\n'
    printf 'frontend fe\n    bind 127.0.0.1:%s\n    default_backend replicas\n' "$port"
    printf 'backend replicas\n    balance roundrobin\n    option httpchk GET /readyz\n    default-server inter 1s fall 2 rise 1\n'
    local i=0
    for sp in "$@"; do i=$((i + 1)); printf '    server r%s 127.0.0.1:%s check\n' "$i" "$sp"; done
  } > "$WORK/haproxy-$name.cfg"
  "$HAPROXY" -db -f "$WORK/haproxy-$name.cfg" > "$WORK/haproxy-$name.log" 2>&1 &
  PIDS+=("$!")
  wait_http "http://127.0.0.1:$port/readyz" "HAProxy $name" "${PIDS[-1]}"
}
LB1_PORT=$(free_port); LB2_PORT=$(free_port)
haproxy_for one "$LB1_PORT" "$PGREG_PORT"
haproxy_for two "$LB2_PORT" "$PGREG_PORT" "$REPLICA2_PORT"
LB1=http://127.0.0.1:$LB1_PORT
LB2=http://127.0.0.1:$LB2_PORT

# ------------------------------------------------------------------------------------------------ content
# a small image: config, one 4 KiB layer, an OCI manifest tagged 1.0; and a 4 MiB blob to pull
python3 -c 'import os,sys; sys.stdout.buffer.write(os.urandom(4096))' > "$WORK/layer"
python3 -c 'import os,sys; sys.stdout.buffer.write(os.urandom(4 << 20))' > "$WORK/big"
printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}' > "$WORK/config.json"
sha() { echo "sha256:$(sha256sum "$1" | cut -d' ' -f1)"; }
LAYER_D=$(sha "$WORK/layer"); CFG_D=$(sha "$WORK/config.json"); BIG_D=$(sha "$WORK/big")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":4096}]}' \
  "$CFG_D" "$(stat -c %s "$WORK/config.json")" "$LAYER_D" > "$WORK/manifest.json"
MANIFEST_D=$(sha "$WORK/manifest.json")
seed() { # base
  local f d code
  for f in layer config.json big; do
    d=$(sha "$WORK/$f")
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 120 -X POST -H 'Content-Type: application/octet-stream' \
      --data-binary @"$WORK/$f" "$1/v2/bench/app/blobs/uploads/?digest=$d")
    case "$code" in 201) ;; *) log "blob push to $1: $code"; return 1;; esac
  done
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    --data-binary @"$WORK/manifest.json" "$1/v2/bench/app/manifests/1.0")
  case "$code" in 201) ;; *) log "manifest push to $1: $code"; return 1;; esac
}
seed "$SQLITE"
seed "$LB2"   # through the balancer: the replicas share the database (and the bucket)

# ------------------------------------------------------------------------------------------------ measurements
declare -A T
add() { T[$1]="${T[$1]:-}$2"$'\n'; }
# wrk_rate URL [bytes]: requests/s (or MiB/s with bytes) over WRK_SECONDS; 0 when any answer was not 2xx
wrk_rate() {
  local out
  out=$(wrk -t2 -c"$WRK_CONNECTIONS" -d"${WRK_SECONDS}s" --timeout 10s -H 'Accept: application/vnd.oci.image.manifest.v1+json' "$1")
  if echo "$out" | grep -q 'Non-2xx'; then log "wrk saw errors from $1:"; echo "$out" >&2; echo 0; return; fi
  local rps; rps=$(echo "$out" | awk '/^Requests\/sec:/ { print $2 }')
  if [ -n "${2:-}" ]; then awk -v r="$rps" -v b="$2" 'BEGIN { printf "%.1f", r * b / 1048576 }'; else echo "$rps"; fi
}
measure() {
  case "$1" in
    sqlite) add tag:sqlite "$(wrk_rate "$SQLITE/v2/bench/app/manifests/1.0")"
            add digest:sqlite "$(wrk_rate "$SQLITE/v2/bench/app/manifests/$MANIFEST_D")" ;;
    pg)     add tag:pg "$(wrk_rate "$PGREG/v2/bench/app/manifests/1.0")"
            add digest:pg "$(wrk_rate "$PGREG/v2/bench/app/manifests/$MANIFEST_D")" ;;
    one)    add lb:one "$(wrk_rate "$LB1/v2/bench/app/manifests/1.0")"
            [ -z "$S3" ] || add pull:one "$(wrk_rate "$LB1/v2/bench/app/blobs/$BIG_D" $((4 << 20)))" ;;
    two)    add lb:two "$(wrk_rate "$LB2/v2/bench/app/manifests/1.0")"
            [ -z "$S3" ] || add pull:two "$(wrk_rate "$LB2/v2/bench/app/blobs/$BIG_D" $((4 << 20)))" ;;
  esac
}
log "warm-up"
for u in "$SQLITE" "$PGREG" "$LB1" "$LB2"; do wrk -t2 -c"$WRK_CONNECTIONS" -d2s "$u/v2/bench/app/manifests/1.0" >/dev/null 2>&1 || true; done
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
run_rotated "$RUNS" "sqlite pg one two" "two one pg sqlite" "pg sqlite two one"

# ------------------------------------------------------------------------------------------------ the table
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) { print "nan"; exit } if (NR % 2) print a[(NR + 1) / 2]; else printf "%.1f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
med() { local s="${T[$1]:-}"; [ -n "$s" ] && printf '%s' "$s" | grep -v '^$' | median || echo nan; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || a + 0 == 0 || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }
verdict() { judge "$(awk -v r="$1" -v t="$2" 'BEGIN { if (r == "n/a") print "not measured"; else if (r + 0 >= t + 0) print "met"; else printf "MISSED by %.0f%%\n", (1 - r / t) * 100 }')"; }

TAG_SQ=$(med tag:sqlite); TAG_PG=$(med tag:pg); DIG_SQ=$(med digest:sqlite); DIG_PG=$(med digest:pg)
LB_ONE=$(med lb:one); LB_TWO=$(med lb:two); PULL_ONE=$(med pull:one); PULL_TWO=$(med pull:two)
R_TAG=$(ratio "$TAG_PG" "$TAG_SQ"); R_DIG=$(ratio "$DIG_PG" "$DIG_SQ")
R_LB=$(ratio "$LB_TWO" "$LB_ONE"); R_PULL=$(ratio "$PULL_TWO" "$PULL_ONE")

TABLE=$(cat <<EOF
| measurement | PostgreSQL | SQLite | ratio | target | verdict |
|---|---|---|---|---|---|
| manifest GET by tag, ${WRK_CONNECTIONS} connections (requests/s) | $TAG_PG | $TAG_SQ | $R_TAG × SQLite | ≥ 0.8 | $(verdict "$R_TAG" 0.8) |
| manifest GET by digest (requests/s) | $DIG_PG | $DIG_SQ | $R_DIG × SQLite | ≥ 0.8 | $(verdict "$R_DIG" 0.8) |

| through HAProxy, replicas on PostgreSQL | two replicas | one replica | ratio | expectation on $(nproc) cores |
|---|---|---|---|---|
| manifest GET by tag (requests/s) | $LB_TWO | $LB_ONE | $R_LB × one | ≈ 1 (no spare core: see the model) |
| blob GET, 4 MiB from S3Proxy (MiB/s) | $PULL_TWO | $PULL_ONE | $R_PULL × one | ≈ 1 (S3Proxy and the client share the cores) |
EOF
)
MACHINE="$(nproc) cores ($(lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2; exit }')), $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM, $(. /etc/os-release; echo "$PRETTY_NAME"), $(java -version 2>&1 | sed -n 1p), PostgreSQL $("$PGBIN/postgres" --version | awk '{ print $3 }'), $("$HAPROXY" -v | sed -n 1p | awk '{ print "HAProxy", $3 }')"
STAMP=$(run_conditions)
SAMPLES=$(for k in tag:sqlite tag:pg digest:sqlite digest:pg lb:one lb:two pull:one pull:two; do
  printf '%s: %s\n' "$k" "$(printf '%s' "${T[$k]:-}" | grep -v '^$' | tr '\n' ' ')"; done)
echo
echo "$TABLE"
echo
echo "$SAMPLES"

SECTION=$(cat <<EOF
<!-- bench/cluster.sh:begin (generated; rerun the script to refresh) -->
### Cluster: PostgreSQL against SQLite, one replica against two

Run: $STAMP; RUNS=$RUNS, wrk -t2 ${WRK_SECONDS}s × ${WRK_CONNECTIONS} connections.
Machine: $MACHINE. Load average (1/5/15 min) when the measurements started: $LOAD_BEFORE.

$TABLE

On PostgreSQL a replica answers tags from its cache while it holds its read lease (docs/deployment.md, "Read
leases": a push is acknowledged only once every replica has dropped the tag, so nothing stale is served), as a single
SQLite node does; manifests by digest come from memory on both.

The model for replicas: a request costs c_r of CPU on a replica, c_lb on HAProxy, c_db on PostgreSQL and c_w on the
client; with N replicas on their own cores X(N) = min(N · P_r / c_r, P_lb / c_lb, P_db / c_db), where P is the cores
each part has. Here every part shares the same $(nproc) cores, so X(N) = P / (c_r + c_lb + c_db + c_w) whatever N:
the second replica adds coordination (a second pool, a listener) and no capacity, and the ratio shows that cost. On
separate machines the replica term dominates (the JSON, TLS and hashing are on the replicas), so X(N) grows with N
until PostgreSQL (one primary-key lookup per GET by tag) or the balancer saturates; blob pulls with
\`storage.s3.redirect: true\` leave the replicas entirely.

Raw samples:
\`\`\`
$SAMPLES
\`\`\`
<!-- bench/cluster.sh:end -->
EOF
)
write_section "$DOC" cluster.sh "$SECTION"
log "wrote the results into $DOC"
