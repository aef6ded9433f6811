#!/usr/bin/env bash
# Issue requirement 4a in one command: builds what it needs (api and cpu-backend with Maven, the C STREAM-style
# read kernel with gcc, the benchmark class with javac), runs it and saves the raw output with the machine's
# description to benchmarks/results/cpu/bandwidth-<date>.txt (appended: each run of the day keeps its own header).
# Extra arguments go to BandwidthBenchmark
# (--rows, --cols, --reps, --warmup, --seed, --reference-reps, --hessian-reps, --threads 1,2: each thread count beside
# its own ceiling, --passes FUSED,FUSED_SCALAR). Set MVN_FLAGS="" to let Maven go online.
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
cp="$root/cpu-backend/target/classes:$(cat "$out/classpath.txt")"
javac -d "$out/classes" -cp "$cp" benchmarks/src/main/java/dev/logreg/bench/cpu/*.java
result="benchmarks/results/cpu/bandwidth-$(date -u +%Y-%m-%d).txt"
{
  echo "# benchmarks/cpu/run-bandwidth.sh $*  ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
  describe_machine
  echo "#   OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE-} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE-}"
  java -Xmx3g --add-modules jdk.incubator.vector -cp "$out/classes:$cp" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    dev.logreg.bench.cpu.BandwidthBenchmark --stream-binary "$out/stream_read" "$@"
} 2>&1 | tee -a "$result"
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$result"
echo "saved $result"
