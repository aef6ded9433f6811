#!/usr/bin/env bash
# The scoring-path benchmark in one command: in-process batch scoring (LogisticModel over 1,000,000 x 100 float32,
# beside a plain Java read of the same bytes) and POST /predict requests per second against the scoring server
# (logreg serve, module server) and its peer, the JDK HttpServer doing the same work, both started in-process on
# loopback ports, batches of 1 and 100 rows.
# Builds what it needs with Maven (api, io, backends, server, benchmarks; tests skipped), runs ScoringBenchmark and
# appends its raw output with the machine's description to benchmarks/results/serve/scoring-<date>.txt.
# Extra arguments go to ScoringBenchmark (--rows, --cols, --reps, --workers, --requests-1, --requests-100,
# --server-threads, --rounds). MVN_FLAGS (default -o, offline) go to Maven; HEAP (default 2g) sizes the JVM.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
mvn -B -q ${MVN_FLAGS--o} install -DskipTests -pl benchmarks -am
mvn -B -q ${MVN_FLAGS--o} -pl benchmarks dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile="$root/benchmarks/target/serve-classpath.txt"
mkdir -p benchmarks/results/serve
result="${RESULT-benchmarks/results/serve/scoring-$(date -u +%Y-%m-%d).txt}"
{
  echo "# benchmarks/serve/run-scoring.sh $*  ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
  echo "# machine:"
  lscpu | grep -E '^(Architecture|Model name|CPU\(s\)|Thread|Core|Socket|L1d|L2|L3)' | sed 's/^/#   /'
  echo "#   nproc: $(nproc)"
  free -h | sed 's/^/#   /'
  echo "#   java: $(java -version 2>&1 | head -1)"
  echo "#   load average at start (the machine may be shared; figures are then low): $(cut -d" " -f1-3 /proc/loadavg)"
  java -Xmx${HEAP-2g} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "benchmarks/target/classes:$(cat benchmarks/target/serve-classpath.txt)" dev.logreg.bench.serve.ScoringBenchmark "$@"
} 2>&1 | tee -a "$result"
echo "saved to $result" >&2
