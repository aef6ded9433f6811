#!/usr/bin/env bash
# Issue 19: where the wall time of `./logreg train --timings` goes, as a user runs it, on the end-to-end rows as a
# mapped .npy (1,000,000 x 100 float32, X.npy + y.npy) and, with LIBSVM=1, on the first 700,000 of them as LIBSVM
# (run-parse.sh writes both to DATA, default /tmp/logreg-parse; this script writes the .npy files if missing).
# Beside each command in the same run: a plain read of its file (`cat > /dev/null`, from the page cache), the floor
# of any reader. ROUNDS rounds (default 3), the formats alternated. Raw output:
# benchmarks/results/cpu/train-timings-<UTC date>.txt (appended; RESULT overrides).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=benchmarks/cpu/machine.sh
source benchmarks/cpu/machine.sh
DATA="${DATA:-/tmp/logreg-parse}"
ROUNDS="${ROUNDS:-3}"
[[ -f "$DATA/X.npy" && -f "$DATA/y.npy" ]] || "${PYTHON:-python3}" benchmarks/cpu/end_to_end_data.py "$DATA" 1000000 100 42 --no-csv
runs=("--data $DATA/X.npy --labels $DATA/y.npy")
if [[ "${LIBSVM:-0}" == 1 ]]; then
  [[ -f "$DATA/data.libsvm" ]] || { echo "no $DATA/data.libsvm: run LIBSVM=1 benchmarks/cpu/run-parse.sh first" >&2; exit 2; }
  runs+=("--data $DATA/data.libsvm")
fi
./logreg --version > /dev/null   # builds the cli on first use, so that no build lands inside a timed run
export LOGREG_SKIP_BUILD=1
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
result="${RESULT-benchmarks/results/cpu/train-timings-$(date -u +%Y-%m-%d).txt}"
{
  echo "# benchmarks/cpu/run-train-timings.sh  ($(date -u +%Y-%m-%dT%H:%M:%SZ)), rounds $ROUNDS, at $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!benchmarks/results' || echo ' + uncommitted changes')"
  describe_machine
  for round in $(seq 1 "$ROUNDS"); do
    echo "# round $round"
    for r in "${runs[@]}"; do
      f="$(echo "$r" | cut -d' ' -f2)"
      t0=$(date +%s.%N); cat "$f" > /dev/null; t1=$(date +%s.%N)
      printf 'plain read (cat > /dev/null) %s: %.3f s\n' "$(basename "$f")" "$(echo "$t1 - $t0" | bc)"
      # shellcheck disable=SC2086
      /usr/bin/time -f "%e %U %S" -o "$tmp/time" ./logreg train $r --penalty l2 --lambda 1 --out "$tmp/model.json" --force --timings > "$tmp/out" 2>&1
      read -r wall user sys < "$tmp/time"
      echo "./logreg train $r --penalty l2 --lambda 1 --timings: wall $wall s (user $user, sys $sys), load $(cut -d' ' -f1 /proc/loadavg)"
      grep -E '^(data|timings):' "$tmp/out" | sed 's/^/  /'
    done
  done
} 2>&1 | tee -a "$result"
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$result"
echo "saved $result"
