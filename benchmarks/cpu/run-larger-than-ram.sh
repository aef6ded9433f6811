#!/usr/bin/env bash
# Issue 19, item 1: data larger than the memory the process has, trained on the CPU backend from a memory-mapped .npy.
# A machine with more disk than RAM to spare is rare in CI, so the "RAM" here is a cgroup's: `./logreg train` runs in a
# cgroup (v1 memory controller, root needed) whose limit (LIMIT_MB, default 512) is well below the file (ROWS x COLS
# float32, default 3,000,000 x 128 = 1.5 GB). The page cache a process fills is charged to its cgroup, so the kernel
# must drop the file's pages as the pass moves on and read them again from disk on the next pass: each pass over X
# streams the file from disk in row order, exactly as on a machine whose RAM is smaller than the file.
# In the same run: the same command without the limit (the file in the page cache), the disk's own read speed
# (dd iflag=direct) and the page-cache read (cat). Reported: the walls, the passes the fit made (one per evaluation,
# from --verbose, plus the validating read, the statistics and the metrics), the seconds per pass beside the disk's
# time to read the file once, the cgroup's peak usage and whether both model files hold the same coefficients (they
# must: bit for bit).
# Raw output: benchmarks/results/cpu/larger-than-ram-<UTC date>.txt (appended).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=benchmarks/cpu/machine.sh
source benchmarks/cpu/machine.sh
DATA="${DATA:-/tmp/logreg-ltr}"
ROWS="${ROWS:-3000000}"
COLS="${COLS:-128}"
LIMIT_MB="${LIMIT_MB:-512}"
PY="${PYTHON:-python3}"
cg=/sys/fs/cgroup/memory/logreg-larger-than-ram
if [[ ! -d /sys/fs/cgroup/memory ]] || ! mkdir -p "$cg" 2>/dev/null; then
  echo "needs the cgroup v1 memory controller and root (mkdir $cg failed)" >&2
  exit 2
fi
if [[ ! -f "$DATA/X.npy" ]]; then
  echo "writing $ROWS x $COLS rows to $DATA ..." >&2
  "$PY" benchmarks/cpu/end_to_end_data.py "$DATA" "$ROWS" "$COLS" 42 --no-csv
fi
./logreg --version > /dev/null   # builds the cli on first use, outside the timed runs
export LOGREG_SKIP_BUILD=1
tmp="$(mktemp -d)"
cleanup() { rmdir "$cg" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
result="${RESULT-benchmarks/results/cpu/larger-than-ram-$(date -u +%Y-%m-%d).txt}"
mkdir -p "$(dirname "$result")"
fit=(train --data "$DATA/X.npy" --labels "$DATA/y.npy" --penalty l2 --lambda 1 --backend cpu --verbose --force)

# coefficients FILE: the model's numbers alone (the file also holds the wall time of the fit, which differs).
coefficients() { "$PY" -c 'import json,sys; m=json.load(open(sys.argv[1])); print(repr((m["coefficients"], m["intercept"], m["objective"])))' "$1" | sha256sum | cut -c1-16; }

# timed NAME CMD...: runs CMD, prints its wall seconds and the evaluation count of its fit.
timed() {
  local name="$1"; shift
  local t0 t1
  t0=$(date +%s.%N)
  "$@" > "$tmp/$name.out" 2>&1 || { echo "$name FAILED:"; tail -20 "$tmp/$name.out"; return 1; }
  t1=$(date +%s.%N)
  local iters train
  iters=$(sed -n 's/^status .* after \([0-9]*\) iterations.*/\1/p' "$tmp/$name.out" | tail -1)
  train=$(sed -n 's/^status .*(\([0-9.]*\) s of training).*/\1/p' "$tmp/$name.out" | tail -1)
  printf '%-10s wall %7.2f s  training %s s  iterations %s  load %s\n' "$name" "$(echo "$t1 - $t0" | bc)" "${train:-?}" "${iters:-?}" "$(cut -d' ' -f1 /proc/loadavg)"
  grep -E '^(data:|status|training:)' "$tmp/$name.out" | sed 's/^/    /' || true
  echo "$name $(echo "$t1 - $t0" | bc) ${train:-0} ${iters:-0}" >> "$tmp/times"
}

{
  echo "# benchmarks/cpu/run-larger-than-ram.sh  ($(date -u +%Y-%m-%dT%H:%M:%SZ)), $ROWS x $COLS, cgroup limit $LIMIT_MB MB"
  describe_machine
  size=$(stat -c %s "$DATA/X.npy")
  echo "X.npy: $size bytes ($((size >> 20)) MiB), $((size / (LIMIT_MB << 20))).$(( (size * 10 / (LIMIT_MB << 20)) % 10 ))x the cgroup's limit"
  echo "# the disk (O_DIRECT, no cache) and the page cache, read once each:"
  dd if="$DATA/X.npy" of=/dev/null bs=8M iflag=direct 2>&1 | tail -1 | sed 's/^/  disk (dd iflag=direct): /'
  cat "$DATA/X.npy" > /dev/null
  dd if="$DATA/X.npy" of=/dev/null bs=8M 2>&1 | tail -1 | sed 's/^/  page cache (dd):        /'
  timed in-memory ./logreg "${fit[@]}" --out "$tmp/in-memory.json"
  # Out of the page cache before the limited run, so that its first pass reads the disk too.
  sync; echo 1 > /proc/sys/vm/drop_caches 2>/dev/null || echo "  (could not drop the page cache)"
  echo $((LIMIT_MB << 20)) > "$cg/memory.limit_in_bytes"
  echo 0 > "$cg/memory.max_usage_in_bytes" 2>/dev/null || true
  timed limited sh -c "echo \$\$ > $cg/cgroup.procs && exec ./logreg $(printf '%q ' "${fit[@]}") --out $tmp/limited.json"
  echo "  cgroup peak usage $(( $(cat "$cg/memory.max_usage_in_bytes") >> 20 )) MiB of the $LIMIT_MB MiB limit; limit hits (failcnt) $(cat "$cg/memory.failcnt")"
  grep -E '^(total_cache|total_rss|total_pgmajfault) ' "$cg/memory.stat" | sed 's/^/  cgroup /' || true
  a=$(coefficients "$tmp/in-memory.json"); b=$(coefficients "$tmp/limited.json")
  if [[ "$a" == "$b" ]]; then echo "models: the same coefficients bit for bit ($a)"; else echo "models DIFFER: in memory $a, limited $b"; diff <(tr ',' '\n' < "$tmp/in-memory.json") <(tr ',' '\n' < "$tmp/limited.json") | head -20; fi
  read -r _ wall_mem train_mem it_mem < <(grep '^in-memory ' "$tmp/times")
  read -r _ wall_lim train_lim it_lim < <(grep '^limited ' "$tmp/times")
  disk_s=$(dd if="$DATA/X.npy" of=/dev/null bs=8M iflag=direct 2>&1 | tail -1 | awk '{print $(NF-3)}')
  # L-BFGS makes at least one evaluation (one pass over X) an iteration, plus the first.
  echo "summary: limited: wall $wall_lim s, training $train_lim s over at least $((it_lim + 1)) passes" \
       "(<= $(echo "scale=3; $train_lim / ($it_lim + 1)" | bc) s a pass); the disk reads the file once in $disk_s s (O_DIRECT);" \
       "in memory: wall $wall_mem s, training $train_mem s (<= $(echo "scale=3; $train_mem / ($it_mem + 1)" | bc) s a pass);" \
       "limited / in memory: wall $(echo "scale=2; $wall_lim / $wall_mem" | bc)x, training $(echo "scale=2; $train_lim / $train_mem" | bc)x"
  echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee -a "$result"
echo "saved $result"
