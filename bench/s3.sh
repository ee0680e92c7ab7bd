#!/usr/bin/env bash
# S3 benchmark: Gatehouse with storage.driver: s3 against CNCF Distribution (Debian docker-registry) with its s3
# driver, both on the same S3Proxy (filesystem provider, AWS v4 auth) over loopback, in one run on one machine.
# Prints a table of ratios and writes it into docs/performance.md (its own section, between begin/end markers).
#
#   bash bench/s3.sh                        # RUNS=3 SIZE_MIB=1024 WRK_SECONDS=10 by default
#   RUNS=1 SIZE_MIB=256 bash bench/s3.sh    # a quick look (still writes the doc; say so if you commit it)
#
# What is measured (each RUNS times, the order of the two registries alternating from run to run; medians):
#   push   POST + one PATCH streaming the whole layer + PUT ?digest= (what skopeo, podman and docker do), curl -T
#          (time = sum of curl's time_total over the three requests; the page cache is settled before each push)
#   pull   GET /v2/<name>/blobs/<digest> to /dev/null through the registry (Distribution's redirect is off, so both
#          stream the bytes from S3Proxy themselves)
#   manifest GET/s  wrk -t2 -c32 for WRK_SECONDS, Accept: OCI manifest (Distribution reads manifests from S3,
#          Gatehouse from its database)
# Both use the same part size (PART_MIB, Distribution's chunksize), both buckets live on the same S3Proxy.
# Every layer is fresh random data. Everything binds free loopback ports; started processes are killed by PID on exit.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."
ROOT=$(pwd)
bench_begin

RUNS=${RUNS:-3}
SIZE_MIB=${SIZE_MIB:-1024}
PART_MIB=${PART_MIB:-16}
WRK_SECONDS=${WRK_SECONDS:-10}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}
XMX=${XMX:-256m}
JAR=${JAR:-$ROOT/registry-server/target/gatehouse.jar}
S3PROXY_JAR=${S3PROXY_JAR:-$ROOT/registry-server/target/s3proxy/s3proxy.jar}
DOC=${DOC:-$ROOT/docs/performance.md}
CURL_MAX_TIME=900
ACCESS=bench-access
SECRET=bench-secret-not-a-real-one

log() { printf '[bench-s3 %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# ------------------------------------------------------------------------------------------------ prerequisites
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
need=""
command -v wrk >/dev/null 2>&1 || need="$need wrk"
[ -x /usr/sbin/nginx ] || need="$need nginx"
[ -x /usr/bin/docker-registry ] || need="$need docker-registry"
command -v curl >/dev/null 2>&1 || need="$need curl"
command -v openssl >/dev/null 2>&1 || need="$need openssl"
command -v python3 >/dev/null 2>&1 || need="$need python3"
if [ -n "$need" ]; then
  log "installing:$need"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
  $SUDO systemctl stop docker-registry >/dev/null 2>&1 || true
fi
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building the registry jar (and fetching S3Proxy)"
  mvn -q -B -ntp -DskipTests -pl registry-server -am package
fi
[ -f "$JAR" ] || { log "no $JAR"; exit 2; }
[ -f "$S3PROXY_JAR" ] || S3PROXY_JAR=$HOME/.m2/repository/org/gaul/s3proxy/2.6.0/s3proxy-2.6.0-jar-with-dependencies.jar
[ -f "$S3PROXY_JAR" ] || { log "no S3Proxy jar (mvn -pl registry-server process-test-resources copies it)"; exit 2; }

# ------------------------------------------------------------------------------------------------ work area, cleanup
WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/gatehouse-bench-s3.XXXXXX")
PIDS=()
trap cleanup_servers EXIT

# ------------------------------------------------------------------------------------------------ S3Proxy
S3_PORT=$(free_port)
S3_DIRECT=http://127.0.0.1:$S3_PORT
mkdir -p "$WORK/s3/buckets/dist" "$WORK/s3/buckets/ours"
cat > "$WORK/s3/s3proxy.properties" <<EOF
s3proxy.endpoint=$S3_DIRECT
s3proxy.authorization=aws-v4
s3proxy.identity=$ACCESS
s3proxy.credential=$SECRET
jclouds.provider=filesystem
jclouds.filesystem.basedir=$WORK/s3/buckets
jclouds.identity=unused
jclouds.credential=unused
EOF
java -Xmx1g -DLOG_LEVEL=warn -jar "$S3PROXY_JAR" --properties "$WORK/s3/s3proxy.properties" > "$WORK/s3/log" 2>&1 &
S3_PID=$!; PIDS+=("$S3_PID")
for _ in $(seq 1 600); do curl -s -o /dev/null "$S3_DIRECT/" && break; kill -0 "$S3_PID" 2>/dev/null || { cat "$WORK/s3/log" >&2; exit 1; }; sleep 0.1; done

# Both registries reach S3Proxy through one nginx (the same hop for both), which adds the <IsTruncated> element that
# S3Proxy 2.6.0 leaves out of its ListParts answers: Distribution 2.8.2's s3 driver dereferences it when it resumes an
# upload (every PATCH and the closing PUT of a push), and without it ends in a nil pointer panic. AWS always sends it.
# Nothing else is changed: the bodies stream through (no buffering), and the Host header is kept for the signatures.
SHIM_PORT=$(free_port)
mkdir -p "$WORK/shim/tmp" "$WORK/shim/logs"
cat > "$WORK/shim/nginx.conf" <<EOF
worker_processes 1;
pid $WORK/shim/nginx.pid;
error_log $WORK/shim/logs/error.log error;
events { worker_connections 1024; }
http {
  # each request's method, URI and time, so that the DeleteObjects stall below can be read off (bench only)
  log_format timed '\$request_method \$request_uri \$status \$request_time';
  access_log $WORK/shim/logs/access.log timed;
  client_max_body_size 0;
  client_body_temp_path $WORK/shim/tmp/body;
  proxy_temp_path $WORK/shim/tmp/proxy;
  fastcgi_temp_path $WORK/shim/tmp/fastcgi;
  uwsgi_temp_path $WORK/shim/tmp/uwsgi;
  scgi_temp_path $WORK/shim/tmp/scgi;
  upstream s3proxy { server 127.0.0.1:$S3_PORT; keepalive 64; }
  server {
    listen 127.0.0.1:$SHIM_PORT;
    location / {
      proxy_pass http://s3proxy;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      proxy_request_buffering off;
      proxy_buffering off;
      sub_filter_types application/xml;
      sub_filter '</ListPartsResult>' '<IsTruncated>false</IsTruncated></ListPartsResult>';
      sub_filter_once on;
    }
  }
}
EOF
"${NGINX:-/usr/sbin/nginx}" -p "$WORK/shim" -c "$WORK/shim/nginx.conf" -g 'daemon off;' > "$WORK/shim/logs/stdout" 2>&1 &
PIDS+=($!)
S3=http://127.0.0.1:$SHIM_PORT
for _ in $(seq 1 100); do curl -s -o /dev/null "$S3/" && break; sleep 0.05; done

# ------------------------------------------------------------------------------------------------ Distribution on S3
DIST_PORT=$(free_port)
mkdir -p "$WORK/dist"
cat > "$WORK/dist/config.yml" <<YML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  s3:
    accesskey: $ACCESS
    secretkey: $SECRET
    region: us-east-1
    regionendpoint: $S3
    forcepathstyle: true
    bucket: dist
    secure: false
    v4auth: true
    chunksize: $((PART_MIB * 1048576))
    rootdirectory: /
  delete:
    enabled: true
  redirect:
    disable: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$DIST_PORT
YML
# AWS_CA_BUNDLE (set on some machines for an HTTPS proxy) makes its SDK panic on a plain-HTTP endpoint; AWS_* from the
# environment would also override the keys above.
env -u AWS_CA_BUNDLE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
  /usr/bin/docker-registry serve "$WORK/dist/config.yml" > "$WORK/dist/log" 2>&1 &
DIST_PID=$!; PIDS+=("$DIST_PID")
DIST=http://127.0.0.1:$DIST_PORT
wait_http "$DIST/v2/" "Distribution" "$DIST_PID" || { tail -20 "$WORK/dist/log" >&2; exit 1; }

# ------------------------------------------------------------------------------------------------ Gatehouse on S3
OURS_PORT=$(free_port)
mkdir -p "$WORK/ours"
GATEHOUSE_HOST=127.0.0.1 GATEHOUSE_PORT=$OURS_PORT GATEHOUSE_DATA_DIR="$WORK/ours/data" GATEHOUSE_GC_INTERVAL=0 GATEHOUSE_AUTH_ENABLED=false \
  GATEHOUSE_STORAGE_DRIVER=s3 GATEHOUSE_S3_BUCKET=ours GATEHOUSE_S3_ENDPOINT="$S3" GATEHOUSE_S3_PATH_STYLE=true \
  GATEHOUSE_S3_ACCESS_KEY=$ACCESS GATEHOUSE_S3_SECRET_KEY=$SECRET GATEHOUSE_S3_PART_SIZE=$((PART_MIB * 1048576)) \
  java -Xmx$XMX -jar "$JAR" serve > "$WORK/ours/log" 2>&1 &
OURS_PID=$!; PIDS+=("$OURS_PID")
OURS=http://127.0.0.1:$OURS_PORT
wait_http "$OURS/v2/" "Gatehouse" "$OURS_PID" || { tail -20 "$WORK/ours/log" >&2; exit 1; }
log "S3Proxy $S3, Distribution $DIST, Gatehouse $OURS"

# ------------------------------------------------------------------------------------------------ measurements
mibps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / 1048576 / s }'; }
http_code_ok() { case "$1" in 2??) return 0;; *) return 1;; esac; }
sum_times() { awk '{ s += $1 } END { printf "%.3f", s }'; }
absolute() { case "$2" in http*) echo "$2";; *) echo "$1$2";; esac; }
with_digest() { case "$1" in *\?*) echo "$1&digest=$2";; *) echo "$1?digest=$2";; esac; }

push() { # base repo file digest -> seconds (POST, one PATCH with the whole file, PUT)
  local out loc t0 t1 t2 code hdrs
  out=$(curl -s -o /dev/null -D - -w 'TIME %{time_total}\n' --max-time 30 -X POST "$1/v2/$2/blobs/uploads/" | tr -d '\r')
  loc=$(absolute "$1" "$(echo "$out" | awk 'tolower($1)=="location:" {print $2}')")
  t0=$(echo "$out" | awk '$1=="TIME" {print $2}')
  hdrs=$(curl -s -o "$WORK/last-body" -D - -w 'TIME %{time_total}\n' --max-time $CURL_MAX_TIME -X PATCH -T "$3" -H 'Expect:' \
    -H 'Content-Type: application/octet-stream' "$loc" | tr -d '\r')
  code=$(echo "$hdrs" | awk 'NR==1 {print $2}')
  http_code_ok "$code" || { log "PATCH to $1 failed: $code $(head -c 300 "$WORK/last-body")"; return 1; }
  loc=$(absolute "$1" "$(echo "$hdrs" | awk 'tolower($1)=="location:" {print $2}')")
  t1=$(echo "$hdrs" | awk '$1=="TIME" {print $2}')
  out=$(curl -s -o "$WORK/last-body" -w '%{http_code} %{time_total}' --max-time $CURL_MAX_TIME -X PUT "$(with_digest "$loc" "$4")")
  code=${out% *}; t2=${out#* }
  http_code_ok "$code" || { log "closing PUT to $1 failed: $code $(head -c 300 "$WORK/last-body")"; return 1; }
  printf '%s\n%s\n%s\n' "$t0" "$t1" "$t2" | sum_times
}

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
declare -A T
add() { T[$1]="${T[$1]:-}$2"$'\n'; }

SIZE=$((SIZE_MIB * 1048576))
random_file() { # seed path size
  (openssl enc -aes-128-ctr -pass "pass:$1" -nosalt -pbkdf2 < /dev/zero 2>/dev/null || true) | head -c "$3" > "$2"
}
digest_of() { echo "sha256:$(openssl dgst -sha256 -r "$1" | cut -d' ' -f1)"; }

# Should Distribution's push still fail (the shim above did not start, another S3 server), its content is put into
# the bucket in Distribution's own layout (the filesystem provider keeps objects as files), so that its pulls and
# manifest GETs can still be measured, and its push is reported as failing.
DIST_PUSH=1
DIST_ROOT=$WORK/s3/buckets/dist/docker/registry/v2
place_dist_blob() { # file digest repo
  local hex=${2#sha256:}
  mkdir -p "$DIST_ROOT/blobs/sha256/${hex:0:2}/$hex" "$DIST_ROOT/repositories/$3/_layers/sha256/$hex"
  cp "$1" "$DIST_ROOT/blobs/sha256/${hex:0:2}/$hex/data"
  printf '%s' "$2" > "$DIST_ROOT/repositories/$3/_layers/sha256/$hex/link"
}
place_dist_manifest() { # file digest repo tag
  local hex=${2#sha256:}
  mkdir -p "$DIST_ROOT/blobs/sha256/${hex:0:2}/$hex" "$DIST_ROOT/repositories/$3/_manifests/revisions/sha256/$hex" \
    "$DIST_ROOT/repositories/$3/_manifests/tags/$4/current" "$DIST_ROOT/repositories/$3/_manifests/tags/$4/index/sha256/$hex"
  cp "$1" "$DIST_ROOT/blobs/sha256/${hex:0:2}/$hex/data"
  printf '%s' "$2" > "$DIST_ROOT/repositories/$3/_manifests/revisions/sha256/$hex/link"
  printf '%s' "$2" > "$DIST_ROOT/repositories/$3/_manifests/tags/$4/current/link"
  printf '%s' "$2" > "$DIST_ROOT/repositories/$3/_manifests/tags/$4/index/sha256/$hex/link"
}

# Warm-up, not measured: both JVMs (ours, S3Proxy) and Distribution get the same few transfers first.
WARM=$((64 * 1048576))
random_file gatehouse-bench-s3-warm "$WORK/warm.bin" "$WARM"
WARM_D=$(digest_of "$WORK/warm.bin")
if ! push "$DIST" bench/probe "$WORK/warm.bin" "$WARM_D" >/dev/null; then
  DIST_PUSH=0
  log "Distribution's push failed on S3Proxy (see the note in this script): its pushes are not measured, its content is placed in the bucket"
fi
for base in "$DIST" "$OURS"; do
  for i in 1 2; do
    if [ "$base" = "$DIST" ] && [ "$DIST_PUSH" = 0 ]; then place_dist_blob "$WORK/warm.bin" "$WARM_D" "bench/warm$i"
    else push "$base" "bench/warm$i" "$WORK/warm.bin" "$WARM_D" >/dev/null || true; fi
    pull "$base/v2/bench/warm$i/blobs/$WARM_D" "$WARM" >/dev/null || true
  done
done
rm -f "$WORK/warm.bin"

LAYER=$WORK/layer.bin
measure() { # who: one push and two pulls of this run's layer
  local base repo=bench/layer$RUN
  case $1 in dist) base=$DIST ;; ours) base=$OURS ;; esac
  settle "$LAYER"
  : > "$WORK/shim/logs/access.log"
  if [ "$1" = dist ] && [ "$DIST_PUSH" = 0 ]; then place_dist_blob "$LAYER" "$DIGEST" "$repo"
  else
    local t stall
    t=$(push "$base" "$repo" "$LAYER" "$DIGEST")
    # S3Proxy answers the DeleteObjects (POST ?delete) with which Distribution removes the finished upload's folder
    # only after about 30 s (its idle timeout); AWS answers it at once. Recorded apart, and the push without it too.
    stall=$(awk '$1 == "POST" && $2 ~ /[?&]delete/ { s += $4 } END { printf "%.3f", s + 0 }' "$WORK/shim/logs/access.log")
    add "push:$1" "$t"; add "stall:$1" "$stall"
    add "pushnet:$1" "$(awk -v t="$t" -v s="$stall" 'BEGIN { printf "%.3f", t - s }')"
  fi
  sync
  pull "$base/v2/$repo/blobs/$DIGEST" "$SIZE" > /dev/null
  for _ in 1 2; do add "pull:$1" "$(pull "$base/v2/$repo/blobs/$DIGEST" "$SIZE")"; done
}
for RUN in $(seq 1 "$RUNS"); do
  log "run $RUN/$RUNS: a fresh ${SIZE_MIB} MiB layer"
  random_file "gatehouse-bench-s3-$RUN-$$" "$LAYER" "$SIZE"
  DIGEST=$(digest_of "$LAYER")
  if [ $((RUN % 2)) = 1 ]; then ORDER="dist ours"; else ORDER="ours dist"; fi
  for who in $ORDER; do measure "$who"; done
  load_sample
  log "run $RUN: push dist $(echo "${T[push:dist]:-}" | tail -2 | head -1)s ours $(echo "${T[push:ours]:-}" | tail -2 | head -1)s"
done
rm -f "$LAYER"

# ------------------------------------------------------------------------------------------------ manifest GETs
printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}' > "$WORK/config.json"
head -c 4096 /dev/urandom > "$WORK/small.bin"
CFG_D=$(digest_of "$WORK/config.json"); SMALL_D=$(digest_of "$WORK/small.bin")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":4096}]}' \
  "$CFG_D" "$(stat -c %s "$WORK/config.json")" "$SMALL_D" > "$WORK/manifest.json"
seed_manifest() { # base
  push "$1" bench/app "$WORK/config.json" "$CFG_D" >/dev/null
  push "$1" bench/app "$WORK/small.bin" "$SMALL_D" >/dev/null
  local code
  code=$(curl -s -o "$WORK/last-body" -w '%{http_code}' --max-time 30 -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    --data-binary @"$WORK/manifest.json" "$1/v2/bench/app/manifests/1.0")
  http_code_ok "$code" || { log "manifest PUT to $1: $code $(cat "$WORK/last-body")"; return 1; }
}
if [ "$DIST_PUSH" = 1 ]; then seed_manifest "$DIST"
else
  place_dist_blob "$WORK/config.json" "$CFG_D" bench/app
  place_dist_blob "$WORK/small.bin" "$SMALL_D" bench/app
  place_dist_manifest "$WORK/manifest.json" "$(digest_of "$WORK/manifest.json")" bench/app 1.0
fi
seed_manifest "$OURS"
rps() { # url -> requests/s (non-2xx responses make the figure invalid)
  local out
  out=$(wrk -t2 -c"$WRK_CONNECTIONS" -d"${WRK_SECONDS}s" --timeout 5s -H 'Accept: application/vnd.oci.image.manifest.v1+json' "$1")
  if echo "$out" | grep -q 'Non-2xx'; then log "wrk saw errors from $1:"; echo "$out" >&2; echo 0; return; fi
  echo "$out" | awk '/^Requests\/sec:/ { print $2 }'
}
wrk -t2 -c"$WRK_CONNECTIONS" -d2s "$OURS/v2/bench/app/manifests/1.0" >/dev/null 2>&1 || true
wrk -t2 -c"$WRK_CONNECTIONS" -d2s "$DIST/v2/bench/app/manifests/1.0" >/dev/null 2>&1 || true
measure_rps() {
  case $1 in dist) add rps:dist "$(rps "$DIST/v2/bench/app/manifests/1.0")" ;; ours) add rps:ours "$(rps "$OURS/v2/bench/app/manifests/1.0")" ;; esac
}
for run in $(seq 1 "$RUNS"); do
  if [ $((run % 2)) = 1 ]; then o="dist ours"; else o="ours dist"; fi
  for who in $o; do measure_rps "$who"; done
  load_sample
done

# ------------------------------------------------------------------------------------------------ report
med() { local s="${T[$1]:-}"; [ -n "$s" ] && printf '%s' "$s" | grep -v '^$' | median || echo nan; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || a + 0 == 0 || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }
verdict() { judge "$(awk -v r="$1" -v t="$2" 'BEGIN { if (r == "n/a") print "not measured"; else if (r + 0 >= t + 0) print "met"; else printf "MISSED by %.0f%%\n", (1 - r / t) * 100 }')"; }
tp() { [ "$1" = nan ] && echo nan || mibps "$SIZE" "$1"; }
hwm() { awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo nan; }

P_DIST=$(med push:dist); P_OURS=$(med push:ours)
N_DIST=$(med pushnet:dist); N_OURS=$(med pushnet:ours); S_DIST=$(med stall:dist)
G_DIST=$(med pull:dist); G_OURS=$(med pull:ours)
R_DIST=$(med rps:dist); R_OURS=$(med rps:ours)
R_PUSH=$(ratio "$P_DIST" "$P_OURS"); R_PUSHNET=$(ratio "$N_DIST" "$N_OURS"); R_PULL=$(ratio "$G_DIST" "$G_OURS"); R_RPS=$(ratio "$R_OURS" "$R_DIST")

if [ "$DIST_PUSH" = 1 ]; then DIST_PUSH_SHOWN=$(tp "$P_DIST"); PUSH_VERDICT="see the next line"
  DIST_PUSHNET_SHOWN=$(tp "$N_DIST"); PUSHNET_VERDICT=$(verdict "$R_PUSHNET" 2)
else DIST_PUSH_SHOWN="fails (its s3 driver panics resuming an upload on S3Proxy)"; PUSH_VERDICT="not measurable"
  DIST_PUSHNET_SHOWN=$DIST_PUSH_SHOWN; PUSHNET_VERDICT="not measurable"; fi
TABLE=$(cat <<EOF
| measurement (both on one S3Proxy) | Gatehouse | Distribution | ratio | target | verdict |
|---|---|---|---|---|---|
| push ${SIZE_MIB} MiB: POST, one PATCH, PUT (MiB/s) | $(tp "$P_OURS") | $DIST_PUSH_SHOWN | $R_PUSH × Distribution | ≥ 2 | $PUSH_VERDICT |
| the same push less S3Proxy's DeleteObjects stall (Distribution's median stall ${S_DIST} s; MiB/s) | $(tp "$N_OURS") | $DIST_PUSHNET_SHOWN | $R_PUSHNET × Distribution | ≥ 2 | $PUSHNET_VERDICT |
| pull ${SIZE_MIB} MiB through the registry (MiB/s) | $(tp "$G_OURS") | $(tp "$G_DIST") | $R_PULL × Distribution | ≥ 1 | $(verdict "$R_PULL" 1) |
| manifest GET, ${WRK_CONNECTIONS} connections (requests/s) | $R_OURS | $R_DIST | $R_RPS × Distribution | ≥ 10 | $(verdict "$R_RPS" 10) |
| peak resident memory, whole run (MiB, VmHWM) | $(hwm "$OURS_PID") (-Xmx$XMX) | $(hwm "$DIST_PID") | – | – | – |
EOF
)
MACHINE="$(nproc) cores ($(lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2; exit }')), $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM, $(. /etc/os-release; echo "$PRETTY_NAME"), $(java -version 2>&1 | sed -n 1p), $(/usr/bin/docker-registry --version 2>/dev/null | sed -n 1p), S3Proxy $(basename "$S3PROXY_JAR")"
STAMP=$(run_conditions)
SAMPLES=$(for k in push:ours push:dist stall:dist pushnet:dist pull:ours pull:dist rps:ours rps:dist; do
  printf '%s: %s\n' "$k" "$(printf '%s' "${T[$k]:-}" | grep -v '^$' | tr '\n' ' ')"; done)

echo
echo "$TABLE"
echo
echo "samples (seconds, or requests/s for rps):"
echo "$SAMPLES"

SECTION=$(cat <<EOF
<!-- bench/s3.sh:begin (generated; rerun the script to refresh) -->
### S3: Gatehouse (storage.driver: s3) against Distribution's s3 driver, one S3Proxy

Run: $STAMP; RUNS=$RUNS, layer $SIZE_MIB MiB, part size $PART_MIB MiB for both, wrk ${WRK_SECONDS}s × ${WRK_CONNECTIONS} connections.
Machine: $MACHINE.
Both registries reach S3Proxy through one nginx (the same hop for both) that adds the \`<IsTruncated>\` element
S3Proxy 2.6.0 leaves out of its ListParts answers, without which Distribution's s3 driver panics when it resumes an
upload; S3Proxy answers Distribution's DeleteObjects (the finished upload's folder) only after about 30 s, which AWS
does not, so the push is also shown without that stall (read from nginx's log).

$TABLE

Raw samples (seconds per transfer; requests/s for wrk):
\`\`\`
$SAMPLES
\`\`\`
<!-- bench/s3.sh:end -->
EOF
)
write_section "$DOC" s3.sh "$SECTION"
log "wrote the results into $DOC"
