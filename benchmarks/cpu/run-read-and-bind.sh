#!/usr/bin/env bash
# What `logreg train --data file.npy` pays before the optimizer starts: NpyDataReader.read of a 1,000,000 x 100 float32
# .npy followed by Nd4jBackend.bind of what it read, at BEFORE_REV's api and io (default: the commit before the readers
# moved to direct memory, c1c13d7: heap rows, copied by the bind) and at
# this tree's (direct native-order rows, bound in place), each in its own JVM beside the same run's ceilings: the
# file's data read into touched memory, a bulk copy of X between touched buffers, fresh pages of X's size
# (BindBenchmark --read-npy). Two layouts: xy.npy (rows x 101, the label last) and x.npy with a separate y.npy.
# The files are written once to $NPY_DIR (default /tmp/logreg-read-and-bind) by BindBenchmark --write-npy. Rounds
# alternate before and after (ROUNDS, default 2), so that a busy neighbour hits both alike. Extra arguments go to
# BindBenchmark (--reps). Raw output is appended to benchmarks/results/cpu/read-and-bind-<date>.txt (RESULT overrides).
# cpu-backend is this tree's in both. MVN_FLAGS="" lets Maven go online.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=benchmarks/cpu/machine.sh
source benchmarks/cpu/machine.sh
out="benchmarks/target/cpu-read-and-bind"
npy="${NPY_DIR:-/tmp/logreg-read-and-bind}"
mkdir -p "$out" benchmarks/results/cpu
mvn -B -q ${MVN_FLAGS--o} install -pl api,io,cpu-backend -Dmaven.test.skip=true
mvn -B -q ${MVN_FLAGS--o} -pl io dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$root/$out/io-classpath.txt"
mvn -B -q ${MVN_FLAGS--o} -pl cpu-backend dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$root/$out/cpu-classpath.txt"
deps="$(cat "$out/io-classpath.txt"):$(cat "$out/cpu-classpath.txt")"
# After: this tree's classes, copied so that another build installing meanwhile (the machine is shared) cannot swap them.
rm -rf "$out/after" "$out/before" "$out/head-src" "$out/classes" && mkdir -p "$out/after" "$out/before" "$out/head-src" "$out/classes"
cp -r api/target/classes "$out/after/api"
cp -r io/target/classes "$out/after/io"
cp -r cpu-backend/target/classes "$out/cpu"
# Before: BEFORE_REV's api and io sources (git archive reads the commit; the work tree and index are left alone).
before_rev="${BEFORE_REV:-c1c13d7}"
git archive "$before_rev" api/src/main io/src/main | tar -x -C "$out/head-src"
javac -nowarn -d "$out/before/api" $(find "$out/head-src/api/src/main/java" -name '*.java')
cp -r "$out/head-src/api/src/main/resources/." "$out/before/api/"
javac -nowarn -d "$out/before/io" -cp "$out/before/api:$deps" $(find "$out/head-src/io/src/main/java" -name '*.java')
head_rev="$(git rev-parse --short "$before_rev")"
javac -nowarn -d "$out/classes" -cp "$out/after/io:$out/after/api:$out/cpu:$deps" benchmarks/src/main/java/dev/logreg/bench/cpu/*.java
run() {  # run <before|after> args...
  local v="$1"; shift
  java -Xmx3g --add-modules jdk.incubator.vector -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$out/classes:$out/cpu:$out/$v/io:$out/$v/api:$deps" dev.logreg.bench.cpu.BindBenchmark "$@"
}
if [ ! -f "$npy/xy.npy" ] || [ ! -f "$npy/x.npy" ] || [ ! -f "$npy/y.npy" ]; then
  run after --write-npy "$npy"
fi
result="${RESULT-benchmarks/results/cpu/read-and-bind-$(date -u +%Y-%m-%d).txt}"
{
  echo "# benchmarks/cpu/run-read-and-bind.sh $*  ($(date -u +%Y-%m-%dT%H:%M:%SZ)); before = api and io at $head_rev, after = this tree's; cpu-backend this tree's in both"
  describe_machine
  echo "#   files: $(ls -l "$npy"/*.npy | awk '{print $NF " " $5 " bytes"}' | tr '\n' ';')"
  for round in $(seq 1 "${ROUNDS:-2}"); do
    run before --read-npy "$npy" --label "before ($head_rev api + io), round $round" "$@"
    run after --read-npy "$npy" --label "after (this tree), round $round" "$@"
  done
} 2>&1 | grep -v -E '^(Warning: Loader.putMemberOffset|SLF4J|WARNING: Using incubator)' | tee -a "$result"
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$result"
echo "saved $result"
