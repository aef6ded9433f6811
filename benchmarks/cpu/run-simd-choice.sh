#!/usr/bin/env bash
# Which dense fits the SIMD kernels earn back, binary and multinomial: `./logreg train --timings` on seeded N x 100
# float32 .npy files with K classes (CASES, "rows:K" pairs, K = 2 a binary fit; "rows:K:cv" adds --cv-folds 3
# --lambda-count 5, "rows:K:ovr" --multiclass ovr: many fits over the same rows), each run three ways alternately,
# ROUNDS rounds (default 3): LOGREG_VECTOR=0 (the scalar kernels), the launcher's default (the module added from 8 MB
# of features, the cpu backend choosing by LOGREG_VECTOR_MIN_MB and LOGREG_VECTOR_MIN_CLASS_MB) and LOGREG_VECTOR=1
# (the SIMD kernels for every term). The default should be the faster of the other two in every case. Data: DATA
# (default /tmp/logreg-simd-choice), written once per case (labels: the argmax of X·W plus Gumbel noise, so a true
# multinomial model). PYTHON: an interpreter with NumPy.
# Raw output: benchmarks/results/cpu/simd-choice-<UTC date>.txt (appended).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=benchmarks/cpu/machine.sh
source benchmarks/cpu/machine.sh
DATA="${DATA:-/tmp/logreg-simd-choice}"
ROUNDS="${ROUNDS:-3}"
CASES="${CASES:-1000000:2 50000:10 200000:3 200000:10 1000000:3 1000000:10}"
PY="${PYTHON:-python3}"
# "rows:K" or "rows:K:mode" -> the data's directory and the extra arguments of `train`.
case_dir() { local rest="${1#*:}"; echo "$DATA/${1%%:*}:${rest%%:*}"; }
case_args() {
  case "$1" in
    *:cv) echo "--cv-folds 3 --lambda-count 5" ;;
    *:ovr) echo "--multiclass ovr --lambda 1" ;;
    *) echo "--lambda 1" ;;
  esac
}
for c in $CASES; do
  rows="${c%%:*}" rest="${c#*:}" k="${rest%%:*}"
  dir="$(case_dir "$c")"
  if [[ ! -f "$dir/X.npy" ]]; then
    mkdir -p "$dir"
    "$PY" -c "
import numpy as np, sys
m, k, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = np.random.default_rng(20261204 + k)
x = rng.standard_normal((m, 100), dtype=np.float32)
w = rng.standard_normal((100, k)) * 0.3
np.save(out + '/X.npy', x)
np.save(out + '/y.npy', np.argmax(x @ w + rng.gumbel(size=(m, k)), axis=1).astype(np.float32))
" "$rows" "$k" "$dir"
  fi
done
./logreg --version > /dev/null   # builds the cli (and its class-data archive) before any timed run
export LOGREG_SKIP_BUILD=1
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
result="benchmarks/results/cpu/simd-choice-$(date -u +%Y-%m-%d).txt"
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}'; }
{
  echo "# benchmarks/cpu/run-simd-choice.sh  ($(date -u +%Y-%m-%dT%H:%M:%SZ)), rounds $ROUNDS, cases $CASES, data $DATA"
  describe_machine
  for round in $(seq 1 "$ROUNDS"); do
    echo "# round $round"
    for c in $CASES; do
      for mode in scalar default simd; do
        case "$mode" in
          scalar) env_vector=(LOGREG_VECTOR=0) ;;
          default) env_vector=() ;;
          simd) env_vector=(LOGREG_VECTOR=1) ;;
        esac
        dir="$(case_dir "$c")"
        cat "$dir/X.npy" > /dev/null
        # shellcheck disable=SC2046
        env ${env_vector[@]+"${env_vector[@]}"} /usr/bin/time -f "%e %U %S" -o "$tmp/time" ./logreg train --data "$dir/X.npy" \
          --labels "$dir/y.npy" --penalty l2 $(case_args "$c") --out "$tmp/m.json" --force --timings > "$tmp/out" 2>&1
        read -r wall user sys < "$tmp/time"
        printf 'case %-15s %-7s wall %6.2f s  cpu %6.2f s  load %s  %s | %s\n' "$c" "$mode" "$wall" "$(echo "$user + $sys" | bc)" \
          "$(cut -d' ' -f1 /proc/loadavg)" "$(grep -E '^timings' "$tmp/out" | sed 's/timings: //')" \
          "$(grep -E '^status' "$tmp/out" | head -1)"
        echo "$c $mode $wall" >> "$tmp/walls"
      done
    done
  done
  echo "# medians of the wall (s):"
  for c in $CASES; do
    s=$(awk -v c="$c" '$1 == c && $2 == "scalar" {print $3}' "$tmp/walls" | median)
    d=$(awk -v c="$c" '$1 == c && $2 == "default" {print $3}' "$tmp/walls" | median)
    v=$(awk -v c="$c" '$1 == c && $2 == "simd" {print $3}' "$tmp/walls" | median)
    rows="${c%%:*}" rest="${c#*:}" k="${rest%%:*}" mode="${rest#*:}"
    [[ "$mode" == "$k" ]] && mode=one
    printf '#   rows %-8s K %-3s %-4s (%4d MB of features): scalar %6.2f s, default %6.2f s, SIMD %6.2f s; default / the faster other %s\n' \
      "$rows" "$k" "$mode" "$((rows * 400 / 1000000))" "$s" "$d" "$v" "$(awk -v d="$d" -v s="$s" -v v="$v" 'BEGIN {printf "%.3f", d / (s < v ? s : v)}')"
  done
  echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee -a "$result"
echo "saved $result"
