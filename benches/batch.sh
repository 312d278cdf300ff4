#!/usr/bin/env bash
# Batch throughput and peak memory of `itss batch` (SPEC §11), measured in one run as ratios:
#   - against the parse-only floor (the same files only read and parsed into an untyped value
#     by serde-saphyr, the same YAML parser family, on the same threads): `itss batch --parse-only`;
#   - against the Python pipeline an assessor would write (PyYAML + fastjsonschema + Jinja2,
#     ../shared/bench/peer_pipeline.py or $PEER), when available.
# Usage: benches/batch.sh [SIZE...]        (default: 1000 10000; add 100000 for the full run)
# Env:   WORK=/tmp/itss-bench  PEER=path/to/peer_pipeline.py  PEER_MAX=10000  SKIP_BUILD=1
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
work=${WORK:-/tmp/itss-bench}
peer=${PEER:-../shared/bench/peer_pipeline.py}
peer_max=${PEER_MAX:-10000}
mkdir -p "$work" target/bench
report=target/bench/batch.md
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet
itss=target/release/itss
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

# run NAME CMD... → "seconds peak_kb" (wall clock and max RSS from /usr/bin/time -v)
run() {
  local log="$work/time.log"
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || true
  local wall rss
  wall=$(grep "Elapsed (wall clock)" "$log" | awk -F': ' '{print $2}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(grep "Maximum resident set size" "$log" | awk -F': ' '{print $2}')
  echo "$wall $rss"
}

peer_ok=0
if [ -f "$peer" ] && python3 -c "import yaml, fastjsonschema, jinja2" 2>/dev/null; then peer_ok=1; fi
if [ -f "$peer" ] && [ $peer_ok = 0 ]; then
  pip install --quiet pyyaml fastjsonschema jinja2 >/dev/null 2>&1 && peer_ok=1 || true
fi

{
  echo "| submissions | run | threads | wall s | submissions/s | peak RSS MiB | ratio |"
  echo "|---:|---|---:|---:|---:|---:|---|"
} > "$report"

row() { # n name threads wall rss ratio
  local rate
  rate=$(awk -v n="$1" -v w="$4" 'BEGIN { printf "%.0f", (w > 0 ? n / w : 0) }')
  printf "| %s | %s | %s | %.2f | %s | %.0f | %s |\n" "$1" "$2" "$3" "$4" "$rate" "$(awk -v k="$5" 'BEGIN{print k/1024}')" "$6" | tee -a "$report"
}

for n in "${sizes[@]}"; do
  src="$work/sub-$n"
  if [ ! -d "$src" ]; then
    "$itss" sample --catalog itss-om --count "$n" --seed 42 --out "$src" --evidence 2>/dev/null
  fi
  for j in 1 2; do
    read -r fw fr < <(run "$itss" batch "$src" --out "$work/floor" -j "$j" --parse-only)
    row "$n" "parse-only floor" "$j" "$fw" "$fr" "1.00"
    rm -rf "$work/out"
    read -r w r < <(run "$itss" batch "$src" --out "$work/out" -j "$j" --formats json)
    row "$n" "results (json)" "$j" "$w" "$r" "$(awk -v f="$fw" -v w="$w" 'BEGIN{printf "%.2f× floor", f/w}')"
    rw=$w
    if [ "$n" -le 10000 ] || [ "$j" = 2 ]; then
      rm -rf "$work/out"
      read -r w r < <(run "$itss" batch "$src" --out "$work/out" -j "$j" --formats json,html)
      row "$n" "results + HTML" "$j" "$w" "$r" "$(awk -v a="$w" -v b="$rw" 'BEGIN{printf "%.2f× results-only time", a/b}')"
    fi
    rm -rf "$work/out"
    read -r w r < <(run "$itss" batch "$src" --out "$work/out" -j "$j" --formats json --no-evidence-files)
    row "$n" "results, --no-evidence-files" "$j" "$w" "$r" "$(awk -v f="$fw" -v w="$w" 'BEGIN{printf "%.2f× floor", f/w}')"
    nw=$w
    if [ $peer_ok = 1 ] && [ "$n" -le "$peer_max" ]; then
      rm -rf "$work/peer"
      read -r pw pr < <(run python3 "$peer" --catalog rules/itss-om.yaml --schema schemas/submission.schema.json --out "$work/peer" -j "$j" "$src")
      row "$n" "Python peer (results)" "$j" "$pw" "$pr" "itss --no-evidence-files is $(awk -v p="$pw" -v w="$nw" 'BEGIN{printf "%.1f×", p/w}') faster"
      rm -rf "$work/peer"
      read -r pw pr < <(run python3 "$peer" --catalog rules/itss-om.yaml --schema schemas/submission.schema.json --out "$work/peer" -j "$j" --html "$src")
      row "$n" "Python peer (results + HTML)" "$j" "$pw" "$pr" "—"
    fi
  done
  rm -rf "$work/out" "$work/peer" "$work/floor"
done
echo "written to $report"
