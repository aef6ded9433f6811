#!/usr/bin/env bash
# What choosing lambda by k-fold cross-validation costs on the CPU backend (CrossValidationBenchmark): logreg's
# warm-started paths on zero-weight folds beside one cold fit at the chosen lambda and beside the same grid fitted
# cold per (fold, lambda) on copies (Spark ML CrossValidator's way), same data, same run, with the largest
# difference between the two ways' held-out scores. Builds api and cpu-backend with Maven and the benchmark with
# javac, runs it and appends the raw output with the machine's description to
# benchmarks/results/cpu/cross-validation-<date>.txt. Extra arguments go to the benchmark (--rows, --cols, --folds,
# --lambdas, --penalty l1|l2, --reps). MVN_FLAGS="" lets Maven go online.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=benchmarks/cpu/machine.sh
source benchmarks/cpu/machine.sh
out="benchmarks/target/cpu-cv"
build_cpu_benchmarks "$out"
result="${RESULT-benchmarks/results/cpu/cross-validation-$(date -u +%Y-%m-%d).txt}"
{
  echo "# benchmarks/cpu/run-cross-validation.sh $*  ($(date -u +%Y-%m-%dT%H:%M:%SZ)) commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- api cpu-backend benchmarks || echo "+changes")"
  describe_machine
  java -Xmx${HEAP-6g} --add-modules jdk.incubator.vector -cp "$out/classes:$cp" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    dev.logreg.bench.cpu.CrossValidationBenchmark "$@"
} 2>&1 | grep -v -E '^(Warning: Loader.putMemberOffset|SLF4J|WARNING: Using incubator)' | tee -a "$result"
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$result"
echo "saved $result"
