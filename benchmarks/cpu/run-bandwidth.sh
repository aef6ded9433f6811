#!/usr/bin/env bash
# Issue requirement 4a in one command: builds what it needs (api and cpu-backend with Maven, the C STREAM-style
# read kernel with gcc, the benchmark class with javac), runs it and saves the raw output with the machine's
# description to benchmarks/results/cpu/bandwidth-<date>.txt (appended: each run of the day keeps its own header).
# Extra arguments go to BandwidthBenchmark
# (--rows, --cols, --reps, --warmup, --seed, --reference-reps, --hessian-reps, --threads 1,2: each thread count beside
# its own ceiling, --passes FUSED,FUSED_SCALAR). Set MVN_FLAGS="" to let Maven go online.
# After it, in the same run and on rows of the same shape, fused_pass.c: the same fused pass written in C (gcc -O3
# -march=native), with and without its loss, from memory and from the L2 cache, beside its own read-only pass: what
# the machine allows the arithmetic, whatever the language (FUSED_C=0 leaves it out).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=benchmarks/cpu/machine.sh
source benchmarks/cpu/machine.sh
out="benchmarks/target/cpu-bench"
mkdir -p "$out/classes" benchmarks/results/cpu
mvn -B -q ${MVN_FLAGS--o} install -pl cpu-backend -am -DskipTests
mvn -B -q ${MVN_FLAGS--o} -pl cpu-backend dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$root/$out/classpath.txt"
gcc -O3 -march=native -fopenmp benchmarks/cpu/stream_read.c -o "$out/stream_read"
gcc -O3 -march=native -fopenmp benchmarks/cpu/fused_pass.c -lm -o "$out/fused_pass"
rows=1000000 cols=100
args=("$@")
for ((k = 0; k + 1 < ${#args[@]}; k++)); do
  case "${args[k]}" in
    --rows) rows="${args[k + 1]}" ;;
    --cols) cols="${args[k + 1]}" ;;
  esac
done
cp="$root/cpu-backend/target/classes:$(cat "$out/classpath.txt")"
javac -d "$out/classes" -cp "$cp" benchmarks/src/main/java/dev/logreg/bench/cpu/*.java
result="benchmarks/results/cpu/bandwidth-$(date -u +%Y-%m-%d).txt"
{
  echo "# benchmarks/cpu/run-bandwidth.sh $*  ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
  describe_machine
  echo "#   OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE-} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE-}"
  java -Xmx3g --add-modules jdk.incubator.vector -cp "$out/classes:$cp" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    dev.logreg.bench.cpu.BandwidthBenchmark --stream-binary "$out/stream_read" "$@"
  if [ "${FUSED_C:-1}" != 0 ]; then
    echo "# the same pass in C (benchmarks/cpu/fused_pass.c $rows $cols 15), each line beside its own read-only pass:"
    "$out/fused_pass" "$rows" "$cols" 15
  fi
} 2>&1 | tee -a "$result"
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$result"
echo "saved $result"
