#!/usr/bin/env bash
# Spreadsheet submissions against YAML (issue #20): the same seeded cohort of N full-O&M
# submissions, once as YAML and once as .xlsx workbooks (`itss convert`), through
# `itss batch` (results only, --no-evidence-files); fastest of REPS runs each, interleaved.
# Prints a table and the ratio xlsx/yaml of wall time.
# Usage: benches/xlsx.sh [N]   (default 1000)   Env: WORK=/tmp/itss-xlsx-bench REPS=3 J=2 SKIP_BUILD=1
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
reps=${REPS:-3}
jobs=${J:-2}
work=${WORK:-/tmp/itss-xlsx-bench}
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet
itss=$PWD/target/release/itss
rm -rf "$work" && mkdir -p "$work"
"$itss" sample --catalog itss-om --count "$n" --seed 1 --invalid-per-mille 0 --out "$work/yaml" >/dev/null
mkdir -p "$work/xlsx"
# One workbook per YAML file, named alike.
find "$work/yaml" -name '*.yaml' -print0 | sort -z |
  xargs -0 -P "$jobs" -I{} sh -c 'f="{}"; "$0" convert "$f" --to xlsx -o "$1/$(basename "${f%.yaml}").xlsx" 2>/dev/null' "$itss" "$work/xlsx"
yaml_bytes=$(du -sb "$work/yaml" | cut -f1)
xlsx_bytes=$(du -sb "$work/xlsx" | cut -f1)

best() { # dir → fastest wall seconds of REPS batch runs
  local dir=$1 best="" t0 t1 s
  for _ in $(seq "$reps"); do
    rm -rf "$work/out"
    sync
    t0=$(date +%s.%N)
    "$itss" batch "$dir" --out "$work/out" -j "$jobs" --no-evidence-files >/dev/null 2>&1 || true
    t1=$(date +%s.%N)
    s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    if [ -z "$best" ] || awk -v s="$s" -v b="$best" 'BEGIN { exit !(s < b) }'; then best=$s; fi
  done
  echo "$best"
}
yaml_s=$(best "$work/yaml")
xlsx_s=$(best "$work/xlsx")
assessed=$(python3 -c "import json,sys; print(json.load(open('$work/out/summary.json'))['assessed'])" 2>/dev/null || echo "?")
echo "| form | files | bytes | wall s (best of $reps, -j $jobs) | submissions/s |"
echo "|---|---:|---:|---:|---:|"
awk -v n="$n" -v b="$yaml_bytes" -v s="$yaml_s" 'BEGIN { printf "| YAML | %d | %d | %.2f | %.0f |\n", n, b, s, n / s }'
awk -v n="$n" -v b="$xlsx_bytes" -v s="$xlsx_s" 'BEGIN { printf "| xlsx | %d | %d | %.2f | %.0f |\n", n, b, s, n / s }'
awk -v y="$yaml_s" -v x="$xlsx_s" 'BEGIN { printf "xlsx/yaml wall-time ratio: %.2f\n", x / y }'
echo "(last xlsx run assessed: $assessed)"
