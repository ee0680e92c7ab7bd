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
