#!/usr/bin/env bash
# Runs the LIBSVM load benchmark and writes its raw output next to this script.
#   benchmarks/results/io/run-libsvm-load.sh [--rows N] [--cols N] [--nnz N] [--repeats N] [--dir DIR] [--keep]
# Needs about 350 MB of free disk in --dir (default: /tmp) at the defaults, and a 3 GB heap.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
cd "$ROOT"
# shellcheck source=../../cpu/machine.sh
source benchmarks/cpu/machine.sh
mvn -B -q -o install -pl api,io -DskipTests
mvn -B -q -o package -pl benchmarks -DskipTests
mvn -B -q -o -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
OUT="$HERE/libsvm-load-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "# command: benchmarks/results/io/run-libsvm-load.sh $*"
  echo "# commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- 2>/dev/null || echo ' (with uncommitted changes)')"
  describe_machine
  java -Xmx3g -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" dev.logreg.bench.io.LibsvmLoadBenchmark "$@"
} | tee "$OUT"
echo "written: $OUT" >&2
