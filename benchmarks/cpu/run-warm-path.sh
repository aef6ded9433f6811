#!/usr/bin/env bash
# A warm-started L2 path on the CPU backend (WarmStartPathBenchmark: per lambda the L-BFGS iterations, evaluations and
# status, then the totals), with this tree's api and, where BASELINE names a commit, with that commit's api module
# too (built in a temporary git worktree), alternately, ROUNDS rounds (default 1). Extra arguments go to the
# benchmark (--rows, --cols, --top, --lambdas, --min-ratio, --seed, --labels-noise, --backend cpu|reference). Raw output appended to
# benchmarks/results/cpu/warm-path-<UTC date>.txt. MVN_FLAGS="" lets Maven go online.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=benchmarks/cpu/machine.sh
source benchmarks/cpu/machine.sh
out="benchmarks/target/cpu-warm-path"
build_cpu_benchmarks "$out"
variants=("this tree ($(git rev-parse --short HEAD)$(git diff --quiet HEAD -- api || echo "+changes"))=$root/$out/logreg/api")
if [[ -n "${BASELINE:-}" ]]; then
  wt="$(mktemp -d)"
  trap 'git worktree remove --force "$wt" > /dev/null 2>&1 || rm -rf "$wt"' EXIT
  git worktree add --detach "$wt" "$BASELINE" > /dev/null
  # shellcheck disable=SC2086
  (cd "$wt" && mvn -B -q ${MVN_FLAGS--o} package -pl api -Dmaven.test.skip=true)
  cp -r "$wt/api/target/classes" "$out/logreg/baseline-api"
  variants=("baseline $(git rev-parse --short "$BASELINE")=$root/$out/logreg/baseline-api" "${variants[@]}")
fi
result="${RESULT-benchmarks/results/cpu/warm-path-$(date -u +%Y-%m-%d).txt}"
{
  echo "# benchmarks/cpu/run-warm-path.sh $*  ($(date -u +%Y-%m-%dT%H:%M:%SZ)) BASELINE=${BASELINE:-} ROUNDS=${ROUNDS:-1}"
  describe_machine
  for round in $(seq 1 "${ROUNDS:-1}"); do
    for v in "${variants[@]}"; do
      echo "== round $round, api of ${v%%=*}"
      java -Xmx${HEAP-4g} -cp "$out/classes:$root/$out/logreg/cpu:${v#*=}:$deps" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
        dev.logreg.bench.cpu.WarmStartPathBenchmark "$@"
    done
  done
  echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | grep -v -E '^(Warning: Loader.putMemberOffset|SLF4J)' | tee -a "$result"
