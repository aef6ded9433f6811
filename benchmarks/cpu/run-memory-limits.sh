#!/usr/bin/env bash
# Issue 19, item 3 ("a heap sized from the data"): `./logreg train` and `./logreg evaluate` on a .npy of many short
# rows (ROWS x COLS float32, default 6,000,000 x 10 = 229 MiB) in a cgroup allowed LIMIT_MB (default 512, v1 memory
# controller, root needed), as in a container. The JVM gives itself a heap of a quarter of the cgroup's memory (128
# MiB), and the training metrics keep about 30 bytes a row on the heap at their peak. Each command runs twice in the
# same cgroup: as the launcher was before 2026-12-04 (its limits sized from the host's RAM, LOGREG_MEMORY_MB set to
# it, which leaves the heap at the JVM's default), and as it is now (the cgroup's limit read, -Xmx from the rows).
# Reported per run: the exit, the last line, the JVM flags the launcher chose, the wall, the cgroup's peak usage.
# Raw output: benchmarks/results/cpu/memory-limits-<UTC date>.txt (appended).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=benchmarks/cpu/machine.sh
source benchmarks/cpu/machine.sh
DATA="${DATA:-/tmp/logreg-memory}"
ROWS="${ROWS:-6000000}"
COLS="${COLS:-10}"
LIMIT_MB="${LIMIT_MB:-512}"
PY="${PYTHON:-python3}"
cg=/sys/fs/cgroup/memory/logreg-memory-limits
if [[ ! -d /sys/fs/cgroup/memory ]] || ! mkdir -p "$cg" 2>/dev/null; then
  echo "needs the cgroup v1 memory controller and root (mkdir $cg failed)" >&2
  exit 2
fi
if [[ ! -f "$DATA/X.npy" ]]; then
  echo "writing $ROWS x $COLS rows to $DATA ..." >&2
  "$PY" benchmarks/cpu/end_to_end_data.py "$DATA" "$ROWS" "$COLS" 42 --no-csv
fi
./logreg --version > /dev/null   # builds the cli on first use, outside the runs
export LOGREG_SKIP_BUILD=1
tmp="$(mktemp -d)"
cleanup() { rmdir "$cg" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
result="${RESULT-benchmarks/results/cpu/memory-limits-$(date -u +%Y-%m-%d).txt}"
mkdir -p "$(dirname "$result")"
host_mb=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 ))

# limited NAME ENV CMD...: CMD in the cgroup (ENV: one VAR=value or "" for none), its outcome and peak usage.
limited() {
  local name="$1" env="$2"; shift 2
  echo $((LIMIT_MB << 20)) > "$cg/memory.limit_in_bytes"
  echo 0 > "$cg/memory.max_usage_in_bytes" 2>/dev/null || true
  local t0 t1 rc=0
  t0=$(date +%s.%N)
  sh -c "echo \$\$ > $cg/cgroup.procs && exec env $env ./logreg $(printf '%q ' "$@")" > "$tmp/out" 2>&1 || rc=$?
  t1=$(date +%s.%N)
  printf '%-26s exit %d  wall %6.2f s  cgroup peak %4d MiB of %d  load %s\n' "$name" "$rc" "$(echo "$t1 - $t0" | bc)" \
    "$(( $(cat "$cg/memory.max_usage_in_bytes") >> 20 ))" "$LIMIT_MB" "$(cut -d' ' -f1 /proc/loadavg)"
  echo "    jvm flags: $(sh -c "echo \$\$ > $cg/cgroup.procs && exec env $env LOGREG_CDS=0 JAVA=$tmp/print-flags ./logreg $(printf '%q ' "$@")" | grep -E '^-X' | tr '\n' ' ')"
  grep -E '^(training:|status|logreg: error)|ROC AUC' "$tmp/out" | tail -2 | sed 's/^/    /'
}
printf '#!/usr/bin/env bash\nprintf "%%s\\n" "$@"\n' > "$tmp/print-flags"
chmod +x "$tmp/print-flags"

{
  echo "# benchmarks/cpu/run-memory-limits.sh  ($(date -u +%Y-%m-%dT%H:%M:%SZ)), $ROWS x $COLS, cgroup limit $LIMIT_MB MiB, host RAM $host_mb MiB"
  describe_machine
  train=(train --data "$DATA/X.npy" --labels "$DATA/y.npy" --penalty l2 --lambda 1 --backend cpu --out "$tmp/m.json" --force)
  limited "train, before (host RAM)" "LOGREG_MEMORY_MB=$host_mb" "${train[@]}"
  limited "train, now (cgroup)" "" "${train[@]}"
  evaluate=(evaluate --model "$tmp/m.json" --data "$DATA/X.npy" --labels "$DATA/y.npy")
  if [[ -f "$tmp/m.json" ]]; then
    limited "evaluate, before (host RAM)" "LOGREG_MEMORY_MB=$host_mb" "${evaluate[@]}"
    limited "evaluate, now (cgroup)" "" "${evaluate[@]}"
  fi
  echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee -a "$result"
echo "saved $result"
