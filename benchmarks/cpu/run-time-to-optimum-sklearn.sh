#!/usr/bin/env bash
# Issue 19, item 3: time to J <= J*(1 + 1e-6) of logreg's CPU fit beside scikit-learn's lbfgs, on the end-to-end rows
# (seeded 1,000,000 x 100 float32, X.npy + y.npy by end_to_end_data.py, L2 lambda = 1, free intercept), in one run.
# DenseTraceBenchmark fits REPS times per JVM variant (the Vector API kernel with --add-modules jdk.incubator.vector,
# the scalar kernel without, as ./logreg runs), writing traces; time_to_optimum_sklearn.py then computes J* (float64
# Newton), fits scikit-learn's lbfgs REPS times (J at every iterate, computed after the fit) and prints each run's
# time to the target and the ratios (goal <= 0.25). Environment: DATA (default /tmp/logreg-e2e; only the .npy files
# are written if missing), REPS (default 2), LAMBDA (1), THREADS (0 = all cores), MVN_FLAGS (default -o).
# Raw output: benchmarks/results/cpu/time-to-optimum-sklearn-<UTC date>.txt (appended).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=benchmarks/cpu/machine.sh
source benchmarks/cpu/machine.sh
DATA="${DATA:-/tmp/logreg-e2e}"
REPS="${REPS:-2}"
LAMBDA="${LAMBDA:-1}"
THREADS="${THREADS:-0}"
PY="${PYTHON:-python3}"
[[ -f "$DATA/X.npy" && -f "$DATA/y.npy" ]] || "$PY" benchmarks/cpu/end_to_end_data.py "$DATA" 1000000 100 42 --no-csv
out="benchmarks/target/cpu-bench"
mkdir -p "$out/classes" benchmarks/results/cpu
mvn -B -q ${MVN_FLAGS--o} install -pl cpu-backend -am -DskipTests
mvn -B -q ${MVN_FLAGS--o} -pl cpu-backend dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$root/$out/classpath.txt"
cp="$root/cpu-backend/target/classes:$(cat "$out/classpath.txt")"
javac -d "$out/classes" -cp "$cp" benchmarks/src/main/java/dev/logreg/bench/cpu/*.java
traces="$(mktemp -d)"
trap 'rm -rf "$traces"' EXIT
result="benchmarks/results/cpu/time-to-optimum-sklearn-$(date -u +%Y-%m-%d).txt"
jvm=(java -Xmx2g -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$out/classes:$cp")
args=(dev.logreg.bench.cpu.DenseTraceBenchmark --x "$DATA/X.npy" --y "$DATA/y.npy" --out "$traces" --lambda "$LAMBDA" --reps "$REPS" --threads "$THREADS")
{
  echo "# benchmarks/cpu/run-time-to-optimum-sklearn.sh  ($(date -u +%Y-%m-%dT%H:%M:%SZ)), data $DATA, reps $REPS, lambda $LAMBDA"
  describe_machine
  echo "# load average before logreg: $(cut -d' ' -f1-3 /proc/loadavg)"
  "${jvm[@]}" --add-modules jdk.incubator.vector "${args[@]}" --label vector
  "${jvm[@]}" "${args[@]}" --label scalar
  echo "# load average before scikit-learn: $(cut -d' ' -f1-3 /proc/loadavg)"
  "$PY" benchmarks/cpu/time_to_optimum_sklearn.py "$DATA/X.npy" "$DATA/y.npy" "$LAMBDA" "$traces" "$REPS"
} 2>&1 | tee -a "$result"
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$result"
echo "saved $result"
