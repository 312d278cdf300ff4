#!/usr/bin/env bash
# The floor ratio of SPEC §11 measured on its own: parse-only and results-only runs of
# `itss batch` take turns on the same files, ROUNDS times each, so that both see the same
# machine; prints every wall time, then best and median of each and their ratios.
# (benches/batch.sh runs every configuration in turn too, but with three rounds and many
# configurations between a floor run and its results run; on a noisy VM this is the
# measurement to decide the ratio by.)
# Usage: benches/ratio.sh DIR [THREADS]     DIR: submissions, e.g. from `itss sample`
# Env:   ROUNDS=5  OUT=/dev/shm/itss-ratio-out  SKIP_BUILD=1
#        ARGS="--no-evidence-files": further flags for the results runs only (the floor
#        opens no evidence anyway), e.g. to see the ratio without evidence file I/O
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:?usage: benches/ratio.sh DIR [THREADS]}
threads=${2:-2}
rounds=${ROUNDS:-5}
out=${OUT:-/dev/shm/itss-ratio-out}
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet
itss=target/release/itss
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

floor=()
results=()
for _ in $(seq "$rounds"); do
  for mode in floor results; do
    rm -rf "$out"
    sync
    if [ "$mode" = floor ]; then args=(--parse-only); else args=(--formats json ${ARGS:-}); fi
    /usr/bin/time -f "%e" -o "$out.time" "$itss" batch "$dir" --out "$out" -j "$threads" "${args[@]}" >/dev/null 2>&1 || true
    t=$(tail -1 "$out.time")
    if [ "$mode" = floor ]; then floor+=("$t"); else results+=("$t"); fi
  done
done
rm -rf "$out" "$out.time"

best() { printf '%s\n' "$@" | sort -n | head -1; }
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo "-j $threads, $rounds rounds${ARGS:+, results with $ARGS}"
echo "parse-only floor, s: ${floor[*]}"
echo "results only, s:     ${results[*]}"
awk -v fb="$(best "${floor[@]}")" -v fm="$(median "${floor[@]}")" \
    -v rb="$(best "${results[@]}")" -v rm="$(median "${results[@]}")" \
    'BEGIN { printf "best   %.2f s / %.2f s = %.2fx the floor\nmedian %.2f s / %.2f s = %.2fx the floor\n", fb, rb, fb / rb, fm, rm, fm / rm }'
