#!/usr/bin/env bash
# No regression from one change to the next (SPEC §11): two builds of `itss` take turns
# running the same `itss batch` on the same files, ROUNDS times each, so that both see the
# same machine; prints every wall time, then best and median of each and their ratio.
# Usage: benches/compare.sh DIR THREADS OLD_ITSS [NEW_ITSS]
#        DIR: submissions, e.g. from `itss sample`; NEW_ITSS defaults to target/release/itss
#        (built first unless SKIP_BUILD=1). Build the old one from a worktree of the earlier
#        commit, e.g.  git worktree add /tmp/old <commit> && (cd /tmp/old && cargo build --release)
# Env:   ROUNDS=5  OUT=/dev/shm/itss-compare-out  ARGS="--formats json" (flags for both runs)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:?usage: benches/compare.sh DIR THREADS OLD_ITSS [NEW_ITSS]}
threads=${2:?threads}
old=${3:?old itss binary}
new=${4:-target/release/itss}
rounds=${ROUNDS:-5}
out=${OUT:-/dev/shm/itss-compare-out}
read -r -a args <<< "${ARGS:---formats json}"
if [ -z "${SKIP_BUILD:-}" ] && [ "$new" = target/release/itss ]; then cargo build --release --quiet; fi
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

times_old=()
times_new=()
for _ in $(seq "$rounds"); do
  for which in old new; do
    rm -rf "$out"
    sync
    bin=$old; [ "$which" = new ] && bin=$new
    /usr/bin/time -f "%e" -o "$out.time" "$bin" batch "$dir" --out "$out" -j "$threads" "${args[@]}" >/dev/null 2>&1 || true
    t=$(tail -1 "$out.time")
    if [ "$which" = old ]; then times_old+=("$t"); else times_new+=("$t"); fi
  done
done
rm -rf "$out" "$out.time"

best() { printf '%s\n' "$@" | sort -n | head -1; }
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo "-j $threads, $rounds rounds, itss batch ${args[*]}"
echo "old ($old), s: ${times_old[*]}"
echo "new ($new), s: ${times_new[*]}"
awk -v ob="$(best "${times_old[@]}")" -v om="$(median "${times_old[@]}")" \
    -v nb="$(best "${times_new[@]}")" -v nm="$(median "${times_new[@]}")" \
    'BEGIN { printf "best   old %.2f s, new %.2f s: new takes %.3fx the old time\nmedian old %.2f s, new %.2f s: new takes %.3fx the old time\n", ob, nb, nb / ob, om, nm, nm / om }'
