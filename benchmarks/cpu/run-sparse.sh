#!/usr/bin/env bash
# Issue 17's CPU benchmark on sparse data in one command. A seeded synthetic set shaped like rcv1/news20
# (benchmarks/cpu/sparse_data.py: ROWS x COLS, about NNZ nonzeros a row, power-law column frequencies, rows of unit
# norm), written once as raw CSR .npy arrays that both sides read, then:
#   - pass (always): the CPU backend's sparse value+gradient pass (and value alone, and Hessian-vector products) with
#     gradient partials and with the column-major copy, beside a read-only pass over the same index and value arrays
#     in the same run (the ceiling), bind times and peak memory (SparseBenchmark --mode pass);
#   - with TRAIN="lbfgs tron ..." also: each optimizer's time to J <= J*(1 + 1e-6) (L2 lambda, no intercept:
#     liblinear's objective), J* the best final objective of the tight runs, beside scikit-learn's lbfgs and liblinear
#     timed to the same target in the same run (benchmarks/cpu/sparse_sklearn.py).
# Environment: ROWS (default 500000), COLS (1048576), NNZ (100), SEED (17), THREADS (0: every core), REPS (7),
# LAMBDA (1.0), TRAIN (empty: the pass only), PRECONDITION (true/false: the trainer's preconditioner; its default where
# unset), HEAP (default 4g), BEFORE_REV (a revision: its api and cpu-backend, compiled from `git archive`, run the
# pass too, alternated with this tree's ROUNDS times (default 2), so that a change is measured against what it
# changed in the same run). Appends the raw output, with the machine's description
# and load, to benchmarks/results/cpu/sparse-<date>.txt (RESULT overrides). Needs python3 with numpy (and scikit-learn
# for TRAIN): on Debian/Ubuntu `apt-get install -y python3-sklearn`; PYTHON picks the interpreter.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=benchmarks/cpu/machine.sh
source benchmarks/cpu/machine.sh
python="${PYTHON-}"
needs="import numpy, scipy${TRAIN:+, sklearn}"
if [ -z "$python" ]; then
  for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null && "$p" -c "$needs" 2>/dev/null; then python="$p"; break; fi
  done
fi
if [ -z "$python" ] || ! "$python" -c "$needs" 2>/dev/null; then
  echo "run-sparse.sh: no python3 that can '$needs': 'apt-get install -y python3-sklearn' (Debian/Ubuntu), or set PYTHON" >&2
  exit 2
fi
rows="${ROWS-500000}" cols="${COLS-1048576}" nnz="${NNZ-100}" seed="${SEED-17}" lambda="${LAMBDA-1.0}"
out="benchmarks/target/cpu-sparse"
data="$out/data-$rows-$cols-$nnz-$seed"
mkdir -p "$out/classes" benchmarks/results/cpu
mvn -B -q ${MVN_FLAGS--o} install -pl api,cpu-backend -am -DskipTests
# logreg's classes are copied, so that another build installing them meanwhile cannot swap a jar under the JVM.
rm -rf "$out/logreg" && mkdir -p "$out/logreg"
cp -r api/target/classes "$out/logreg/api"
cp -r cpu-backend/target/classes "$out/logreg/cpu"
mvn -B -q ${MVN_FLAGS--o} -pl cpu-backend dependency:build-classpath -DincludeScope=runtime \
  -DexcludeGroupIds=dev.logreg -Dmdep.outputFile="$root/$out/classpath.txt"
cp="$root/$out/logreg/cpu:$root/$out/logreg/api:$(cat "$out/classpath.txt")"
javac -nowarn -d "$out/classes" -cp "$cp" benchmarks/src/main/java/dev/logreg/bench/cpu/BandwidthBenchmark.java \
  benchmarks/src/main/java/dev/logreg/bench/cpu/SparseBenchmark.java
result="${RESULT-benchmarks/results/cpu/sparse-$(date -u +%Y-%m-%d).txt}"
before_cp=""
if [ -n "${BEFORE_REV-}" ]; then
  # BEFORE_REV's classes, from `git archive` (the work tree and index are left alone); the benchmark's own class is
  # this tree's, so BEFORE_REV must have the API it calls.
  rm -rf "$out/before" "$out/before-src" && mkdir -p "$out/before/api" "$out/before/cpu" "$out/before-src"
  git archive "$BEFORE_REV" api/src/main cpu-backend/src/main | tar -x -C "$out/before-src"
  deps="$(cat "$out/classpath.txt")"
  javac -nowarn -d "$out/before/api" -cp "$deps" $(find "$out/before-src/api/src/main/java" -name '*.java')
  cp -r "$out/before-src/api/src/main/resources/." "$out/before/api/" 2>/dev/null || true
  javac -nowarn --add-modules jdk.incubator.vector -d "$out/before/cpu" -cp "$out/before/api:$deps" \
    $(find "$out/before-src/cpu-backend/src/main/java" -name '*.java')
  cp -r "$out/before-src/cpu-backend/src/main/resources/." "$out/before/cpu/" 2>/dev/null || true
  before_cp="$root/$out/before/cpu:$root/$out/before/api:$deps"
fi
java_run() {  # java_run CLASSPATH ARGS...
  local run_cp="$1"; shift
  # The Vector API module is the dense kernels'; the sparse ones are plain Java either way.
  /usr/bin/time -f "# /usr/bin/time: %e s wall, %M KB peak resident (JVM)" \
    java -Xmx${HEAP-4g} --add-modules jdk.incubator.vector -cp "$out/classes:$run_cp" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    dev.logreg.bench.cpu.SparseBenchmark --data "$data" --threads "${THREADS-0}" --reps "${REPS-7}" "$@"
}
{
  echo "# benchmarks/cpu/run-sparse.sh  ROWS=$rows COLS=$cols NNZ=$nnz SEED=$seed LAMBDA=$lambda TRAIN='${TRAIN-}' PRECONDITION='${PRECONDITION-}'  ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
  describe_machine
  "$python" benchmarks/cpu/sparse_data.py "$data" "$rows" "$cols" "$nnz" "$seed"
  if [ -n "$before_cp" ]; then
    for round in $(seq 1 "${ROUNDS-2}"); do
      echo "# round $round: before ($BEFORE_REV)"
      java_run "$before_cp" --mode pass
      echo "# round $round: after ($(git rev-parse --short HEAD)$(git diff --quiet HEAD -- api cpu-backend || echo ' + uncommitted changes'))"
      java_run "$cp" --mode pass
    done
  else
    java_run "$cp" --mode pass
  fi
  if [ -n "${TRAIN-}" ]; then
    rm -f "$data/trace-"*.txt
    for opt in $TRAIN; do java_run "$cp" --mode train --optimizer "$opt" --lambda "$lambda" ${PRECONDITION:+--precondition "$PRECONDITION"}; done
    echo "# load average between the two: $(cut -d' ' -f1-3 /proc/loadavg)"
    "$python" benchmarks/cpu/sparse_sklearn.py "$data" "$lambda"
  fi
} 2>&1 | tee -a "$result"
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$result"
echo "saved $result"
