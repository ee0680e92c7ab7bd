# Shared by the bench/ scripts (sourced, not run).

# A free TCP port on loopback (the kernel picks it; the socket is closed before the server binds it).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# wait_http URL WHAT [PID]: waits up to a minute for URL to answer; gives up early when process PID has exited.
# Uses the calling script's log().
wait_http() {
  for _ in $(seq 1 600); do
    if [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null; then log "$2 exited"; return 1; fi
    if curl -s -o /dev/null --max-time 1 "$1"; then return 0; fi
    sleep 0.1
  done
  log "${2:-$1} did not answer at $1"; return 1
}

# cleanup_servers: for `trap cleanup_servers EXIT` — stops the processes in PIDS (TERM, then KILL after half a
# second) and removes WORK.
cleanup_servers() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}

# start_distribution DIR PORT: CNCF Distribution (Debian docker-registry) on 127.0.0.1:PORT with its storage, config
# and log under DIR, deletes on, no upload purging, no access log; adds it to PIDS and waits until /v2/ answers.
# Uses the calling script's log().
start_distribution() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  cat > "$dir/config.yml" <<YML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
YML
  /usr/bin/docker-registry serve "$dir/config.yml" > "$dir/log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  wait_http "http://127.0.0.1:$port/v2/" "Distribution" "$pid"
}

# median_of "A B C …": the median of whitespace-separated integers (for an even count, the mean of the middle two,
# truncated).
median_of() { tr ' ' '\n' <<< "$1" | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

# run_rotated RUNS ORDER…: RUNS rounds of the calling script's `measure WHO` for each WHO of an ORDER (a
# space-separated list), the ORDER rotating from round to round so that none is always measured first or last, and
# a load_sample after each round. Uses the calling script's log() and measure().
run_rotated() {
  local runs=$1; shift
  local orders=("$@") i order who
  for i in $(seq 1 "$runs"); do
    order=${orders[$(( (i - 1) % ${#orders[@]} ))]}
    log "run $i/$runs ($order)"
    for who in $order; do measure "$who"; done
    load_sample
  done
}

# write_section DOC SCRIPT SECTION [HEADING]: puts SECTION (which starts with "<!-- bench/SCRIPT:begin" and ends
# with "<!-- bench/SCRIPT:end -->") in place of that script's previous section in DOC, or appends it (after HEADING,
# when given) the first time. Sections of the other scripts are left alone.
write_section() {
  local doc=$1 script=$2 section=$3 heading=${4:-}
  mkdir -p "$(dirname "$doc")"
  [ -f "$doc" ] || printf '# Performance\n' > "$doc"
  SECTION="$section" SCRIPT="$script" HEADING="$heading" python3 - "$doc" <<'PY'
import os, re, sys
p = sys.argv[1]
s = open(p).read()
sec, name, head = os.environ["SECTION"], re.escape(os.environ["SCRIPT"]), os.environ["HEADING"]
pattern = r"<!-- bench/" + name + r":begin.*?<!-- bench/" + name + r":end -->"
if re.search(pattern, s, flags=re.S):
    s = re.sub(pattern, lambda m: sec, s, flags=re.S)
else:
    s = s.rstrip("\n") + "\n" + (("\n" + head + "\n") if head else "") + "\n" + sec + "\n"
open(p, "w").write(s)
PY
}

# ---- Run conditions: what was measured, and whether the machine was quiet enough to judge it -------------------
# A figure is only worth its revision and its machine. Each script calls bench_begin first (it refuses a work tree
# with uncommitted changes to tracked files, unless ALLOW_DIRTY=1, and takes the baselines), load_sample between its
# runs, and stamps its section with run_conditions; every verdict goes through judge, which withholds it when the
# run was not quiet.
#   QUIET_START    the 1-minute load average before the benchmark starts anything (default 0.5 per core): other work
#                  still running, or just finished, would be measured with us.
#   QUIET_FOREIGN  the CPU that others used while the benchmark ran, in cores on average (default 0.1 per core):
#                  all the machine's busy CPU time (/proc/stat) minus what this script and its descendants used
#                  (their own, and their waited-for children's, from /proc/PID/stat). The load average cannot tell
#                  this: a benchmark that saturates two cores (wrk with 32 connections, a registry's threads) keeps
#                  it at 4-6 by itself, so a threshold on it either judges nothing or lets others in.
# The highest load average during the runs is still recorded, as a figure, not as a criterion.
bench_begin() {
  BENCH_COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  BENCH_DIRTY=""
  # The doc the scripts write is left out: one commit's sections are regenerated one script after another.
  if ! git diff --quiet HEAD -- . ':!docs/performance.md' 2>/dev/null; then
    if [ "${ALLOW_DIRTY:-0}" != 1 ]; then
      echo "bench: the work tree has uncommitted changes; commit them (a section names one commit) or set ALLOW_DIRTY=1 for a look" >&2
      exit 2
    fi
    BENCH_DIRTY="+local changes"
  fi
  local cores; cores=$(nproc)
  QUIET_START=${QUIET_START:-$(awk -v c="$cores" 'BEGIN { printf "%.2f", c * 0.5 }')}
  QUIET_FOREIGN=${QUIET_FOREIGN:-$(awk -v c="$cores" 'BEGIN { printf "%.2f", c * 0.1 }')}
  LOAD_START=$(cut -d' ' -f1 /proc/loadavg)
  LOAD_MAX=$LOAD_START
  export GATEHOUSE_BENCH_RUN="$$-$(date +%s%N)"
  BENCH_T0=$(date +%s.%N)
  BENCH_BUSY0=$(busy_ticks)
  BENCH_OWN0=$(own_ticks)
}

# All CPUs' busy time so far, in clock ticks: user, nice, system, irq, softirq, steal (/proc/stat, proc(5)).
busy_ticks() {
  awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

# CPU ticks used so far by this script and everything it started: the script itself ($$, with its waited-for
# children's cutime/cstime: a foreground tool it ran, a server it stopped and waited for) and every living process
# that carries this run's GATEHOUSE_BENCH_RUN in its environment (bench_begin exports it, so every process the
# script starts inherits it, including servers started inside $(…), which the kernel hands to init when that
# subshell exits: a parent-child walk missed those and counted a benchmark's own registries as others' work).
# Fields after "(comm) " in /proc/PID/stat: 12-15 utime stime cutime cstime.
own_ticks() {
  python3 - "$$" "$GATEHOUSE_BENCH_RUN" <<'PY'
import os, sys
root, mark = sys.argv[1], ("GATEHOUSE_BENCH_RUN=" + sys.argv[2]).encode()
total = 0
for pid in os.listdir("/proc"):
    if not pid.isdigit():
        continue
    try:
        if pid != root and mark not in open(f"/proc/{pid}/environ", "rb").read().split(b"\0"):
            continue
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        continue
    total += sum(int(x) for x in fields[11:15])
print(total)
PY
}

load_sample() {
  local l; l=$(cut -d' ' -f1 /proc/loadavg)
  LOAD_MAX=$(awk -v a="$LOAD_MAX" -v b="$l" 'BEGIN { print (b + 0 > a + 0) ? b : a }')
}

# The CPU others used since bench_begin, in cores on average (never below 0).
foreign_cores() {
  local busy own now hz
  busy=$(busy_ticks); own=$(own_ticks); now=$(date +%s.%N); hz=$(getconf CLK_TCK)
  awk -v b0="$BENCH_BUSY0" -v b1="$busy" -v o0="$BENCH_OWN0" -v o1="$own" -v t0="$BENCH_T0" -v t1="$now" -v hz="$hz" 'BEGIN {
    f = ((b1 - b0) - (o1 - o0)) / hz / (t1 - t0); if (f < 0) f = 0; printf "%.2f", f }'
}

# Prints "yes" when this run may give verdicts, else why not.
bench_quiet() {
  load_sample
  if [ -n "$BENCH_DIRTY" ]; then echo "no: uncommitted changes were measured"; return; fi
  local foreign; foreign=$(foreign_cores)
  awk -v s="$LOAD_START" -v qs="$QUIET_START" -v f="$foreign" -v qf="$QUIET_FOREIGN" 'BEGIN {
    if (s + 0 > qs + 0) printf "no: load %.2f before the start > %.2f\n", s, qs
    else if (f + 0 > qf + 0) printf "no: others used %.2f cores during the runs > %.2f\n", f, qf
    else print "yes" }'
}

# judge VERDICT: the verdict, or "not judged (why)" when the run was not quiet.
judge() {
  local q; q=$(bench_quiet)
  if [ "$q" = yes ]; then echo "$1"; else echo "not judged (${q#no: })"; fi
}

# One line for a section: when, which commit, the load before, the CPU others used, and whether verdicts count.
run_conditions() {
  load_sample
  printf '%s, commit %s%s; load average (1 min) before the start %s (quiet at ≤ %s); CPU used by others during the runs %s cores (quiet at ≤ %s; highest load average %s, the benchmark'"'"'s own included); verdicts given: %s' \
    "$(date -u +%Y-%m-%dT%H:%MZ)" "$BENCH_COMMIT" "$BENCH_DIRTY" "$LOAD_START" "$QUIET_START" "$(foreign_cores)" "$QUIET_FOREIGN" "$LOAD_MAX" "$(bench_quiet)"
}
