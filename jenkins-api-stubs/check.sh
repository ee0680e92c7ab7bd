#!/usr/bin/env bash
# Compares every stub in this module with the real Jenkins sources, using the shared stubcheck tool.
# It fetches NOTHING: give it a folder that already holds the real sources (see README.md, "Getting the real sources").
#
#   jenkins-api-stubs/check.sh /work/jenkins-src            # or: REAL_SRC=/work/jenkins-src jenkins-api-stubs/check.sh
#   jenkins-api-stubs/check.sh --strict /work/jenkins-src   # extra flags go to stubcheck
#
# Exit 0 only with 0 mismatches and 0 missing. STUBCHECK=<path to stubcheck.sh> overrides where the tool is found.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
flags=(); real=${REAL_SRC:-}
for a in "$@"; do case "$a" in -*) flags+=("$a") ;; *) real=$a ;; esac; done
if [ -z "$real" ] || [ ! -d "$real" ]; then
  echo "usage: $0 [--strict|--no-warn|-v] REAL_SOURCES_DIR   (or REAL_SRC=...; see $here/README.md)" >&2
  exit 2
fi
tool=${STUBCHECK:-}
if [ -z "$tool" ]; then
  for t in "$here/../../shared/tools/stubcheck/stubcheck.sh" "$here/../shared/tools/stubcheck/stubcheck.sh" /work/shared/tools/stubcheck/stubcheck.sh; do
    [ -f "$t" ] && { tool=$t; break; }
  done
fi
[ -n "$tool" ] && [ -f "$tool" ] || { echo "stubcheck.sh not found; set STUBCHECK=/path/to/stubcheck.sh" >&2; exit 2; }
exec bash "$tool" "${flags[@]}" "$here" "$real"
