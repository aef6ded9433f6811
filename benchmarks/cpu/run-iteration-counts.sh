#!/usr/bin/env bash
# Iterations to convergence of a fixed set of `./logreg train` fits (L2, L1 and elastic net; binary, multinomial and
# one-vs-rest; dense and sparse; the bundled data and the seeded 1,000,000 x 100 end-to-end rows), as a user runs them, with
# each fit's status and objective. Iteration counts are deterministic, so two commits compare exactly: run this at
# both (for example with `git stash` around it) and diff the outputs. Appends to
# benchmarks/results/cpu/iteration-counts-<date>.txt. DATA (default /tmp/logreg-e2e) holds X.npy and y.npy, made
# by end_to_end_data.py where missing (about 30 s).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
DATA="${DATA:-/tmp/logreg-e2e}"
[[ -f "$DATA/X.npy" && -f "$DATA/y.npy" ]] || python3 benchmarks/cpu/end_to_end_data.py "$DATA" 1000000 100 42 --no-csv
model="$(mktemp -d)/model.json"
result="benchmarks/results/cpu/iteration-counts-$(date -u +%Y-%m-%d).txt"
fit() {
  printf '%-100s ' "$*"
  ./logreg train "$@" --out "$model" --force --json 2>/dev/null |
    python3 -c "import json, sys; d = json.load(sys.stdin); print(d['status'], d['iterations'], repr(d['objective']))"
}
{
  echo "# benchmarks/cpu/run-iteration-counts.sh at $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- api || echo ' with uncommitted api changes')  ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
  echo "# columns: arguments, status, iterations, objective"
  bc=(--data data/breast-cancer.csv --label benign)
  for lam in 0.01 1 100; do fit "${bc[@]}" --penalty l2 --lambda "$lam"; done
  fit "${bc[@]}" --penalty l2 --lambda 1 --no-intercept
  fit "${bc[@]}" --penalty l2 --lambda 1 --loss mse
  for lam in 0.1 1 10; do fit "${bc[@]}" --penalty l1 --lambda "$lam"; done
  fit "${bc[@]}" --penalty elasticnet --l1-ratio 0.5 --lambda 1
  fit --data data/breast-cancer.libsvm --penalty l2 --lambda 1
  for lam in 0.1 1 10; do fit --data data/wine.csv --label cultivar --penalty l2 --lambda "$lam"; done
  fit --data data/wine.csv --label cultivar --penalty l1 --lambda 1
  fit --data data/wine.csv --label cultivar --penalty l2 --lambda 1 --multiclass ovr
  for lam in 0.01 1; do fit --data data/debian-packages.libsvm --penalty l2 --lambda "$lam"; done
  big=(--data "$DATA/X.npy" --labels "$DATA/y.npy")
  for lam in 0.001 1; do fit "${big[@]}" --penalty l2 --lambda "$lam"; done
  for lam in 1 1000; do fit "${big[@]}" --penalty l1 --lambda "$lam"; done
  fit "${big[@]}" --penalty elasticnet --l1-ratio 0.5 --lambda 100
} 2>&1 | tee -a "$result"
echo "saved $result"
