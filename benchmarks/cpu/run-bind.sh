#!/usr/bin/env bash
# What binding 1,000,000 x 100 float32 to the CPU backend costs, beside the same run's streaming read bandwidth, a
# bulk copy into touched memory and the first touch of fresh pages (BindBenchmark). Builds api and cpu-backend with
# Maven, the C read kernel with gcc and the benchmark with javac, runs it and appends the raw output with the
# machine's description to benchmarks/results/cpu/bind-<date>.txt. first_touch.c first shows what fresh pages cost
# here (4 KiB and huge pages, 1 and 2 threads) beside touching them again. Extra arguments go to BindBenchmark (--rows,
# --cols, --reps). CPU_CLASSES replaces cpu-backend's classes (to measure another version of the backend beside this
# one: compile it into a folder and name the folder; LABEL names it in the output). MVN_FLAGS="" lets Maven go online.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=benchmarks/cpu/machine.sh
source benchmarks/cpu/machine.sh
out="benchmarks/target/cpu-bind"
mkdir -p "$out/classes" benchmarks/results/cpu
mvn -B -q ${MVN_FLAGS--o} install -pl api,cpu-backend -Dmaven.test.skip=true
mvn -B -q ${MVN_FLAGS--o} -pl cpu-backend dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$root/$out/classpath.txt"
gcc -O3 -march=native -fopenmp benchmarks/cpu/stream_read.c -o "$out/stream_read"
gcc -O2 -fopenmp benchmarks/cpu/first_touch.c -o "$out/first_touch"
# logreg's classes are copied, so that another build installing meanwhile (the machine is shared) cannot swap them.
rm -rf "$out/logreg" && mkdir -p "$out/logreg"
cp -r api/target/classes "$out/logreg/api"
cp -r "${CPU_CLASSES:-cpu-backend/target/classes}" "$out/logreg/cpu"
cp="$root/$out/logreg/cpu:$root/$out/logreg/api:$(cat "$out/classpath.txt")"
javac -nowarn -d "$out/classes" -cp "$cp" benchmarks/src/main/java/dev/logreg/bench/cpu/*.java
result="${RESULT-benchmarks/results/cpu/bind-$(date -u +%Y-%m-%d).txt}"
{
  echo "# benchmarks/cpu/run-bind.sh $*  ($(date -u +%Y-%m-%dT%H:%M:%SZ)) backend classes: ${LABEL:-${CPU_CLASSES:-this tree}}"
  describe_machine
  "$out/first_touch" 400
  java -Xmx3g --add-modules jdk.incubator.vector -cp "$out/classes:$cp" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    dev.logreg.bench.cpu.BindBenchmark --stream-binary "$out/stream_read" "$@"
} 2>&1 | grep -v -E '^(Warning: Loader.putMemberOffset|SLF4J)' | tee -a "$result"
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$result"
echo "saved $result"
