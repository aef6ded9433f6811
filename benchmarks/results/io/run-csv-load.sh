#!/usr/bin/env bash
# Runs the CSV (and .npy) load benchmark and writes its raw output next to this script.
#   benchmarks/results/io/run-csv-load.sh [--rows N] [--cols N] [--repeats N] [--dir DIR] [--no-baseline]
# Needs about 2.5 GB of free disk in --dir (default: /tmp) and a 6 GB heap.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
cd "$ROOT"
mvn -B -q -o install -pl api,io -DskipTests
mvn -B -q -o package -pl benchmarks -DskipTests
mvn -B -q -o -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
OUT="$HERE/csv-load-$(date -u +%Y%m%dT%H%M%SZ).txt"
java -Xmx6g -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" dev.logreg.bench.io.CsvLoadBenchmark "$@" | tee "$OUT"
echo "written: $OUT" >&2
