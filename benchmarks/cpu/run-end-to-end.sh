#!/usr/bin/env bash
# Issue 19, items 3-4: `./logreg train` end to end, as a user runs it, beside the equivalent NumPy + scikit-learn
# script (end_to_end_sklearn.py: load, lbfgs fit, the same training metrics, write the coefficients), on the same
# seeded 1,000,000 x 100 float32 rows (L2, lambda = 1), as .npy (X.npy + y.npy) and as CSV (952 MB), in one run.
# Each round runs, in this order: logreg .npy, python .npy, logreg CSV, python CSV, then each launcher variant
# (VARIANTS, below) on .npy; ROUNDS rounds (default 3). Beside them, in the same run: the plain read of each file
# (dd, page cache: the ceiling of any reader) and the disk's own read speed (dd iflag=direct).
# Every process's wall, user and system seconds are measured by /usr/bin/time; the summary gives medians and the
# ratios logreg / python (goals: .npy <= 0.5, CSV <= 1). The machine is shared: its load average is printed with
# each round, and the CPU seconds (user + sys) are the steadier figure.
# Data go to DATA (default /tmp/logreg-e2e; 1.4 GB, written once by end_to_end_data.py, reused after).
# Raw output: benchmarks/results/cpu/end-to-end-<UTC date>.txt (appended).
# VARIANTS: "name=VAR=value;name=VAR=value": the launcher run again with one environment variable set, e.g.
#   VARIANTS="nocds=LOGREG_CDS=0;vector=LOGREG_JAVA_OPTS=--add-modules jdk.incubator.vector;bare=LOGREG_JVM_FLAGS="
# (LOGREG_JVM_FLAGS replaces the launcher's own flags, its class-data archive included; LOGREG_JAVA_OPTS adds to them).
# PYTHON: the interpreter with NumPy and scikit-learn (default python3).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=benchmarks/cpu/machine.sh
source benchmarks/cpu/machine.sh
DATA="${DATA:-/tmp/logreg-e2e}"
ROUNDS="${ROUNDS:-3}"
PY="${PYTHON:-python3}"
if [[ ! -f "$DATA/data.csv" ]]; then
  echo "writing the data to $DATA ..." >&2
  "$PY" benchmarks/cpu/end_to_end_data.py "$DATA" 1000000 100 42
fi
./logreg --version > /dev/null   # builds the cli on first use, so that no build lands inside a timed run
export LOGREG_SKIP_BUILD=1
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
result="${RESULT-benchmarks/results/cpu/end-to-end-$(date -u +%Y-%m-%d).txt}"
mkdir -p "$(dirname "$result")"

# run NAME CMD...: one timed process; prints "NAME wall user sys" and the tool's own summary lines.
run() {
  local name="$1"; shift
  /usr/bin/time -f "%e %U %S" -o "$tmp/time" "$@" > "$tmp/out" 2>&1 || { echo "$name FAILED:"; cat "$tmp/out"; return 1; }
  read -r wall user sys < "$tmp/time"
  printf '%-24s wall %6.2f s  cpu %6.2f s (user %.2f, sys %.2f)  load %s\n' "$name" "$wall" "$(echo "$user + $sys" | bc)" "$user" "$sys" "$(cut -d' ' -f1 /proc/loadavg)"
  grep -E '^(data:|status|training:|python:)' "$tmp/out" | sed 's/^/    /'
  echo "$name $wall $(echo "$user + $sys" | bc)" >> "$tmp/times"
}

fit=(--penalty l2 --lambda 1 --out "$tmp/model.json" --force)
{
  echo "# benchmarks/cpu/run-end-to-end.sh  ($(date -u +%Y-%m-%dT%H:%M:%SZ)), rounds $ROUNDS, data $DATA"
  describe_machine
  echo "#   launcher JVM flags: $(grep -o 'LOGREG_JVM_FLAGS="-[^"]*"' logreg | head -1) (+ MaxDirectMemorySize from RAM, + the class-data archive cli/target/logreg-cds.jsa)"
  echo "#   python: $("$PY" -c 'import sys, numpy, sklearn; print(sys.executable, "numpy", numpy.__version__, "scikit-learn", sklearn.__version__)')"
  echo "# plain reads of the files (page cache, the ceiling of any reader) and the disk (O_DIRECT, no cache):"
  for f in X.npy data.csv; do
    cat "$DATA/$f" > /dev/null
    echo "#   cached read of $f: $(dd if="$DATA/$f" of=/dev/null bs=4M 2>&1 | tail -1)"
    echo "#   disk read of $f:   $(dd if="$DATA/$f" of=/dev/null bs=4M iflag=direct 2>&1 | tail -1)"
  done
  for round in $(seq 1 "$ROUNDS"); do
    echo "# round $round"
    run "logreg npy" ./logreg train --data "$DATA/X.npy" --labels "$DATA/y.npy" "${fit[@]}"
    run "python npy" "$PY" benchmarks/cpu/end_to_end_sklearn.py "$DATA/X.npy" "$DATA/y.npy" 1 "$tmp/py.json"
    run "logreg csv" ./logreg train --data "$DATA/data.csv" "${fit[@]}"
    run "python csv" "$PY" benchmarks/cpu/end_to_end_sklearn.py "$DATA/data.csv" 1 "$tmp/py.json"
    if [[ -n "${VARIANTS:-}" ]]; then
      IFS=';' read -ra vs <<< "$VARIANTS"
      for v in "${vs[@]}"; do
        run "logreg npy ${v%%=*}" env "${v#*=}" ./logreg train --data "$DATA/X.npy" --labels "$DATA/y.npy" "${fit[@]}"
      done
    fi
  done
  echo "# medians over $ROUNDS rounds (wall s, cpu s) and ratios logreg / python:"
  "$PY" - "$tmp/times" <<'PYEOF'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    *name, wall, cpu = line.split()
    runs.setdefault(" ".join(name), []).append((float(wall), float(cpu)))
med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in runs.items()}
for k, (w, c) in med.items():
    print(f"#   {k:<24} median wall {w:6.2f} s, median cpu {c:6.2f} s ({len(runs[k])} runs)")
for fmt, goal in (("npy", 0.5), ("csv", 1.0)):
    lw, lc = med[f"logreg {fmt}"]
    pw, pc = med[f"python {fmt}"]
    print(f"#   {fmt}: logreg / python wall {lw:.2f} / {pw:.2f} = {lw / pw:.3f}, cpu {lc:.2f} / {pc:.2f} = {lc / pc:.3f}"
          f" (goal <= {goal}: {'met' if lw / pw <= goal else 'missed'} on wall)")
PYEOF
} 2>&1 | tee -a "$result"
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$result"
echo "saved $result"
