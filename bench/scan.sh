#!/usr/bin/env bash
# Scanner benchmark: time to scan a ~500 MiB multi-layer image, as a ratio to `gzip -dc` of the same layers
# (decompressing is the floor: every byte of every layer must be inflated to find the files in it).
#
#   bash bench/scan.sh                 # RUNS=3, ~500 MiB of content in 5 gzip layers
#   RUNS=1 bash bench/scan.sh          # a quick look
#
# The image is built from real files of this machine, so it has realistic content and compressibility:
#   layer 1  dpkg status + os-release + /usr/share/doc + npm's node_modules (package.json files)
#   layer 2  /usr/share/locale                      (many small files)
#   layer 3  ~150 MiB of real jars from ~/.m2       (the jar extractor opens each one)
#   layer 4  /usr/lib/python3/dist-packages         (dist-info METADATA)
#   layer 5  ~100 MiB of /usr/lib/x86_64-linux-gnu  (big binaries: pure decompression)
# The layers are written once as an OCI layout (bench/work/scan-layout) and reused by later runs.
#
# Measured, interleaved, RUNS times each (the median is reported):
#   floor   `gzip -dc` of every layer blob, one after the other, into /dev/null
#   ours    the scanner on the same layout (`gatehouse scan`): inventory of every layer, matching, report;
#           the engine's own time (printed by --timing) and the whole command (JVM start included)
# Ratio = ours / floor (lower is better; the target is at most 1.5, on the engine's time).
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."
ROOT=$(pwd)
bench_begin
RUNS=${RUNS:-3}
JAR=${JAR:-$ROOT/registry-server/target/gatehouse.jar}
DOC=${DOC:-$ROOT/docs/performance.md}
WORK=${WORK:-$ROOT/bench/work}
LAYOUT=$WORK/scan-layout
log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
now() { date +%s.%N; }
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) { print "nan"; exit } if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

mkdir -p "$WORK"
if [ ! -f "$JAR" ] || [ -n "${REBUILD:-}" ]; then
  log "building $JAR"
  mvn -B -ntp -q -o -pl registry-server -am package -DskipTests >/dev/null
fi

# ------------------------------------------------------------------------------------------------ the image
if [ ! -f "$LAYOUT/index.json" ]; then
  log "building the image from this machine's files"
  rm -rf "$LAYOUT" "$WORK/scan-src"
  mkdir -p "$LAYOUT/blobs/sha256" "$WORK/scan-src"
  S=$WORK/scan-src
  mkdir -p "$S/l1/var/lib/dpkg" "$S/l1/etc" "$S/l1/usr/share" "$S/l1/usr/lib" "$S/l3/opt/app/lib" "$S/l5/usr/lib"
  cp /var/lib/dpkg/status "$S/l1/var/lib/dpkg/status"
  cp -L /etc/os-release "$S/l1/etc/os-release"
  cp -r /usr/share/doc "$S/l1/usr/share/doc"
  cp -r /usr/lib/node_modules "$S/l1/usr/lib/node_modules" 2>/dev/null || true
  # ~150 MiB of jars, in a stable order
  total=0
  while IFS= read -r j; do
    sz=$(stat -c %s "$j"); total=$((total + sz))
    cp "$j" "$S/l3/opt/app/lib/$(basename "$j")"
    [ "$total" -gt $((150 << 20)) ] && break
  done < <(find "$HOME/.m2/repository" -name '*.jar' -size +20k | sort)
  total=0
  mkdir -p "$S/l5/usr/lib/x86_64-linux-gnu"
  while IFS= read -r f; do
    sz=$(stat -c %s "$f"); total=$((total + sz))
    cp "$f" "$S/l5/usr/lib/x86_64-linux-gnu/"
    [ "$total" -gt $((100 << 20)) ] && break
  done < <(find /usr/lib/x86_64-linux-gnu -maxdepth 1 -type f -size +100k | sort)
  layer() { # name, then tar arguments
    local name=$1; shift
    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -c "$@" | gzip -6 > "$WORK/$name.tar.gz"
    local d; d=$(sha256sum "$WORK/$name.tar.gz" | cut -d' ' -f1)
    mv "$WORK/$name.tar.gz" "$LAYOUT/blobs/sha256/$d"
    echo "$d $(stat -c %s "$LAYOUT/blobs/sha256/$d")"
  }
  {
    layer l1 -C "$S/l1" .
    layer l2 -C / usr/share/locale
    layer l3 -C "$S/l3" .
    layer l4 -C / usr/lib/python3/dist-packages
    layer l5 -C "$S/l5" .
  } > "$WORK/scan-layers.txt"
  python3 - "$LAYOUT" "$WORK/scan-layers.txt" <<'PY'
import hashlib, json, os, sys
layout, listing = sys.argv[1], sys.argv[2]
layers = [l.split() for l in open(listing) if l.strip()]
def put(b):
    d = hashlib.sha256(b).hexdigest()
    open(os.path.join(layout, 'blobs', 'sha256', d), 'wb').write(b)
    return 'sha256:' + d, len(b)
cfg, cs = put(json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []}}).encode())
m = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
     "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cfg, "size": cs},
     "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:" + d, "size": int(s)}
                for d, s in layers]}
md, ms = put(json.dumps(m).encode())
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": m["mediaType"], "digest": md, "size": ms,
           "annotations": {"org.opencontainers.image.ref.name": "bench"}}]}, open(os.path.join(layout, 'index.json'), 'w'))
open(os.path.join(layout, 'oci-layout'), 'w').write('{"imageLayoutVersion":"1.0.0"}')
PY
  rm -rf "$WORK/scan-src"
fi
BLOBS=$(awk '{ print "'"$LAYOUT"'/blobs/sha256/" $1 }' "$WORK/scan-layers.txt")
COMPRESSED=$(awk '{ s += $2 } END { printf "%.0f", s / 1048576 }' "$WORK/scan-layers.txt")
UNCOMPRESSED=$(for b in $BLOBS; do gzip -dc "$b"; done | wc -c | awk '{ printf "%.0f", $1 / 1048576 }')
NLAYERS=$(wc -l < "$WORK/scan-layers.txt")
log "image: $NLAYERS layers, $COMPRESSED MiB compressed, $UNCOMPRESSED MiB of tar"

# ------------------------------------------------------------------------------------------------ the database
DB=$WORK/scan-vulndb.sqlite
if [ ! -f "$DB" ]; then
  TD=$ROOT/registry-server/src/test/resources/vuln
  java -jar "$JAR" vulndb import --db "$DB" "$TD/ghsa" "$TD/debian12/changelog-osv.zip" \
    "$TD/debian-tracker/sample.json" "$TD/alpine/secdb-v3.11-main.yaml" "$TD/nvd/full-page.json" >/dev/null
fi

# ------------------------------------------------------------------------------------------------ runs
: > "$WORK/scan-floor.txt"; : > "$WORK/scan-engine.txt"; : > "$WORK/scan-cli.txt"
floor_run() {
  local t0 t1
  t0=$(now); for b in $BLOBS; do gzip -dc "$b" > /dev/null; done; t1=$(now)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' >> "$WORK/scan-floor.txt"
}
scan_run() {
  local t0 t1
  t0=$(now)
  java -jar "$JAR" scan --db "$DB" --timing --output "$WORK/scan-summary.txt" "$LAYOUT:bench" 2> "$WORK/scan-timing.txt"
  t1=$(now)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' >> "$WORK/scan-cli.txt"
  sed -n 's/^scan-seconds \([0-9.]*\)$/\1/p' "$WORK/scan-timing.txt" >> "$WORK/scan-engine.txt"
}
for i in $(seq 1 "$RUNS"); do
  # who goes first alternates, so neither always gets the warmer page cache (as in the other scripts)
  if [ $((i % 2)) = 1 ]; then floor_run; scan_run; else scan_run; floor_run; fi
  load_sample
  log "run $i: gzip -dc $(tail -1 "$WORK/scan-floor.txt") s, scan engine $(tail -1 "$WORK/scan-engine.txt") s, command $(tail -1 "$WORK/scan-cli.txt") s"
done
FLOOR=$(median < "$WORK/scan-floor.txt"); ENGINE=$(median < "$WORK/scan-engine.txt"); CLI=$(median < "$WORK/scan-cli.txt")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
R_ENGINE=$(ratio "$ENGINE" "$FLOOR"); R_CLI=$(ratio "$CLI" "$FLOOR")
VERDICT=$(judge "$(awk -v r="$R_ENGINE" 'BEGIN { if (r <= 1.5) print "met"; else printf "MISSED (%.2f > 1.5)\n", r }')")
PACKAGES=$(head -1 "$WORK/scan-summary.txt")

SECTION=$(cat <<EOF
<!-- bench/scan.sh:begin (generated; rerun the script to refresh) -->
Run: $(run_conditions); $(nproc) cores, RUNS=$RUNS. Image: $NLAYERS gzip layers, $COMPRESSED MiB
compressed, $UNCOMPRESSED MiB of tar. Result: \`$PACKAGES\`

| measure | median | ratio to \`gzip -dc\` | target |
|---|---:|---:|---|
| \`gzip -dc\` of every layer (floor) | ${FLOOR} s | 1.00 | |
| scan, engine time (inventory + match + report) | ${ENGINE} s | **${R_ENGINE}** | ≤ 1.5: $VERDICT |
| scan, whole command (JVM start, DB open, output) | ${CLI} s | ${R_CLI} | |

Samples (s): floor $(tr '\n' ' ' < "$WORK/scan-floor.txt"); engine $(tr '\n' ' ' < "$WORK/scan-engine.txt"); command $(tr '\n' ' ' < "$WORK/scan-cli.txt")
<!-- bench/scan.sh:end -->
EOF
)
printf '%s\n' "$SECTION"
write_section "$DOC" scan.sh "$SECTION"
log "wrote the results into $DOC"
