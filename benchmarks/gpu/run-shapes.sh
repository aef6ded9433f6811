#!/usr/bin/env bash
# The GPU benchmark's passes (no PyTorch, no training) on other widths than the headline 128, about 2.5 GB of X
# each: one width or more per kernel family of fused.cu (g4s2, g2v1, g8v1, g8s4, s2, s4, s8, v2, the wide path in
# shared and in global memory), plain and prefetching twins side by side, each beside the same run's read-only
# ceiling. Run on the GPU machine from the repository root, with the bundle of scripts/gpu-bundle.sh:
#
#   device tool: run(command="bash benchmarks/gpu/run-shapes.sh .gpu", carry=[".gpu"])
#
# Writes shapes.txt (every table) and shapes-summary.txt (one line per width) to $OUT.
set -u
bundle=$(cd "${1:?usage: run-shapes.sh BUNDLE_DIR (the .gpu folder of scripts/gpu-bundle.sh)}" && pwd)
out=${OUT:-/tmp/logreg-gpu-shapes}
mkdir -p "$out"
java="$bundle/jre/bin/java"
cp=$(find "$bundle/lib" -name '*.jar' | sort | tr '\n' ':')
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee "$out/shapes-summary.txt"
# width rows: X of about 2.5 GB (4 bytes x rows x width).
# SHAPES: "width:rows ..." to run other widths than these.
shapes=${SHAPES:-"5:128000000 8:80000000 24:26000000 30:20000000 63:10000000 127:5000000 255:2500000 256:2500000 300:2000000 1000:640000 1001:640000 2000:300000 2047:300000 3000:200000"}
for shape in $shapes; do
    set -- ${shape/:/ }
    echo "=== width $1, $2 rows" >> "$out/shapes.txt"
    timeout -k 5 "${SHAPE_TIMEOUT:-40}" "$java" -Xmx16g -cp "$cp" dev.logreg.bench.gpu.GpuBenchmark --cols "$1" --rows "$2" \
        --reps 10 --no-torch --no-training >> "$out/shapes.txt" 2>&1
    echo "exit status $?" >> "$out/shapes.txt"
    # One line: the width, then fused plain, fused prefetching, value plain, value prefetching and two-pass, each as a
    # fraction of the read-only ceiling ("vs read").
    sed -n "/^=== width $1,/,\$p" "$out/shapes.txt" | awk -v n="$1" '
        /^measured: fused value \+ gradient  /      {fp = $(NF)}
        /^measured: fused value \+ gradient, pre/   {fpf = $(NF)}
        /^measured: fused value only \(line/        {vp = $(NF)}
        /^measured: fused value only, pre/          {vpf = $(NF)}
        /^measured: two-pass/                       {tp = $(NF)}
        END {printf "width %-5s of read-only: fused %s, fused prefetching %s, value %s, value prefetching %s, two-pass %s\n", n, fp, fpf, vp, vpf, tp}' \
        | tee -a "$out/shapes-summary.txt"
done
