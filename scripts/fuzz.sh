#!/usr/bin/env bash
# Fuzzes one parser with Jazzer (coverage-guided, libFuzzer's engine) and keeps the raw output.
#
#   scripts/fuzz.sh TARGET [RUNS] [MAX_TIME]
#
# TARGET   csv | csvParallel | fastCsv | libsvm | npy | npyLabels | npz | modelFile (the io module's fuzz tests), or any
#          fuzz test as Class#method with MODULE=<module> (e.g. MODULE=server scripts/fuzz.sh RequestFuzzTest#parse)
# RUNS     inputs to try (default 1000000; -Djazzer.max_executions)
# MAX_TIME stop after this long even if RUNS are not done (default 24h; -Djazzer.max_duration, e.g. 90s, 20m, 2h)
#
# Needs the module's upstream modules installed (mvn -B -q -o -DskipTests install -pl io -am). Runs offline (-o)
# with Maven's usual settings (set MAVEN_OPTS=-Dmaven.repo.local=... where you use your own repository).
# Writes the whole output, headed by the date, commit, machine and command, to
# fuzz/results/DATE-TARGET.txt (OUT=dir to change). The inputs libFuzzer keeps go to MODULE/.cifuzz-corpus/
# (git-ignored); a crashing input is written into the test's committed corpus directory
# (MODULE/src/test/resources/<package>/<Class>Inputs/<method>/), where `mvn verify` then runs it every time:
# fix the reader, add a plain regression test, keep the input. Exit status: Maven's (non-zero on a finding).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -lt 1 ] || [ $# -gt 3 ]; then
    sed -n '4,10p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi
target=$1
runs=${2:-1000000}
max_time=${3:-24h}
module=${MODULE:-io}
case "$target" in
    csv|csvParallel|fastCsv) test="CsvFuzzTest#$target" ;;
    libsvm) test="LibsvmFuzzTest#libsvm" ;;
    npy|npyLabels) test="NpyFuzzTest#$target" ;;
    npz) test="NpzFuzzTest#npz" ;;
    modelFile) test="ModelFileFuzzTest#modelFile" ;;
    *'#'*) test=$target ;;
    *) echo "fuzz.sh: unknown target '$target' (csv, csvParallel, fastCsv, libsvm, npy, npyLabels, npz, modelFile, or Class#method)" >&2; exit 2 ;;
esac
case "$runs" in ''|*[!0-9]*) echo "fuzz.sh: RUNS '$runs' is not a whole number" >&2; exit 2 ;; esac

out_dir=${OUT:-fuzz/results}
mkdir -p "$out_dir"
out="$out_dir/$(date -u +%Y-%m-%d)-${target//#/-}.txt"
cmd=(mvn -B -o test -pl "$module" "-Dtest=$test" "-Djazzer.max_executions=$runs" "-Djazzer.max_duration=$max_time"
     -Dsurefire.failIfNoSpecifiedTests=false)
{
    echo "# fuzz.sh $*"
    echo "# date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "# commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "# machine: $(nproc) cores, $(uname -srm), $(java -version 2>&1 | head -1)"
    echo "# command: JAZZER_FUZZ=1 ${cmd[*]}"
} > "$out"
start=$(date +%s)
status=0
JAZZER_FUZZ=1 "${cmd[@]}" >> "$out" 2>&1 || status=$?
echo "# wall: $(( $(date +%s) - start )) s, exit status $status" >> "$out"
grep -E '^#[0-9]+ +(DONE|pulse)|^==[0-9]+== |Tests run:.*Fail' "$out" | tail -3 || true
echo "output: $out"
exit $status
