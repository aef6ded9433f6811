#!/usr/bin/env bash
# Files a device run's output (what `bash .gpu/run.sh` wrote to $OUT) under benchmarks/results/gpu/, named by date and
# device, and prints what the closing note needs: the device and driver, the kernels' hash, the test totals (and
# whether anything was skipped: the device run must skip nothing), and the benchmark's target lines.
#
#   scripts/gpu-results.sh FILES_AT      # the folder the device tool's reply names as files_at
#
# Exit status 0 when the tests passed with none skipped and the benchmark printed its targets; 1 otherwise (the files
# are still filed: a failed run's results are results too).
set -euo pipefail
src="${1:?usage: gpu-results.sh FILES_AT, the files_at folder of the device tool}"
root=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$src/run.log" ] || { echo "no run.log in $src: not the output of .gpu/run.sh" >&2; exit 1; }
device=$(sed -n 's/^device: gpu: \(.*\) (compute .*/\1/p' "$src/benchmark.txt" 2> /dev/null | head -n 1)
if [ -z "$device" ]; then
    device=$(sed -n '/^name, driver_version/{n;p}' "$src/run.log" | cut -d, -f1 | head -n 1)
fi
device=${device:-unknown-device}
case "$device" in *simcuda*) echo "this run is simcuda's (CPU emulation), not a GPU's: not filed" >&2; exit 1 ;; esac
slug=$(echo "$device" | tr '[:upper:]' '[:lower:]' | tr -cs 'a-z0-9' '-' | sed 's/^-//; s/-$//')
dest="$root/benchmarks/results/gpu/$(date -u +%Y-%m-%d)-$slug"
mkdir -p "$dest"
for f in run.log benchmark.txt benchmark-wide.txt cublas.txt ncu.txt junit-reports.tar.gz; do
    [ -f "$src/$f" ] && cp "$src/$f" "$dest/"
done
echo "filed under ${dest#"$root"/}: $(ls "$dest" | tr '\n' ' ')"
echo "device: $device"
grep -m 1 -E '^[^,]+, [0-9.]+, ' "$src/run.log" || true
grep -m 1 '^sources.sha256=' "$src/run.log" || true

ok=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -f "$src/junit-reports.tar.gz" ]; then
    tar -xzf "$src/junit-reports.tar.gz" -C "$tmp"
    # The console launcher's legacy XML: one testsuite element with tests, skipped, failures and errors attributes.
    python3 - "$tmp" <<'PY' || ok=1
import glob, sys, xml.etree.ElementTree as ET
tests = skipped = failed = 0
for f in glob.glob(sys.argv[1] + "/**/*.xml", recursive=True):
    for s in ET.parse(f).getroot().iter("testsuite"):
        tests += int(s.get("tests", 0)); skipped += int(s.get("skipped", 0))
        failed += int(s.get("failures", 0)) + int(s.get("errors", 0))
print(f"tests: {tests} run, {failed} failed, {skipped} skipped")
sys.exit(0 if tests > 0 and failed == 0 and skipped == 0 else 1)
PY
else
    echo "tests: no junit-reports.tar.gz (the test step did not finish?)"
    ok=1
fi
if grep -q '^targets:' "$src/benchmark.txt" 2> /dev/null; then
    grep -E '^(targets:|fused value\+gradient two runs|prefetching kernels bit-identical|L-BFGS training run|two training runs)' "$src/benchmark.txt"
else
    echo "benchmark: no target lines in benchmark.txt"
    ok=1
fi
exit "$ok"
