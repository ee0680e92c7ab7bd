#!/usr/bin/env bash
# Registry benchmark: Gatehouse side by side with CNCF Distribution (Debian docker-registry) and nginx, in one run,
# on one machine, over loopback. Prints a table of ratios and writes it into docs/performance.md.
#
#   bash bench/registry.sh            # RUNS=3 SIZE_MIB=1024 WRK_SECONDS=10 CHUNK_MIB=64 by default
#   RUNS=1 SIZE_MIB=256 bash bench/registry.sh   # a quick smoke run (still writes the doc; say so if you commit it)
#   BENCH_DIR=/dev/shm RUNS=1 SIZE_MIB=512 DOC=/tmp/p.md bash bench/registry.sh
#                                     # everything on tmpfs: no disk, so fsync is free; isolates CPU from storage cost
#
# What is measured (each RUNS times, interleaved ours/Distribution, the median is reported):
#   push monolithic  POST + one PUT ?digest= with the whole layer          (curl -T, streamed from the page cache)
#   push chunked     POST + PATCH CHUNK_MIB pieces with Content-Range + PUT (curl -T per chunk file)
#                    (push time = sum of curl's time_total over the requests; the page cache is dropped before each)
#   pull             GET /v2/<name>/blobs/<digest> to /dev/null; nginx serves the same file from disk
#   manifest GET/s   wrk -t2 -c32 for WRK_SECONDS, Accept: OCI manifest; nginx serves the same bytes as a static file
#   memory           our registry runs the whole benchmark with -Xmx256m; VmHWM (peak RSS) from /proc/PID/status
# Every layer is fresh random data (openssl aes-ctr keystream), so no run can be answered from deduplication.
# Everything binds free loopback ports and stops by itself; started processes are killed by PID on exit.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."
ROOT=$(pwd)
bench_begin

RUNS=${RUNS:-3}
SIZE_MIB=${SIZE_MIB:-1024}
CHUNK_MIB=${CHUNK_MIB:-64}
WRK_SECONDS=${WRK_SECONDS:-10}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}
XMX=${XMX:-256m}
JAR=${JAR:-$ROOT/registry-server/target/gatehouse.jar}
DOC=${DOC:-$ROOT/docs/performance.md}
CURL_MAX_TIME=600

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# ------------------------------------------------------------------------------------------------ prerequisites
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
need=""
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need="$need nginx"
command -v wrk >/dev/null 2>&1 || need="$need wrk"
[ -x /usr/bin/docker-registry ] || need="$need docker-registry"
command -v curl >/dev/null 2>&1 || need="$need curl"
command -v openssl >/dev/null 2>&1 || need="$need openssl"
command -v python3 >/dev/null 2>&1 || need="$need python3"
if [ -n "$need" ]; then
  log "installing:$need"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
  # Debian starts these as services; the benchmark runs its own copies on free ports.
  $SUDO systemctl stop docker-registry nginx >/dev/null 2>&1 || true
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building the registry jar"
  mvn -q -B -ntp -DskipTests -pl registry-server -am package
fi
HAVE_OURS=1
[ -f "$JAR" ] || { log "no $JAR: measuring the references only"; HAVE_OURS=0; }

# ------------------------------------------------------------------------------------------------ work area, cleanup
WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/gatehouse-bench.XXXXXX")
chmod 755 "$WORK"   # nginx's workers run as an unprivileged user and must read the files it serves
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  [ "${KEEP_WORK:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT



# ------------------------------------------------------------------------------------------------ start the three servers
DIST_PORT=$(free_port)
start_distribution "$WORK/dist" "$DIST_PORT"
DIST_PID=${PIDS[-1]}
DIST=http://127.0.0.1:$DIST_PORT

NGINX_PORT=$(free_port)
mkdir -p "$WORK/nginx/www" "$WORK/nginx/tmp" "$WORK/nginx/logs"
cat > "$WORK/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log error;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path $WORK/nginx/tmp/body;
  proxy_temp_path $WORK/nginx/tmp/proxy;
  fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
  uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
  scgi_temp_path $WORK/nginx/tmp/scgi;
  types { application/vnd.oci.image.manifest.v1+json json; application/octet-stream bin; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/nginx/www;
  }
}
EOF
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' > "$WORK/nginx/logs/stdout" 2>&1 &
NGINX_PID=$!; PIDS+=("$NGINX_PID")
NGX=http://127.0.0.1:$NGINX_PORT
echo ok > "$WORK/nginx/www/ping"
wait_http "$NGX/ping" "nginx" "$NGINX_PID"

OURS=""; OURS_PID=""
if [ "$HAVE_OURS" = 1 ]; then
  OURS_PORT=$(free_port)
  mkdir -p "$WORK/ours"
  GATEHOUSE_HOST=127.0.0.1 GATEHOUSE_PORT=$OURS_PORT GATEHOUSE_DATA_DIR="$WORK/ours/data" GATEHOUSE_GC_INTERVAL=0 GATEHOUSE_AUTH_ENABLED=false \
    java -Xmx$XMX -jar "$JAR" serve > "$WORK/ours/log" 2>&1 &
  OURS_PID=$!; PIDS+=("$OURS_PID")
  OURS=http://127.0.0.1:$OURS_PORT
  if ! wait_http "$OURS/v2/" "Gatehouse" "$OURS_PID"; then tail -20 "$WORK/ours/log" >&2; HAVE_OURS=0; OURS=""; fi
fi
log "Distribution $DIST, nginx $NGX, Gatehouse ${OURS:-not running}"

# ------------------------------------------------------------------------------------------------ measurements
mibps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / 1048576 / s }'; }
http_code_ok() { case "$1" in 2??) return 0;; *) return 1;; esac; }

# Push times are the sum of curl's own time_total over the push's requests (POST, PATCHes, PUT): the registry's share.
# The shell between requests (a curl process to start, headers to parse: about 80 ms a request here) is the same
# for both registries and belongs to neither; counted in, it made eight 64 MiB PATCHes look 0.7 s slower for both.
# Real clients (docker, containerd, skopeo) push from one process over a kept-alive connection.
sum_times() { awk '{ s += $1 } END { printf "%.3f", s }'; }

# POST to start an upload: prints "<location> <seconds>" (location made absolute)
start_upload() { # base repo
  local out loc t
  out=$(curl -s -o /dev/null -D - -w 'TIME %{time_total}\n' --max-time 30 -X POST "$1/v2/$2/blobs/uploads/" | tr -d '\r')
  loc=$(echo "$out" | awk 'tolower($1)=="location:" {print $2}')
  t=$(echo "$out" | awk '$1=="TIME" {print $2}')
  case "$loc" in http*) echo "$loc $t";; *) echo "$1$loc $t";; esac
}
with_digest() { case "$1" in *\?*) echo "$1&digest=$2";; *) echo "$1?digest=$2";; esac; }

push_mono() { # base repo file digest -> seconds
  local loc t0 out code
  read -r loc t0 < <(start_upload "$1" "$2")
  out=$(curl -s -o "$WORK/last-body" -w '%{http_code} %{time_total}' --max-time $CURL_MAX_TIME -X PUT -T "$3" -H 'Expect:' \
    -H 'Content-Type: application/octet-stream' "$(with_digest "$loc" "$4")")
  code=${out% *}
  http_code_ok "$code" || { log "monolithic push to $1 failed: $code $(head -c 300 "$WORK/last-body")"; return 1; }
  printf '%s\n%s\n' "$t0" "${out#* }" | sum_times
}

push_chunked() { # base repo chunkdir digest -> seconds
  local loc t0 off=0 size code hdrs out times
  read -r loc t0 < <(start_upload "$1" "$2")
  times="$t0"
  for c in "$3"/chunk.*; do
    size=$(stat -c %s "$c")
    hdrs=$(curl -s -o "$WORK/last-body" -D - -w 'TIME %{time_total}\n' --max-time $CURL_MAX_TIME -X PATCH -T "$c" -H 'Expect:' \
      -H 'Content-Type: application/octet-stream' -H "Content-Range: $off-$((off + size - 1))" "$loc" | tr -d '\r')
    code=$(echo "$hdrs" | awk 'NR==1 {print $2}')
    http_code_ok "$code" || { log "PATCH to $1 at $off failed: $code $(head -c 300 "$WORK/last-body")"; return 1; }
    loc=$(echo "$hdrs" | awk 'tolower($1)=="location:" {print $2}')
    case "$loc" in http*) ;; *) loc="$1$loc";; esac
    times="$times $(echo "$hdrs" | awk '$1=="TIME" {print $2}')"
    off=$((off + size))
  done
  out=$(curl -s -o "$WORK/last-body" -w '%{http_code} %{time_total}' --max-time 60 -X PUT "$(with_digest "$loc" "$4")")
  code=${out% *}
  http_code_ok "$code" || { log "closing chunked upload to $1 failed: $code $(head -c 300 "$WORK/last-body")"; return 1; }
  printf '%s\n' $times "${out#* }" | sum_times
}

# Before each push: write back everything dirty, and (as root) drop the page cache, then read the files the client
# will send back into it. Every push then starts from the same memory state. Without the drop, each run added
# gigabytes to the page cache and this VM's pushes slowed run after run (1.7 s to 4.1 s per GiB for ours, 4.3 s to
# 7.5 s for Distribution, with or without fsync), so whoever pushed later in the script was measured on a slower
# machine. DROP_CACHES=0 turns it off.
settle() { # files the next push reads
  sync
  if [ "${DROP_CACHES:-1}" = 1 ] && [ -w /proc/sys/vm/drop_caches ]; then
    echo 3 > /proc/sys/vm/drop_caches
    cat "$@" > /dev/null
  fi
}

pull() { # url expected-size -> seconds
  local out
  out=$(curl -s -o /dev/null -w '%{http_code} %{size_download} %{time_total}' --max-time $CURL_MAX_TIME "$1")
  set -- "$1" "$2" $out
  [ "$3" = 200 ] && [ "$4" = "$2" ] || { log "pull $1: status $3, $4 of $2 bytes"; return 1; }
  echo "$5"
}

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) { print "nan"; exit } if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

declare -A T   # T[metric:server] = newline-separated samples
add() { T[$1]="${T[$1]:-}$2"$'\n'; }

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
SIZE=$((SIZE_MIB * 1048576))
# SIZE bytes of incompressible, never-repeating data at ~1 GB/s (AES-CTR keystream); openssl dies of SIGPIPE by design
random_file() { # seed path
  (openssl enc -aes-128-ctr -pass "pass:$1" -nosalt -pbkdf2 < /dev/zero 2>/dev/null || true) | head -c "$SIZE" > "$2"
}
LAYER=$WORK/layer.bin
CHUNKS=$WORK/chunks

# Warm-up, not measured: a registry is a long-running server, so what matters is its steady state; the JVM needs a
# few transfers and requests before its JIT has compiled the hot paths. Both registries get the same warm-up.
WARM=$((64 * 1048576))
(SIZE=$WARM; random_file gatehouse-bench-warmup "$WORK/warm.bin")
WARM_D=sha256:$(openssl dgst -sha256 -r "$WORK/warm.bin" | cut -d' ' -f1)
for base in "$DIST" ${OURS:+"$OURS"}; do
  for i in 1 2 3; do
    push_mono "$base" "bench/warmup$i" "$WORK/warm.bin" "$WARM_D" >/dev/null || true
    pull "$base/v2/bench/warmup$i/blobs/$WARM_D" "$WARM" >/dev/null || true
    wrk -t2 -c"$WRK_CONNECTIONS" -d2s "$base/v2/" >/dev/null 2>&1 || true
  done
done
rm -f "$WORK/warm.bin"
for run in $(seq 1 "$RUNS"); do
  log "run $run/$RUNS: generating a fresh ${SIZE_MIB} MiB layer"
  random_file "gatehouse-bench-$run-$$" "$LAYER"
  DIGEST=sha256:$(openssl dgst -sha256 -r "$LAYER" | cut -d' ' -f1)
  rm -rf "$CHUNKS"; mkdir -p "$CHUNKS"
  split -b "${CHUNK_MIB}M" -a 4 -d "$LAYER" "$CHUNKS/chunk."
  ln -f "$LAYER" "$WORK/nginx/www/layer.bin" 2>/dev/null || cp "$LAYER" "$WORK/nginx/www/layer.bin"

  # monolithic: each registry gets its own repository; the digest is new to both. Who goes first alternates
  # between runs, and `sync` before each push starts both from the same page-cache state (no dirty pages of the
  # previous transfer being written back under the next one).
  if [ $((run % 2)) = 1 ] || [ -z "$OURS" ]; then ORDER="dist ours"; else ORDER="ours dist"; fi
  for who in $ORDER; do
    settle "$LAYER"
    case $who in
      dist) add mono:dist "$(push_mono "$DIST" "bench/mono$run" "$LAYER" "$DIGEST")" ;;
      ours) [ -z "$OURS" ] || add mono:ours "$(push_mono "$OURS" "bench/mono$run" "$LAYER" "$DIGEST")" ;;
    esac
  done
  sync
  # pull what was just pushed, from the page cache for all three: one untimed pull of each first (the cache drop
  # before the second push evicted the first registry's copy)
  pull "$DIST/v2/bench/mono$run/blobs/$DIGEST" "$SIZE" > /dev/null
  [ -z "$OURS" ] || pull "$OURS/v2/bench/mono$run/blobs/$DIGEST" "$SIZE" > /dev/null
  pull "$NGX/layer.bin" "$SIZE" > /dev/null
  for i in 1 2; do
    add pull:dist "$(pull "$DIST/v2/bench/mono$run/blobs/$DIGEST" "$SIZE")"
    [ -z "$OURS" ] || add pull:ours "$(pull "$OURS/v2/bench/mono$run/blobs/$DIGEST" "$SIZE")"
    add pull:nginx "$(pull "$NGX/layer.bin" "$SIZE")"
  done

  # chunked: a different fresh layer so the chunked push cannot be deduplicated against the monolithic one
  random_file "gatehouse-bench-chunked-$run-$$" "$LAYER.c"
  CDIGEST=sha256:$(openssl dgst -sha256 -r "$LAYER.c" | cut -d' ' -f1)
  rm -rf "$CHUNKS"; mkdir -p "$CHUNKS"
  split -b "${CHUNK_MIB}M" -a 4 -d "$LAYER.c" "$CHUNKS/chunk."
  rm -f "$LAYER.c"
  for who in $ORDER; do
    settle "$CHUNKS"/chunk.*
    case $who in
      dist) add chunked:dist "$(push_chunked "$DIST" "bench/chunked$run" "$CHUNKS" "$CDIGEST")" ;;
      ours) [ -z "$OURS" ] || add chunked:ours "$(push_chunked "$OURS" "bench/chunked$run" "$CHUNKS" "$CDIGEST")" ;;
    esac
  done
  rm -rf "$CHUNKS"
  load_sample
  log "run $run: mono dist $(echo "${T[mono:dist]}" | tail -2 | head -1)s ours $(echo "${T[mono:ours]:-}" | tail -2 | head -1)s; chunked dist $(echo "${T[chunked:dist]}" | tail -2 | head -1)s ours $(echo "${T[chunked:ours]:-}" | tail -2 | head -1)s"
done

# ------------------------------------------------------------------------------------------------ manifest GETs with wrk
log "manifest GET: wrk -t2 -c$WRK_CONNECTIONS -d${WRK_SECONDS}s"
# a small real image: config + one small layer + OCI manifest, pushed to each registry; nginx gets the manifest file
printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}' > "$WORK/config.json"
head -c 4096 /dev/urandom > "$WORK/small.bin"
CFG_D=sha256:$(openssl dgst -sha256 -r "$WORK/config.json" | cut -d' ' -f1)
SMALL_D=sha256:$(openssl dgst -sha256 -r "$WORK/small.bin" | cut -d' ' -f1)
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":4096}]}' \
  "$CFG_D" "$(stat -c %s "$WORK/config.json")" "$SMALL_D" > "$WORK/manifest.json"
cp "$WORK/manifest.json" "$WORK/nginx/www/manifest.json"
seed_manifest() { # base
  push_mono "$1" bench/app "$WORK/config.json" "$CFG_D" >/dev/null
  push_mono "$1" bench/app "$WORK/small.bin" "$SMALL_D" >/dev/null
  local code
  code=$(curl -s -o "$WORK/last-body" -w '%{http_code}' --max-time 30 -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    --data-binary @"$WORK/manifest.json" "$1/v2/bench/app/manifests/1.0")
  http_code_ok "$code" || { log "manifest PUT to $1: $code $(cat "$WORK/last-body")"; return 1; }
}
seed_manifest "$DIST"
[ -z "$OURS" ] || seed_manifest "$OURS"

rps() { # url -> requests/s (non-2xx responses make the figure invalid)
  local out
  out=$(wrk -t2 -c"$WRK_CONNECTIONS" -d"${WRK_SECONDS}s" --timeout 5s -H 'Accept: application/vnd.oci.image.manifest.v1+json' "$1")
  if echo "$out" | grep -q 'Non-2xx'; then log "wrk saw errors from $1:"; echo "$out" >&2; echo 0; return; fi
  echo "$out" | awk '/^Requests\/sec:/ { print $2 }'
}
RPS_ORDERS=("dist ours nginx" "ours nginx dist" "nginx dist ours")
for run in $(seq 1 "$RUNS"); do
  # the order rotates from run to run, so that none is always measured first or last
  for who in ${RPS_ORDERS[$(( (run - 1) % 3 ))]}; do
    case $who in
      dist) add rps:dist "$(rps "$DIST/v2/bench/app/manifests/1.0")" ;;
      ours) [ -z "$OURS" ] || add rps:ours "$(rps "$OURS/v2/bench/app/manifests/1.0")" ;;
      nginx) add rps:nginx "$(rps "$NGX/manifest.json")" ;;
    esac
  done
  load_sample
done

# ------------------------------------------------------------------------------------------------ memory
hwm() { awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo nan; }
OURS_HWM=nan; DIST_HWM=$(hwm "$DIST_PID")
[ -n "$OURS_PID" ] && OURS_HWM=$(hwm "$OURS_PID")

# ------------------------------------------------------------------------------------------------ report
med() { local s="${T[$1]:-}"; [ -n "$s" ] && printf '%s' "$s" | grep -v '^$' | median || echo nan; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || a + 0 == 0 || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }
verdict() { judge "$(awk -v r="$1" -v t="$2" 'BEGIN { if (r == "n/a") print "not measured"; else if (r + 0 >= t + 0) print "met"; else printf "MISSED by %.0f%%\n", (1 - r / t) * 100 }')"; }

M_DIST=$(med mono:dist); M_OURS=$(med mono:ours)
C_DIST=$(med chunked:dist); C_OURS=$(med chunked:ours)
P_DIST=$(med pull:dist); P_OURS=$(med pull:ours); P_NGX=$(med pull:nginx)
R_DIST=$(med rps:dist); R_OURS=$(med rps:ours); R_NGX=$(med rps:nginx)
tp() { [ "$1" = nan ] && echo nan || mibps "$SIZE" "$1"; }

R_MONO=$(ratio "$M_DIST" "$M_OURS")      # time ratio dist/ours = throughput ratio ours/dist
R_CHUNK=$(ratio "$C_DIST" "$C_OURS")
R_PULL_D=$(ratio "$P_DIST" "$P_OURS")
R_PULL_N=$(ratio "$P_NGX" "$P_OURS")
R_RPS_D=$(ratio "$R_OURS" "$R_DIST")
R_RPS_N=$(ratio "$R_OURS" "$R_NGX")
MEM_OK=$(judge "$(awk -v m="$OURS_HWM" 'BEGIN { if (m == "nan") print "not measured"; else if (m + 0 < 400) print "met"; else printf "MISSED by %d MiB\n", m - 400 }')")

TABLE=$(cat <<EOF
| measurement | Gatehouse | Distribution | nginx | ratio | target | verdict |
|---|---|---|---|---|---|---|
| push ${SIZE_MIB} MiB, monolithic (MiB/s) | $(tp "$M_OURS") | $(tp "$M_DIST") | – | $R_MONO × Distribution | ≥ 2 | $(verdict "$R_MONO" 2) |
| push ${SIZE_MIB} MiB, chunked ${CHUNK_MIB} MiB PATCHes (MiB/s) | $(tp "$C_OURS") | $(tp "$C_DIST") | – | $R_CHUNK × Distribution | ≥ 2 | $(verdict "$R_CHUNK" 2) |
| pull ${SIZE_MIB} MiB (MiB/s) | $(tp "$P_OURS") | $(tp "$P_DIST") | $(tp "$P_NGX") | $R_PULL_D × Distribution | ≥ 1.0 | $(verdict "$R_PULL_D" 1.0) |
| pull ${SIZE_MIB} MiB vs nginx | | | | $R_PULL_N × nginx | ≥ 0.7 | $(verdict "$R_PULL_N" 0.7) |
| manifest GET, ${WRK_CONNECTIONS} connections (requests/s) | $R_OURS | $R_DIST | $R_NGX | $R_RPS_D × Distribution | ≥ 3 | $(verdict "$R_RPS_D" 3) |
| manifest GET vs nginx static file | | | | $R_RPS_N × nginx | ≥ 0.5 (aim) | $(verdict "$R_RPS_N" 0.5) |
| peak resident memory, -Xmx$XMX, whole run (MiB, VmHWM) | $OURS_HWM | $DIST_HWM | – | – | < 400 MiB | $MEM_OK |
EOF
)
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
MACHINE="$(nproc) cores ($(lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2; exit }')), $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM, $(. /etc/os-release; echo "$PRETTY_NAME"), $(java -version 2>&1 | sed -n 1p), $(/usr/bin/docker-registry --version 2>/dev/null | sed -n 1p), nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///')"
STAMP=$(run_conditions)
SAMPLES=$(for k in mono:ours mono:dist chunked:ours chunked:dist pull:ours pull:dist pull:nginx rps:ours rps:dist rps:nginx; do
  printf '%s: %s\n' "$k" "$(printf '%s' "${T[$k]:-}" | grep -v '^$' | tr '\n' ' ')"; done)

echo
echo "$TABLE"
echo
echo "samples (seconds, or requests/s for rps):"
echo "$SAMPLES"

# ------------------------------------------------------------------------------------------------ docs/performance.md
SECTION=$(cat <<EOF
<!-- bench/registry.sh:begin (generated; rerun the script to refresh) -->
Run: $STAMP; RUNS=$RUNS, layer $SIZE_MIB MiB, chunks $CHUNK_MIB MiB, wrk ${WRK_SECONDS}s × ${WRK_CONNECTIONS} connections.
Machine: $MACHINE.
Load average (1/5/15 min) when the measurements started: $LOAD_BEFORE; when they ended: $LOAD_AFTER (other work shares these cores).

$TABLE

Raw samples (seconds per transfer; requests/s for wrk):
\`\`\`
$SAMPLES
\`\`\`
<!-- bench/registry.sh:end -->
EOF
)
write_section "$DOC" registry.sh "$SECTION"
log "wrote the results into $DOC"
