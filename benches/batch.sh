#!/usr/bin/env bash
# Batch throughput and peak memory of `itss batch` (SPEC §11), measured in one run as ratios:
#   - against the parse-only floor: the same files only read and parsed, by the same YAML
#     parser as assessment, into an untyped value, on the same threads (`itss batch --parse-only`);
#   - against the Python pipeline an assessor would write (PyYAML + fastjsonschema + Jinja2,
#     ../shared/bench/peer_pipeline.py or $PEER), when available;
#   - HTML reports against results only.
# Outputs go to RAM (a tmpfs, /dev/shm) when the largest run fits there, each run's removed
# as soon as it is measured; otherwise to WORK on disk, removed per size. On disk, file
# creation is what the file system makes of it: on an ext4 without a journal (this project's
# CI machines), every new inode is checked against the inodes deleted in the last minutes, so
# a benchmark that writes and deletes 10⁵ files measures its own deletions. The table says
# where outputs went. Every run writes into a directory of its own after a `sync`. Each itss
# configuration runs REPS times, interleaved, and the fastest run is reported.
# Usage: benches/batch.sh [SIZE...]        (default: 1000 10000; add 100000 for the full run)
# Env:   WORK=/tmp/itss-bench  PEER=path/to/peer_pipeline.py  PEER_MAX=10000  SKIP_BUILD=1
#        THREADS="1 2"  REPS=3  OUT_RAM=/dev/shm (empty: always on disk)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
read -r -a threads <<< "${THREADS:-1 2}"
reps=${REPS:-3}
work=${WORK:-/tmp/itss-bench}
peer=${PEER:-../shared/bench/peer_pipeline.py}
peer_max=${PEER_MAX:-10000}
out_ram=${OUT_RAM-/dev/shm}
mkdir -p "$work" target/bench
report=target/bench/batch.md
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet
itss=target/release/itss
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

# run CMD... → "wall_s cpu_s peak_kb" (wall clock, user+system CPU and max RSS from /usr/bin/time -v)
run() {
  local log="$work/time.log"
  sync
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || true
  local wall cpu rss
  wall=$(grep "Elapsed (wall clock)" "$log" | awk -F': ' '{print $2}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$log")
  rss=$(grep "Maximum resident set size" "$log" | awk -F': ' '{print $2}')
  echo "$wall $cpu $rss"
}

peer_ok=0
if [ -f "$peer" ] && python3 -c "import yaml, fastjsonschema, jinja2" 2>/dev/null; then peer_ok=1; fi
if [ -f "$peer" ] && [ $peer_ok = 0 ]; then
  pip install --quiet pyyaml fastjsonschema jinja2 >/dev/null 2>&1 && peer_ok=1 || true
fi

{
  echo "| submissions | run | threads | wall s | submissions/s | CPU s | peak RSS MiB | ratio (wall) |"
  echo "|---:|---|---:|---:|---:|---:|---:|---|"
} > "$report"

row() { # n name threads wall cpu rss ratio
  local rate
  rate=$(awk -v n="$1" -v w="$4" 'BEGIN { printf "%.0f", (w > 0 ? n / w : 0) }')
  printf "| %s | %s | %s | %.2f | %s | %.2f | %.0f | %s |\n" "$1" "$2" "$3" "$4" "$rate" "$5" \
    "$(awk -v k="$6" 'BEGIN{print k/1024}')" "$7" | tee -a "$report"
}
ratio() { awk -v a="$1" -v b="$2" -v f="$3" 'BEGIN { printf f, a / b }'; }

# best NAME CMD...: runs CMD once (OUT in its arguments becomes a fresh directory) and keeps in
# fastest[NAME] the "wall cpu rss" of the fastest run of NAME so far.
# HTML runs: every size in RAM; on disk up to 10⁴ submissions (10⁵ reports need ~25 GB).
html_runs() { [ "$n" -le 10000 ] || { [ "$where" != disk ] && [ "$j" = 2 ]; }; }

declare -A fastest
runs=0
best() {
  local name=$1 line a; shift
  local args=()
  runs=$((runs + 1))
  for a in "$@"; do args+=("${a//OUT/$out/$name-$runs}"); done
  line=$(run "${args[@]}")
  # In RAM, deleting costs nothing later: free the space at once. On disk only above 10⁴
  # submissions, where keeping every run's output would not fit.
  if [ "$where" != disk ] || [ "$n" -gt 10000 ]; then rm -rf "${out:?}/$name-$runs"; fi
  if [ -z "${fastest[$name]:-}" ] || awk -v a="$line" -v b="${fastest[$name]}" \
      'BEGIN { split(a, x, " "); split(b, y, " "); exit !(x[1] < y[1]) }'; then
    fastest[$name]=$line
  fi
}

for n in "${sizes[@]}"; do
  src="$work/sub-$n"
  if [ ! -d "$src" ]; then
    "$itss" sample --catalog itss-om --count "$n" --seed 42 --out "$src" --evidence 2>/dev/null
  fi
  # The largest run (results + HTML) writes about 260 KB per submission.
  where=disk
  out="$work/out-$n"
  if [ -n "$out_ram" ] && [ -d "$out_ram" ]; then
    free_kb=$(df -Pk "$out_ram" | awk 'NR == 2 { print $4 }')
    if [ "$free_kb" -gt $((n * 260 * 2)) ]; then
      where="RAM ($out_ram)"
      out="$out_ram/itss-bench-out-$n"
    fi
  fi
  rm -rf "$out"
  mkdir -p "$out"
  echo "| $n | outputs written to $where | | | | | | |" | tee -a "$report"
  for j in "${threads[@]}"; do
    fastest=()
    # The configurations take turns, REPS rounds, so slow phases of the machine are shared.
    for _ in $(seq "$reps"); do
      best floor "$itss" batch "$src" --out OUT -j "$j" --parse-only
      best json "$itss" batch "$src" --out OUT -j "$j" --formats json
      if html_runs; then
        best html "$itss" batch "$src" --out OUT -j "$j" --formats json,html
      fi
      best nofiles "$itss" batch "$src" --out OUT -j "$j" --formats json --no-evidence-files
    done
    read -r fw fc fr <<< "${fastest[floor]}"
    row "$n" "parse-only floor" "$j" "$fw" "$fc" "$fr" "1.00"
    read -r w c r <<< "${fastest[json]}"
    row "$n" "results (json)" "$j" "$w" "$c" "$r" "$(ratio "$fw" "$w" "%.2f× floor")"
    rw=$w
    if html_runs; then
      read -r w c r <<< "${fastest[html]}"
      row "$n" "results + HTML" "$j" "$w" "$c" "$r" "$(ratio "$w" "$rw" "%.2f× results-only time")"
    fi
    read -r w c r <<< "${fastest[nofiles]}"
    row "$n" "results, --no-evidence-files" "$j" "$w" "$c" "$r" "$(ratio "$fw" "$w" "%.2f× floor")"
    nw=$w
    if [ $peer_ok = 1 ] && [ "$n" -le "$peer_max" ]; then
      read -r pw pc pr < <(run python3 "$peer" --catalog rules/itss-om.yaml --schema schemas/submission.schema.json --out "$out/peer-$j" -j "$j" "$src")
      row "$n" "Python peer (results)" "$j" "$pw" "$pc" "$pr" "itss --no-evidence-files is $(ratio "$pw" "$nw" "%.1f×") faster"
      read -r pw pc pr < <(run python3 "$peer" --catalog rules/itss-om.yaml --schema schemas/submission.schema.json --out "$out/peerhtml-$j" -j "$j" --html "$src")
      row "$n" "Python peer (results + HTML)" "$j" "$pw" "$pc" "$pr" "—"
    fi
  done
  rm -rf "$out"
done
echo "written to $report"
