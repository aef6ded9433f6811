#!/usr/bin/env bash
# Time to 1e-6 relative of the optimum: logreg-spark (LogregClassifier) beside Spark MLlib's LogisticRegression, same
# cached DataFrame, local mode (spark/bench/SparkBenchmark.java). Default size 1,000,000 x 100; pass --rows/--cols/
# --partitions/--master/--max-budget to change it. Builds api (with its test-jar), cpu-backend and spark with Maven
# (-P spark), compiles the benchmark with javac, runs it, and appends the raw output with the machine description to
# benchmarks/results/spark/spark-benchmark-<date>.txt. HEAP (default 12g) sizes the JVM; MVN_FLAGS (default -o).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
out="spark/target/bench"
mkdir -p "$out/classes" benchmarks/results/spark
mvn -B -q ${MVN_FLAGS--o} install -pl api,cpu-backend -DskipTests
mvn -B -q ${MVN_FLAGS--o} -P spark package -pl spark -DskipTests
mvn -B -q ${MVN_FLAGS--o} -P spark -pl spark dependency:build-classpath -DincludeScope=test \
  -DexcludeGroupIds=dev.logreg -Dmdep.outputFile="$root/$out/classpath.txt"
# logreg's classes are copied, so that another build installing api or cpu-backend meanwhile cannot swap a jar
# under the running JVM.
rm -rf "$out/logreg" && mkdir -p "$out/logreg"
cp -r api/target/classes "$out/logreg/api"
cp -r api/target/test-classes "$out/logreg/api-tests"
cp -r cpu-backend/target/classes "$out/logreg/cpu"
cp -r spark/target/classes "$out/logreg/spark"
cp="$root/$out/logreg/spark:$root/$out/logreg/cpu:$root/$out/logreg/api:$root/$out/logreg/api-tests:$(cat "$out/classpath.txt")"
javac -nowarn -d "$out/classes" -cp "$cp" spark/bench/SparkBenchmark.java
# Spark 4 on Java 17 needs these opens (as its launcher adds them); the Vector API module for logreg's SIMD kernel.
opens="-XX:+IgnoreUnrecognizedVMOptions -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true"
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
         java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  opens="$opens --add-opens=java.base/$p=ALL-UNNAMED"
done
result="${RESULT-benchmarks/results/spark/spark-benchmark-$(date -u +%Y-%m-%d).txt}"
{
  echo "# spark/bench/run-spark-benchmark.sh $*  ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
  echo "# machine:"
  lscpu | grep -E '^(Architecture|Model name|CPU\(s\)|Thread|Core|Socket|CPU max MHz|L1d|L2|L3|NUMA node\(s\))' | sed 's/^/#   /'
  echo "#   nproc: $(nproc)"
  free -h | sed 's/^/#   /'
  echo "#   java: $(java -version 2>&1 | head -1)"
  echo "#   spark: $(tr ':' '\n' < "$out/classpath.txt" | grep -oE 'spark-mllib_2.13-[0-9.]+\.jar')"
  echo "#   load average at start (the machine is shared; wall times are inflated when it is busy): $(cut -d" " -f1-3 /proc/loadavg)"
  java -Xmx${HEAP-12g} --add-modules jdk.incubator.vector $opens -cp "$out/classes:$cp" \
    -Dlog4j2.configurationFile="$root/spark/src/test/resources/log4j2.properties" \
    dev.logreg.spark.bench.SparkBenchmark "$@"
} 2>&1 | tee -a "$result"
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$result"
echo "saved $result"
