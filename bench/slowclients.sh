#!/usr/bin/env bash
# Slow clients: /healthz latency of a registry with access control on, while 1,000 anonymous connections from 40
# loopback addresses (25 each, under the per-address limit) hold requests open and dribble one byte every 4 s:
# refused upload bodies, token forms, unfinished headers, refused manifest bodies. Compared with the same registry
# idle, and (for reference) with CNCF Distribution (Debian docker-registry) under the same attack. The goal: under
# attack, every /healthz still answers within 1 s. Writes its section of docs/performance.md.
#
#   bash bench/slowclients.sh                 # CONNECTIONS=1000 PROBES=60
#   SKIP_BUILD=1 CONNECTIONS=300 bash bench/slowclients.sh
#   BEFORE_JAR=/path/to/older/gatehouse.jar BEFORE_LABEL="at abc1234" bash bench/slowclients.sh   # adds its row
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."
ROOT=$(pwd)
CONNECTIONS=${CONNECTIONS:-1000}
PROBES=${PROBES:-60}
XMX=${XMX:-256m}
JAR=${JAR:-$ROOT/registry-server/target/gatehouse.jar}
DOC=${DOC:-$ROOT/docs/performance.md}
ADMIN_PW="bench-admin-$RANDOM$RANDOM"

log() { printf '[bench-slowclients %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
bench_begin
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building the registry jar"
  mvn -q -B -ntp -DskipTests -pl registry-server -am package
fi
[ "$(ulimit -n)" -ge $((CONNECTIONS * 2 + 200)) ] || ulimit -n $((CONNECTIONS * 2 + 200))

WORK=$(mktemp -d /tmp/gatehouse-bench-slow.XXXXXX)
PIDS=()
trap cleanup_servers EXIT

# start_gatehouse NAME JAR: starts a registry with access control on and sets STARTED_PORT (not a $(…) function:
# the process must land in this shell's PIDS to be stopped at the end).
start_gatehouse() {
  STARTED_PORT=$(free_port)
  mkdir -p "$WORK/$1"
  env GATEHOUSE_HOST=127.0.0.1 GATEHOUSE_PORT="$STARTED_PORT" GATEHOUSE_DATA_DIR="$WORK/$1/data" GATEHOUSE_GC_INTERVAL=0 \
    GATEHOUSE_AUTH_ENABLED=true GATEHOUSE_ADMIN_PASSWORD="$ADMIN_PW" \
    java -Xmx$XMX -jar "$2" serve > "$WORK/$1/log" 2>&1 &
  PIDS+=($!)
  wait_http "http://127.0.0.1:$STARTED_PORT/healthz" "Gatehouse ($1)" $!
}
start_gatehouse gh "$JAR"; GH_PORT=$STARTED_PORT
# BEFORE_JAR: optionally an older build (say, of the commit before the slow-client defences) under the same attack.
BEFORE_PORT=""
if [ -n "${BEFORE_JAR:-}" ]; then start_gatehouse before "$BEFORE_JAR"; BEFORE_PORT=$STARTED_PORT; fi

DIST_PORT=""
if [ -x /usr/bin/docker-registry ]; then
  DIST_PORT=$(free_port)
  start_distribution "$WORK/dist" "$DIST_PORT" || DIST_PORT=""
fi

# measure PORT PATH ATTACK(0|1): prints "p50 p99 max failed" of PROBES requests (ms), each from 127.0.0.250 on a new
# connection, 200 ms apart; with ATTACK=1 the slow connections are opened first and dribbled all along.
measure() {
  python3 - "$1" "$2" "$3" "$CONNECTIONS" "$PROBES" <<'PY'
import multiprocessing, socket, sys, time
port, path, attack, n, probes = int(sys.argv[1]), sys.argv[2], sys.argv[3] == "1", int(sys.argv[4]), int(sys.argv[5])
heads = [
    b"POST /v2/x/blobs/uploads/?digest=sha256:" + b"0" * 64 + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n",
    b"POST /auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\ngrant_type=password&username=admin&password=",
    b"GET /v2/ HTTP/1.1\r\nHost: x\r\nX-Slow: ",
    b"PUT /v2/x/manifests/1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\nContent-Length: 5000\r\n\r\n{",
]
reopened = [0]
def connect(i):
    s = socket.socket()
    s.bind(("127.0.0.%d" % (10 + i % 40), 0))
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    s.sendall(heads[i % len(heads)])
    s.setblocking(False)
    return s
def attacker():
    socks = [connect(i) for i in range(n)]
    while True:
        for i in range(n):
            try:
                socks[i].send(b"a")
                try:
                    if socks[i].recv(4096) == b"":
                        raise OSError("closed")
                except BlockingIOError:
                    pass
            except OSError:
                socks[i].close()
                try:
                    socks[i] = connect(i); reopened.value += 1
                except OSError:
                    pass
        time.sleep(4)
# The attacker is a process of its own: as a thread it would share the interpreter lock with the probes, and its
# reconnecting would show up as the probes' latency.
reopened = multiprocessing.Value("i", 0)
if attack:
    t = multiprocessing.Process(target=attacker, daemon=True); t.start(); time.sleep(8)
times, failed = [], 0
req = ("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path).encode()
for _ in range(probes):
    start = time.monotonic()
    try:
        s = socket.socket(); s.bind(("127.0.0.250", 0)); s.settimeout(2); s.connect(("127.0.0.1", port)); s.sendall(req)
        data = b""
        while True:
            b = s.recv(65536)
            if not b: break
            data += b
        s.close()
        if not data.startswith(b"HTTP/1.1 200"): raise OSError(data[:40])
        times.append((time.monotonic() - start) * 1000)
    except OSError:
        failed += 1
    time.sleep(0.2)
if attack:
    t.terminate(); t.join()
times.sort()
pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]
if times:
    print("%.1f %.1f %.1f %d %d" % (pick(0.5), pick(0.99), times[-1], failed, reopened.value))
else:
    print("– – – %d %d" % (failed, reopened.value))
PY
}

log "Gatehouse idle";            read -r G0_P50 G0_P99 G0_MAX G0_FAIL _ < <(measure "$GH_PORT" /healthz 0)
load_sample
log "Gatehouse under attack";    read -r G1_P50 G1_P99 G1_MAX G1_FAIL G1_RE < <(measure "$GH_PORT" /healthz 1)
if [ -n "$BEFORE_PORT" ]; then
  load_sample
  log "Gatehouse (${BEFORE_LABEL:-before}) under attack"; read -r B1_P50 B1_P99 B1_MAX B1_FAIL _ < <(measure "$BEFORE_PORT" /healthz 1)
fi
if [ -n "$DIST_PORT" ]; then
  load_sample
  log "Distribution idle";         read -r D0_P50 D0_P99 D0_MAX D0_FAIL _ < <(measure "$DIST_PORT" /v2/ 0)
  load_sample
  log "Distribution under attack"; read -r D1_P50 D1_P99 D1_MAX D1_FAIL D1_RE < <(measure "$DIST_PORT" /v2/ 1)
fi
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b + 0 > 0) printf "%.1f×", a / b; else print "–" }'; }
MET=$(awk -v m="$G1_MAX" -v f="$G1_FAIL" 'BEGIN { print (f == 0 && m + 0 < 1000) ? "met: every /healthz under attack answered within 1 s" : "NOT met" }')
VERDICT=$(judge "$MET")
MACHINE="$(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM, $(java -version 2>&1 | sed -n 1p), $(/usr/bin/docker-registry --version 2>/dev/null | sed -n 1p)"
STAMP=$(run_conditions)
ROWS="| Gatehouse (auth on), idle | $G0_P50 | $G0_P99 | $G0_MAX | $G0_FAIL/$PROBES | |
| Gatehouse (auth on), $CONNECTIONS slow clients | $G1_P50 | $G1_P99 | $G1_MAX | $G1_FAIL/$PROBES | $(ratio "$G1_P99" "$G0_P99") |"
if [ -n "$BEFORE_PORT" ]; then
  ROWS="$ROWS
| Gatehouse (auth on) ${BEFORE_LABEL:-before}, $CONNECTIONS slow clients | $B1_P50 | $B1_P99 | $B1_MAX | $B1_FAIL/$PROBES | $(ratio "$B1_P99" "$G0_P99") |"
fi
if [ -n "$DIST_PORT" ]; then
  ROWS="$ROWS
| Distribution, idle | $D0_P50 | $D0_P99 | $D0_MAX | $D0_FAIL/$PROBES | |
| Distribution, $CONNECTIONS slow clients | $D1_P50 | $D1_P99 | $D1_MAX | $D1_FAIL/$PROBES | $(ratio "$D1_P99" "$D0_P99") |"
fi
BEFORE_NOTE=""
[ -n "$BEFORE_PORT" ] && BEFORE_NOTE="
The build ${BEFORE_LABEL:-before} drained each refused body, and parsed each token form, on a server thread: the
slow clients held all of them and the health checks got no answer."
SECTION="<!-- bench/slowclients.sh:begin (generated by bench/slowclients.sh; edit the script, not this section) -->
$CONNECTIONS anonymous connections from 40 loopback addresses hold requests open and send one byte every 4 s (refused
upload bodies, token forms, unfinished headers, refused manifest bodies; a connection the server closes is opened
again at once). Meanwhile $PROBES health checks, 200 ms apart, each on a new connection from another address.
Latency in ms (a check failed when no answer came within 2 s); the last column is p99 under attack over p99 idle.
Goal: every check under attack within 1 s — **$VERDICT**.
Gatehouse's tail under attack comes in waves: every 4 s it cuts off the bodies that arrive too slowly
(\`server.min_request_data_rate\`) and closes those connections, and the attacker opens them all again at once;
Distribution keeps them open and waits.$BEFORE_NOTE

| server | p50 | p99 | max | failed | p99 ratio |
|---|---|---|---|---|---|
$ROWS

Run on $MACHINE; $STAMP.
<!-- bench/slowclients.sh:end -->"
write_section "$DOC" slowclients.sh "$SECTION" "## Slow clients: /healthz under 1,000 slow connections (\`bench/slowclients.sh\`)"
log "$VERDICT ($MET)"
printf '%s\n' "$ROWS"
