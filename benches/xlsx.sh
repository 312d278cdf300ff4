#!/usr/bin/env bash
# Spreadsheet submissions against YAML (issue #20): the same seeded cohort of N full-O&M
# submissions, once as YAML and once as .xlsx workbooks (`itss convert`), through
# `itss batch` (results only, --no-evidence-files); fastest of REPS runs each, interleaved.
# Prints a table and the ratios xlsx/yaml of wall and CPU time.
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

best() { # dir → "wall cpu" of the fastest (wall) of REPS batch runs; CPU = user + system
  local dir=$1 best="" cpu_best="" out wall cpu
  for _ in $(seq "$reps"); do
    rm -rf "$work/out"
    sync
    /usr/bin/time -o "$work/time" -f "%e %U %S" "$itss" batch "$dir" --out "$work/out" -j "$jobs" --no-evidence-files >/dev/null 2>&1 || true
    out=$(tail -1 "$work/time")
    wall=$(echo "$out" | awk '{ print $1 }')
    cpu=$(echo "$out" | awk '{ printf "%.2f", $2 + $3 }')
    if [ -z "$best" ] || awk -v s="$wall" -v b="$best" 'BEGIN { exit !(s < b) }'; then best=$wall; fi
    if [ -z "$cpu_best" ] || awk -v s="$cpu" -v b="$cpu_best" 'BEGIN { exit !(s < b) }'; then cpu_best=$cpu; fi
  done
  echo "$best $cpu_best"
}
read -r yaml_s yaml_cpu <<< "$(best "$work/yaml")"
read -r xlsx_s xlsx_cpu <<< "$(best "$work/xlsx")"
assessed=$(python3 -c "import json,sys; print(json.load(open('$work/out/summary.json'))['assessed'])" 2>/dev/null || echo "?")
echo "| form | files | bytes | wall s (best of $reps, -j $jobs) | CPU s (best) | submissions/s |"
echo "|---|---:|---:|---:|---:|---:|"
awk -v n="$n" -v b="$yaml_bytes" -v s="$yaml_s" -v c="$yaml_cpu" 'BEGIN { printf "| YAML | %d | %d | %.2f | %.2f | %.0f |\n", n, b, s, c, n / s }'
awk -v n="$n" -v b="$xlsx_bytes" -v s="$xlsx_s" -v c="$xlsx_cpu" 'BEGIN { printf "| xlsx | %d | %d | %.2f | %.2f | %.0f |\n", n, b, s, c, n / s }'
awk -v y="$yaml_s" -v x="$xlsx_s" -v yc="$yaml_cpu" -v xc="$xlsx_cpu" 'BEGIN { printf "xlsx/yaml ratio: wall %.2f, CPU %.2f\n", x / y, xc / yc }'
echo "(last xlsx run assessed: $assessed)"
