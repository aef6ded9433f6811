#!/usr/bin/env bash
# Issue 17's end-to-end run on sparse data: `./logreg train` on a SciPy .npz file as a user runs it, beside the
# user's Python script (sparse_end_to_end.py fit: load_npz, scikit-learn's liblinear at its default tolerance), on the
# data run-sparse.sh generated (run it first with the same ROWS COLS NNZ SEED). L2, LAMBDA, no intercept on either
# side (liblinear penalises one). Every process timed by /usr/bin/time (wall, CPU, peak resident); each side prints
# its final J, to be read beside the J* of run-sparse.sh's time-to-optimum run. ROUNDS (default 1) alternations.
# Raw output appended to benchmarks/results/cpu/sparse-end-to-end-<date>.txt (RESULT overrides).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=benchmarks/cpu/machine.sh
source benchmarks/cpu/machine.sh
rows="${ROWS-500000}" cols="${COLS-1048576}" nnz="${NNZ-100}" seed="${SEED-17}" lambda="${LAMBDA-1.0}"
py="${PYTHON:-python3}"
data="benchmarks/target/cpu-sparse/data-$rows-$cols-$nnz-$seed"
[[ -f "$data/meta.txt" ]] || { echo "no $data: run benchmarks/cpu/run-sparse.sh with the same ROWS COLS NNZ SEED first" >&2; exit 2; }
"$py" benchmarks/cpu/sparse_end_to_end.py write "$data"
./logreg --version > /dev/null   # builds the cli first, so that no build lands inside a timed run
export LOGREG_SKIP_BUILD=1
result="${RESULT-benchmarks/results/cpu/sparse-end-to-end-$(date -u +%Y-%m-%d).txt}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
timed() {
  /usr/bin/time -f "# /usr/bin/time: %e s wall, %U s user + %S s sys, %M KB peak resident" "$@"
}
{
  echo "# benchmarks/cpu/run-sparse-end-to-end.sh  ROWS=$rows COLS=$cols NNZ=$nnz SEED=$seed LAMBDA=$lambda  ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
  describe_machine
  for round in $(seq 1 "${ROUNDS-1}"); do
    echo "## round $round, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "\$ ./logreg train --data $data/X.npz --labels $data/y.npy --penalty l2 --lambda $lambda --no-intercept --backend cpu ${OPTIMIZER:+--optimizer $OPTIMIZER }--out $tmp/model.json"
    timed ./logreg train --data "$data/X.npz" --labels "$data/y.npy" --penalty l2 --lambda "$lambda" --no-intercept \
      --backend cpu ${OPTIMIZER:+--optimizer "$OPTIMIZER"} --out "$tmp/model.json" 2>&1 | grep -v -E '^\s*(iteration|iter) ' || true
    echo "\$ python3 benchmarks/cpu/sparse_end_to_end.py fit $data $lambda"
    timed "$py" benchmarks/cpu/sparse_end_to_end.py fit "$data" "$lambda" 2>&1
  done
  echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee -a "$result"
echo "saved $result"
