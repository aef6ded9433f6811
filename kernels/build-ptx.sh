#!/usr/bin/env bash
# Builds the kernels' PTX and fatbin for the Maven build (kernels/pom.xml calls it in generate-resources).
#
#   kernels/build-ptx.sh OUT_DIR            put logreg.ptx, logreg.fatbin, manifest.properties under OUT_DIR/dev/logreg/kernels
#   kernels/build-ptx.sh --update           rebuild with nvcc and replace the committed output (src/main/committed/),
#                                           the manifest and ptxas-sm90.txt; run this after editing src/main/cuda/
#
# The committed output is kept with a manifest recording the SHA-256 of the sources and flags (every file of
# src/main/cuda, names and contents, in C-locale name order). OUT_DIR mode:
#   - the manifest hash matches the sources: copy the committed output (nvcc or not: it is exactly what nvcc makes);
#   - it does not, and nvcc is on the PATH: compile fresh into OUT_DIR (ManifestTest then fails until --update);
#   - it does not, and there is no nvcc: copy the committed (stale) output and warn.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src="$here/src/main/cuda"
committed="$here/src/main/committed/dev/logreg/kernels"
# shellcheck source=src/main/cuda/nvcc.flags
source "$src/nvcc.flags"

sources_hash() {
    (cd "$src" && for f in $(ls -1 | LC_ALL=C sort); do printf '%s\0' "$f"; cat "$f"; printf '\0'; done) | sha256sum | cut -d' ' -f1
}

# compile DIR [PTXAS_LOG]: logreg.ptx, logreg.fatbin and manifest.properties into DIR.
compile() {
    local dir=$1 log=${2:-/dev/null} tmp
    mkdir -p "$dir"
    tmp=$(mktemp -d)
    # shellcheck disable=SC2086
    nvcc $COMMON_FLAGS $PTX_FLAGS -ptx "$src/logreg.cu" -o "$tmp/logreg.ptx"
    # shellcheck disable=SC2086
    nvcc $COMMON_FLAGS $FATBIN_FLAGS -Xptxas -v -fatbin "$src/logreg.cu" -o "$tmp/logreg.fatbin" 2> "$tmp/ptxas.txt"
    cp "$tmp/logreg.ptx" "$tmp/logreg.fatbin" "$dir/"
    {
        echo "# Written by kernels/build-ptx.sh; ManifestTest checks sources.sha256 against src/main/cuda."
        echo "sources.sha256=$(sources_hash)"
        echo "nvcc.version=$(nvcc --version | tail -n 2 | head -n 1 | sed 's/^Cuda compilation tools, //')"
        echo "flags.common=$COMMON_FLAGS"
        echo "flags.ptx=$PTX_FLAGS"
        echo "flags.fatbin=$FATBIN_FLAGS"
        echo "ptx.sha256=$(sha256sum "$dir/logreg.ptx" | cut -d' ' -f1)"
        echo "fatbin.sha256=$(sha256sum "$dir/logreg.fatbin" | cut -d' ' -f1)"
    } > "$dir/manifest.properties"
    if [ "$log" != /dev/null ]; then
        { echo "# ptxas -v for every entry point, from: nvcc $COMMON_FLAGS $FATBIN_FLAGS -Xptxas -v -fatbin logreg.cu"
          echo "# $(grep '^nvcc.version=' "$dir/manifest.properties")"
          cat "$tmp/ptxas.txt"; } > "$log"
    fi
    rm -rf "$tmp"
}

if [ "${1:-}" = "--update" ]; then
    command -v nvcc > /dev/null || { echo "build-ptx.sh --update needs nvcc on the PATH" >&2; exit 1; }
    compile "$committed" "$here/ptxas-sm90.txt"
    echo "updated $committed and $here/ptxas-sm90.txt (sources $(sources_hash))"
    exit 0
fi

out="${1:?usage: build-ptx.sh OUT_DIR | --update}/dev/logreg/kernels"
want=$(sources_hash)
have=$(sed -n 's/^sources.sha256=//p' "$committed/manifest.properties" 2> /dev/null || true)
mkdir -p "$out"
if [ "$want" = "$have" ]; then
    cp "$committed/logreg.ptx" "$committed/logreg.fatbin" "$committed/manifest.properties" "$out/"
    echo "kernels: committed PTX matches the sources ($want)"
elif command -v nvcc > /dev/null; then
    echo "kernels: sources changed ($want, committed $have): compiling with $(command -v nvcc); run kernels/build-ptx.sh --update to commit"
    compile "$out"
else
    echo "kernels: WARNING sources changed ($want, committed $have) and there is no nvcc: packaging the committed, stale PTX" >&2
    cp "$committed/logreg.ptx" "$committed/logreg.fatbin" "$committed/manifest.properties" "$out/"
fi
