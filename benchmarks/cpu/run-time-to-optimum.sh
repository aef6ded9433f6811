#!/usr/bin/env bash
# Issue requirement 4b in one command: time to reach 1e-6 relative of the optimum (L2, lambda = 1, log loss, free
# intercept) for logreg's CPU backend beside Apache Spark MLlib (local[2]) and Smile, same data, same run.
# Builds what it needs (api with its test-jar and cpu-backend with Maven, the peers' classpath with `mvn -P peers`,
# the C read kernel with gcc, the benchmark with javac), runs it and saves the raw output with the machine's
# description to benchmarks/results/cpu/time-to-optimum-<date>.txt (appended). Extra arguments go to
# TimeToOptimumBenchmark (--rows, --cols, --hard-rows, --hard-cols, --max-budget, --skip-spark-big, --skip-peers:
# logreg alone, no Smile and no Spark).
# Spark and Smile (GPL) are resolved only here, never by the default build. Set MVN_FLAGS="" to let Maven go online
# (needed once, to download Spark and Smile). HEAP (default 12g) sizes the JVM.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=benchmarks/cpu/machine.sh
source benchmarks/cpu/machine.sh
out="benchmarks/target/cpu-tto"
mkdir -p "$out/classes" benchmarks/results/cpu
mvn -B -q ${MVN_FLAGS--o} install -pl api,io,cpu-backend -DskipTests
# logreg's own classes are copied here, so that another build installing api or cpu-backend meanwhile (the machine
# is shared) cannot swap a jar under the running JVM; Maven gives the third-party classpath only.
rm -rf "$out/logreg" && mkdir -p "$out/logreg"
cp -r api/target/classes "$out/logreg/api"
cp -r api/target/test-classes "$out/logreg/api-tests"
cp -r cpu-backend/target/classes "$out/logreg/cpu"
cp -r io/target/classes "$out/logreg/io"  # the bind benchmark beside it in bench/cpu reads .npy files
mvn -B -q ${MVN_FLAGS--o} -P peers -pl benchmarks dependency:build-classpath -DincludeScope=runtime \
  -DexcludeGroupIds=dev.logreg -Dmdep.outputFile="$root/$out/classpath.txt"
gcc -O3 -march=native -fopenmp benchmarks/cpu/stream_read.c -o "$out/stream_read"
cp="$root/$out/logreg/cpu:$root/$out/logreg/io:$root/$out/logreg/api:$root/$out/logreg/api-tests:$(cat "$out/classpath.txt")"
javac -nowarn -d "$out/classes" -cp "$cp" benchmarks/src/main/java/dev/logreg/bench/cpu/*.java \
  benchmarks/src/main/java/dev/logreg/bench/cpu/peers/*.java
# Spark 4 on Java 17 needs these opens (as its launcher adds them); the Vector API module for logreg's SIMD kernel.
opens="-XX:+IgnoreUnrecognizedVMOptions -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true"
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
         java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  opens="$opens --add-opens=java.base/$p=ALL-UNNAMED"
done
result="${RESULT-benchmarks/results/cpu/time-to-optimum-$(date -u +%Y-%m-%d).txt}"
{
  echo "# benchmarks/cpu/run-time-to-optimum.sh $*  ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
  describe_machine
  echo "#   peers: $(tr ':' '\n' < "$out/classpath.txt" | grep -oE '(spark-mllib_2.13|smile-core)-[0-9.]+\.jar' | tr '\n' ' ')"
  java -Xmx${HEAP-12g} --add-modules jdk.incubator.vector $opens -cp "$out/classes:$cp" \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    dev.logreg.bench.cpu.peers.TimeToOptimumBenchmark --stream-binary "$out/stream_read" "$@"
} 2>&1 | tee -a "$result"
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$result"
echo "saved $result"
