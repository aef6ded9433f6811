#!/usr/bin/env bash
# Issue 17, item 4: should `auto` pick the truncated Newton method (tron) on high-dimensional sparse data? Seeded
# synthetic text-like CSR rows (default 8,000 x 16,384, about 40 nonzeros a row, power-law column frequencies, rows of
# unit L2 norm), L2 lambda = 1, 0.1, 0.01, 0.001, intercept free, with and without the optimizer's preconditioner (standardized columns):
# L-BFGS's and tron's passes and seconds to J <= J*(1 + 1e-6) and to the default stopping rule, beside the cost of one
# value+gradient pass and of one Hessian-vector product on the same backend (TronBenchmark).
# Builds api with Maven (and cpu-backend where --backend cpu is given), the benchmark with javac, and appends the raw
# output, headed by the machine and its load, to benchmarks/results/cpu/tron-<date>.txt. Arguments go to TronBenchmark
# (--rows R --cols N --nnz Z --classes K --lambdas L1,L2,... --backend reference|cpu --seed S --reps N).
# HEAP (default 4g) sizes the JVM (the data's dense copy, made once for the column statistics, is rows x cols x 4 bytes).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=benchmarks/cpu/machine.sh
source benchmarks/cpu/machine.sh
modules=api
case " $* " in *" --backend cpu "*) modules=api,cpu-backend ;; esac
out="benchmarks/target/cpu-tron"
mkdir -p "$out/classes" benchmarks/results/cpu
mvn -B -q ${MVN_FLAGS--o} install -pl "$modules" -am -DskipTests
# logreg's classes are copied, so that another build installing them meanwhile cannot swap a jar under the JVM.
rm -rf "$out/logreg" && mkdir -p "$out/logreg"
cp -r api/target/classes "$out/logreg/api"
cp="$root/$out/logreg/api"
if [ "$modules" != api ]; then
  cp -r cpu-backend/target/classes "$out/logreg/cpu"
  mvn -B -q ${MVN_FLAGS--o} -pl cpu-backend dependency:build-classpath -DincludeScope=runtime \
    -DexcludeGroupIds=dev.logreg -Dmdep.outputFile="$root/$out/classpath.txt"
  cp="$root/$out/logreg/cpu:$cp:$(cat "$out/classpath.txt")"
fi
javac -nowarn -d "$out/classes" -cp "$cp" benchmarks/src/main/java/dev/logreg/bench/cpu/TronBenchmark.java
result="${RESULT-benchmarks/results/cpu/tron-$(date -u +%Y-%m-%d).txt}"
{
  echo "# benchmarks/cpu/run-tron.sh $*  ($(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'))"
  describe_machine
  java -Xmx${HEAP-4g} --add-modules jdk.incubator.vector -cp "$out/classes:$cp" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    dev.logreg.bench.cpu.TronBenchmark "$@"
} 2>&1 | tee -a "$result"
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$result"
echo "saved $result"
