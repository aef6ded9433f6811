#!/usr/bin/env bash
# Builds simcuda, a simulated CUDA driver (a libcuda.so.1 that runs logreg's kernels on the CPU; see
# src/test/cuda/simcuda/simcuda.cpp), for testing the GPU backend's host code where there is no GPU.
#
#   kernels/simcuda.sh OUT_DIR     writes OUT_DIR/libcuda.so.1 (rebuilt only when a source is newer)
#
# Use: start a JVM with LD_LIBRARY_PATH=OUT_DIR and JCuda loads it in place of the NVIDIA driver. Needs g++ (or c++),
# no nvcc, and an x86-64 machine. Without them it builds nothing, says so and exits 0: the GPU tests then skip as on any
# machine without a driver.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src="$here/src/test/cuda/simcuda"
out="${1:?usage: simcuda.sh OUT_DIR}"
lib="$out/libcuda.so.1"
cxx=$(command -v g++ || command -v c++ || true)
if [ -z "$cxx" ]; then
    echo "simcuda: no C++ compiler (g++ or c++) on the PATH: not built; GPU tests will skip" >&2
    exit 0
fi
if [ "$(uname -m)" != x86_64 ]; then
    # simt.h's fast context switch is x86-64 assembly; elsewhere its swapcontext fallback makes the simulated test
    # runs some ten times slower (tens of minutes), too slow for a build's test step.
    echo "simcuda: not built on $(uname -m) (its fast thread switch is x86-64 only); GPU tests will skip" >&2
    exit 0
fi
mkdir -p "$out"
newest=$(ls -t "$src"/* "$here"/src/test/cuda/emulate/simt.h "$here"/src/main/cuda/* "$here/ptxas-sm90.txt" "$0" | head -n 1)
if [ -f "$lib" ] && [ "$lib" -nt "$newest" ]; then
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Stubs for every imported function simcuda.cpp does not define, so that no call can end in a symbol lookup error.
sed -n 's/^API CUresult \(cu[A-Za-z0-9_]*\)(.*/\1/p' "$src/simcuda.cpp" "$src/simcuda_streams_api.h" | LC_ALL=C sort -u > "$tmp/defined"
grep -v '^#' "$src/jcuda-12.6.0-driver-imports.txt" | LC_ALL=C sort -u | LC_ALL=C comm -23 - "$tmp/defined" |
    while read -r name; do
        echo "API CUresult $name() { say(\"$name is not emulated\"); return NOT_SUPPORTED; }"
    done > "$tmp/stubs.inc"
# Registers a thread of each kernel on sm_90, from the committed ptxas report of the committed PTX, so that occupancy
# (and so every grid the backend sizes from it) is the H100's, not a guess.
awk -v q="'" '
    $0 ~ "Compiling entry function " q "[A-Za-z0-9_]+" q " for " q "sm_90" q { split($0, part, q); entry = part[2] }
    entry != "" && /Used [0-9]+ registers/ {
        for (i = 1; i <= NF; i++) if ($i == "Used") printf "{\"%s\", %d},\n", entry, $(i + 1)
        entry = ""
    }' \
    "$here/ptxas-sm90.txt" > "$tmp/registers.inc"
if [ ! -s "$tmp/registers.inc" ]; then
    echo "simcuda: no sm_90 register counts in $here/ptxas-sm90.txt" >&2
    exit 1
fi
"$cxx" -std=c++17 -O2 -fPIC -shared -fvisibility=hidden -Wl,-soname,libcuda.so.1 -I"$tmp" \
    -o "$tmp/libcuda.so.1" "$src/simcuda.cpp"
mv "$tmp/libcuda.so.1" "$lib"
echo "simcuda: built $lib ($(wc -l < "$tmp/defined") functions emulated, $(wc -l < "$tmp/stubs.inc") stubs, sm_90 registers of $(wc -l < "$tmp/registers.inc") kernels)" >&2
