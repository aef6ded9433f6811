#!/usr/bin/env bash
# Where the launcher's SIMD kernel starts to pay: `./logreg train --timings` on seeded N x 100 float32 .npy files of
# several sizes (ROWS, default "1000000 3000000 6000000": 0.4, 1.2 and 2.4 GB), each run with LOGREG_VECTOR=0 (the
# scalar kernel) and LOGREG_VECTOR=1 (--add-modules jdk.incubator.vector, the Vector API kernel) alternately, ROUNDS
# rounds (default 3). The SIMD kernel's pass is faster; C2 compiling it costs a fresh JVM a fixed time; the launcher's
# LOGREG_VECTOR_MIN_MB is where the two lines cross. Data: DATA (default /tmp/logreg-vector), written once by
# end_to_end_data.py (the largest size; the smaller ones are its first rows). PYTHON: an interpreter with NumPy.
# Raw output: benchmarks/results/cpu/vector-threshold-<UTC date>.txt (appended).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=benchmarks/cpu/machine.sh
source benchmarks/cpu/machine.sh
DATA="${DATA:-/tmp/logreg-vector}"
ROUNDS="${ROUNDS:-3}"
ROWS="${ROWS:-1000000 3000000 6000000}"
PY="${PYTHON:-python3}"
largest=0
for r in $ROWS; do (( r > largest )) && largest=$r; done
if [[ ! -f "$DATA/$largest/X.npy" ]]; then
  echo "writing $largest x 100 rows to $DATA/$largest ..." >&2
  "$PY" benchmarks/cpu/end_to_end_data.py "$DATA/$largest" "$largest" 100 7 --no-csv
fi
for r in $ROWS; do
  if [[ ! -f "$DATA/$r/X.npy" ]]; then
    mkdir -p "$DATA/$r"
    "$PY" -c "
import numpy as np, sys
x = np.load(sys.argv[1] + '/X.npy', mmap_mode='r'); y = np.load(sys.argv[1] + '/y.npy')
n = int(sys.argv[3]); np.save(sys.argv[2] + '/X.npy', np.ascontiguousarray(x[:n])); np.save(sys.argv[2] + '/y.npy', y[:n])
" "$DATA/$largest" "$DATA/$r" "$r"
  fi
done
./logreg --version > /dev/null   # builds the cli (and its class-data archive) before any timed run
export LOGREG_SKIP_BUILD=1
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
result="benchmarks/results/cpu/vector-threshold-$(date -u +%Y-%m-%d).txt"
{
  echo "# benchmarks/cpu/run-vector-threshold.sh  ($(date -u +%Y-%m-%dT%H:%M:%SZ)), rounds $ROUNDS, rows $ROWS, data $DATA"
  describe_machine
  for round in $(seq 1 "$ROUNDS"); do
    echo "# round $round"
    for r in $ROWS; do
      for v in 0 1; do
        cat "$DATA/$r/X.npy" > /dev/null
        LOGREG_VECTOR=$v /usr/bin/time -f "%e %U %S" -o "$tmp/time" ./logreg train --data "$DATA/$r/X.npy" --labels "$DATA/$r/y.npy" \
          --penalty l2 --lambda 1 --out "$tmp/m.json" --force --timings > "$tmp/out" 2>&1
        read -r wall user sys < "$tmp/time"
        printf 'rows %-8s vector %s  wall %6.2f s  cpu %6.2f s  load %s  %s\n' "$r" "$v" "$wall" "$(echo "$user + $sys" | bc)" \
          "$(cut -d' ' -f1 /proc/loadavg)" "$(grep -E '^timings' "$tmp/out" | sed 's/timings: //')"
        echo "$r $v $wall" >> "$tmp/walls"
      done
    done
  done
  echo "# medians of the wall (s), scalar against SIMD:"
  for r in $ROWS; do
    s=$(awk -v r="$r" '$1 == r && $2 == 0 {print $3}' "$tmp/walls" | sort -n | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}')
    v=$(awk -v r="$r" '$1 == r && $2 == 1 {print $3}' "$tmp/walls" | sort -n | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}')
    echo "#   rows $r ($((r * 400 / 1000000)) MB of features): scalar $s s, SIMD $v s, SIMD / scalar $(echo "scale=3; $v / $s" | bc)"
  done
  echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee -a "$result"
echo "saved $result"
