#!/usr/bin/env bash
# Issue 19, item 2: how fast CSV (and LIBSVM) files are parsed, on 1 and 2 threads, beside the same run's plain read
# of the file and the parser as it was before this work (BEFORE_REV, default 06e629b: the CSV scanner parsing every
# number with FastDoubleParser, the CLI reading CSV on one thread). The data: the end-to-end benchmark's seeded
# 1,000,000 x 100 rows (end_to_end_data.py; values with six decimals, a 0/1 label; 952 MB of CSV) in DATA (default
# /tmp/logreg-parse; written once, reused), and with LIBSVM=1 the first LIBSVM_ROWS (default 700,000) of the same
# rows as LIBSVM (written from the CSV by awk; about 0.9 GB, so that both files stay under 2 GB).
# Each round, in this order: `cat FILE > /dev/null` (the plain read from the page cache: the ceiling of any reader),
# ParseRate with BEFORE_REV's io (1 and 2 threads), ParseRate with this tree's io (1 and 2 threads), and
# `./logreg train` on the CSV (its own "data: ... (s)" line is the read time inside the CLI, which now parses on one
# thread per core). ROUNDS rounds (default 2); ParseRate reads each file REPEATS times per thread count (default 2),
# round robin, after a warm-up read. The machine is shared: the load average is printed beside every figure; compare
# the ratios, measured in the same run. Raw output: benchmarks/results/cpu/parse-<UTC date>.txt (appended; RESULT
# overrides). MVN_FLAGS="" lets Maven go online.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=benchmarks/cpu/machine.sh
source benchmarks/cpu/machine.sh
DATA="${DATA:-/tmp/logreg-parse}"
ROUNDS="${ROUNDS:-2}"
REPEATS="${REPEATS:-2}"
PY="${PYTHON:-python3}"
before_rev="${BEFORE_REV:-06e629b}"
out="benchmarks/target/cpu-parse"
if [[ ! -f "$DATA/data.csv" ]]; then
  echo "writing the data to $DATA ..." >&2
  "$PY" benchmarks/cpu/end_to_end_data.py "$DATA" 1000000 100 42
fi
files=("$DATA/data.csv")
if [[ "${LIBSVM:-0}" == 1 ]]; then
  if [[ ! -f "$DATA/data.libsvm" ]]; then
    awk -F, -v rows="${LIBSVM_ROWS:-700000}" 'NR > rows + 1 { exit } NR > 1 { printf "%s", $NF; for (i = 1; i < NF; i++) printf " %d:%s", i, $i; printf "\n" }' "$DATA/data.csv" > "$DATA/data.libsvm.tmp"
    mv "$DATA/data.libsvm.tmp" "$DATA/data.libsvm"
  fi
  files+=("$DATA/data.libsvm")
fi
mkdir -p "$out" benchmarks/results/cpu
mvn -B -q ${MVN_FLAGS--o} install -pl api,io -Dmaven.test.skip=true -Dsimcuda.skip
mvn -B -q ${MVN_FLAGS--o} -pl io dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$root/$out/io-classpath.txt"
deps="$(cat "$out/io-classpath.txt")"
# This tree's classes, copied so that another build installing meanwhile cannot swap them; BEFORE_REV's api and io
# compiled from `git archive` (the work tree and index are left alone).
rm -rf "$out/after" "$out/before" "$out/head-src" "$out/classes" && mkdir -p "$out/after" "$out/before" "$out/head-src" "$out/classes"
cp -r api/target/classes "$out/after/api"
cp -r io/target/classes "$out/after/io"
git archive "$before_rev" api/src/main io/src/main | tar -x -C "$out/head-src"
javac -nowarn -d "$out/before/api" $(find "$out/head-src/api/src/main/java" -name '*.java')
cp -r "$out/head-src/api/src/main/resources/." "$out/before/api/" 2>/dev/null || true
javac -nowarn -d "$out/before/io" -cp "$out/before/api:$deps" $(find "$out/head-src/io/src/main/java" -name '*.java')
javac -nowarn -d "$out/classes" -cp "$out/after/io:$out/after/api:$deps" benchmarks/src/main/java/dev/logreg/bench/io/ParseRate.java
./logreg --version > /dev/null   # builds the cli on first use, so that no build lands inside a timed run
export LOGREG_SKIP_BUILD=1
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
result="${RESULT-benchmarks/results/cpu/parse-$(date -u +%Y-%m-%d).txt}"

parse() {  # parse <before|after> FILE
  local v="$1" f="$2"
  java -Xmx6g -XX:MaxDirectMemorySize=8g -cp "$out/classes:$out/$v/io:$out/$v/api:$deps" dev.logreg.bench.io.ParseRate "$f" \
    --repeats "$REPEATS" --threads 1,2 --tag "$v($([[ $v == before ]] && echo "$before_rev" || git rev-parse --short HEAD))" 2>&1
}
plain() {  # plain FILE: seconds of `cat FILE > /dev/null`
  local t0 t1
  t0=$(date +%s.%N); cat "$1" > /dev/null; t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}

{
  echo "# benchmarks/cpu/run-parse.sh  ($(date -u +%Y-%m-%dT%H:%M:%SZ)), rounds $ROUNDS, repeats $REPEATS, before = $before_rev, after = $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- io || echo ' + uncommitted io changes')"
  describe_machine
  for round in $(seq 1 "$ROUNDS"); do
    echo "# round $round"
    for f in "${files[@]}"; do
      mb=$(echo "scale=1; $(stat -c %s "$f") / 1000000" | bc)
      s=$(plain "$f")
      printf 'plain read (cat > /dev/null) %s: %s MB in %.2f s = %.0f MB/s, load %s\n' "$(basename "$f")" "$mb" "$s" "$(echo "$mb / $s" | bc -l)" "$(cut -d' ' -f1 /proc/loadavg)"
      parse before "$f"
      parse after "$f"
    done
    /usr/bin/time -f "%e %U %S" -o "$tmp/time" ./logreg train --data "$DATA/data.csv" --penalty l2 --lambda 1 --out "$tmp/model.json" --force > "$tmp/train" 2>&1
    read -r wall user sys < "$tmp/time"
    echo "logreg train --data data.csv: wall $wall s (user $user, sys $sys), load $(cut -d' ' -f1 /proc/loadavg); its read: $(grep -E '^data:' "$tmp/train")"
  done
} 2>&1 | tee -a "$result"
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$result"
echo "saved $result"
