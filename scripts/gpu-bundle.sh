#!/usr/bin/env bash
# Packs everything a GPU run needs into the git-ignored folder .gpu/ (with the tracked tree under the device tool's 64 MiB), so that one call of the device
# tool runs all GPU tests and the GPU benchmark on a machine with no Java and no network:
#
#   scripts/gpu-bundle.sh            # build (offline) and pack .gpu/
#   OUT=/tmp/out bash .gpu/run.sh    # here: every GPU test skips with its reason; there: everything runs
#   device tool: run(command="bash .gpu/run.sh", carry=[".gpu"]); then scripts/gpu-results.sh FILES_AT files $OUT
#
# .gpu/ holds: jre/ (a jlink'ed Java 17, ../shared/device/make-jre), lib/ (api + its test-jar, kernels,
# gpu-backend + its test classes, JCuda and JCuBLAS with their linux-x86_64 natives, slf4j-api + slf4j-simple, the GPU
# benchmark classes; no ND4J), junit-platform-console-standalone.jar, torch_gradient.py, torch_softmax.py, torch_sparse.py, cublas13/ (libJCublas2
# retargeted to libcublas.so.13, where patchelf is available) and run.sh.
# Environment: MVN_FLAGS (default "-o"), M2_REPO (default ~/.m2/repository), SHARED (default ../shared next to the repo).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
m2=${M2_REPO:-$HOME/.m2/repository}
shared=${SHARED:-$(cd "$root/.." && pwd)/shared}
prop() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" pom.xml | head -n 1; }
version=$(sed -n '/<artifactId>logreg-parent<\/artifactId>/{n;s:.*<version>\(.*\)</version>.*:\1:p}' pom.xml | head -n 1)
jcuda=$(prop jcuda.version)
slf4j=$(prop slf4j.version)
console=$(prop junit.console.version)
[ -n "$version" ] && [ -n "$jcuda" ] && [ -n "$slf4j" ] && [ -n "$console" ] || { echo "cannot read versions from pom.xml" >&2; exit 1; }

echo "== building api, kernels, gpu-backend, integration-tests (tests compiled, not run)"
# shellcheck disable=SC2086
mvn -B -q ${MVN_FLAGS--o} install -pl api,kernels,cpu-backend,gpu-backend,integration-tests,cli -am -DskipTests -Dsimcuda.skip

rm -rf .gpu
mkdir -p .gpu/lib .gpu/build
echo "== JRE"
"$shared/device/make-jre" .gpu/jre
# The device tool carries the tracked tree (about 14 MiB) and .gpu together, 64 MiB in all: libjvm.so's symbol tables
# (about 4 MiB) are left behind.
if command -v strip > /dev/null; then strip --strip-unneeded .gpu/jre/lib/server/libjvm.so && .gpu/jre/bin/java -version 2>&1 | head -n 1; fi

echo "== jars"
need() { [ -f "$1" ] || { echo "missing $1 (run once without -o: mvn dependency:get -Dartifact=...)" >&2; exit 1; }; cp "$1" .gpu/lib/; }
need api/target/logreg-api-$version.jar
need api/target/logreg-api-$version-tests.jar
need kernels/target/logreg-kernels-$version.jar
need gpu-backend/target/logreg-gpu-backend-$version.jar
jar cf .gpu/lib/logreg-gpu-backend-$version-tests.jar -C gpu-backend/target/test-classes .
# The cross-backend suite runs there too: its gpu rows run, its cpu rows skip (ND4J does not travel) with that reason.
jar cf .gpu/lib/logreg-integration-tests-$version-tests.jar -C integration-tests/target/test-classes .
need "$m2/org/jcuda/jcuda/$jcuda/jcuda-$jcuda.jar"
need "$m2/org/jcuda/jcuda-natives/$jcuda/jcuda-natives-$jcuda-linux-x86_64.jar"
# Less libJNvPTXCompiler (24 MB, 8 MiB packed): logreg loads its fatbin or PTX through the driver, never through JCuda's
# PTX compiler library, and the bundle must fit the device tool's limit.
zip -q -d ".gpu/lib/jcuda-natives-$jcuda-linux-x86_64.jar" 'lib/libJNvPTXCompiler-*'
need "$m2/org/jcuda/jcublas/$jcuda/jcublas-$jcuda.jar"
need "$m2/org/jcuda/jcublas-natives/$jcuda/jcublas-natives-$jcuda-linux-x86_64.jar"
need "$m2/org/slf4j/slf4j-api/$slf4j/slf4j-api-$slf4j.jar"
need "$m2/org/slf4j/slf4j-simple/$slf4j/slf4j-simple-$slf4j.jar"
console_jar="$m2/org/junit/platform/junit-platform-console-standalone/$console/junit-platform-console-standalone-$console.jar"
[ -f "$console_jar" ] || mvn -B -q dependency:get -Dartifact=org.junit.platform:junit-platform-console-standalone:$console
cp "$console_jar" .gpu/junit-platform-console-standalone.jar

echo "== the command line (cli/: its jars less those already in lib/, less ND4J and its natives, which do not travel)"
# `logreg train --backend gpu` never touches ND4J (the CPU backend starts it lazily), so the e2e section runs the CLI
# as a user types it. Left out besides ND4J: what only --plot's PDF output, `serve` (Jetty) and ND4J's own start-up
# use, and JUnit (the console launcher has its own); found by running `train --backend gpu` under simcuda until no
# class was missing. Also `export --format onnx`'s protobuf-java and logreg-onnx (2.1 MB; only that subcommand loads
# them, and picocli builds only the subcommand named): with them the bundle and the tree reached the 64 MiB.
mkdir -p .gpu/cli
# shellcheck disable=SC2086
mvn -B -q ${MVN_FLAGS--o} -pl cli dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$root/.gpu/build/cli-classpath.txt" > /dev/null
cp cli/target/logreg-cli-$version.jar .gpu/cli/
tr ':' '\n' < .gpu/build/cli-classpath.txt \
    | grep -v -E 'nd4j|bytedeco|pdfbox|fontbox|commons-math3|/jna/|jna-platform|commons-compress|commons-collections4|spark|junit|jetty|commons-net|commons-io|commons-codec|commons-lang3|oshi|threetenbp|byteunits|neoitertools|commons-logging|protobuf-java|logreg-onnx' \
    | while read -r j; do [ -f ".gpu/lib/$(basename "$j")" ] || cp "$j" .gpu/cli/; done
du -sh .gpu/cli

echo "== GPU benchmark classes (compiled against the bundle's jars alone: proves it needs no ND4J)"
libcp=$(find .gpu/lib -name '*.jar' | sort | tr '\n' ':')
javac --release 17 -nowarn -d .gpu/build/bench -cp "$libcp" benchmarks/src/main/java/dev/logreg/bench/gpu/*.java
jar cf .gpu/lib/logreg-bench-gpu-$version.jar -C .gpu/build/bench .
cp benchmarks/gpu/torch_gradient.py benchmarks/gpu/torch_softmax.py benchmarks/gpu/torch_sparse.py benchmarks/gpu/e2e_reference.py benchmarks/gpu/e2e.sh .gpu/
# The kernels' manifest (SHA-256 of the CUDA sources and nvcc flags) goes into the run log beside the results.
cp kernels/src/main/committed/dev/logreg/kernels/manifest.properties .gpu/kernels-manifest.properties
# The CUDA sources (a few hundred KiB), for the host tests that read them (CudaDataTermHostTest): nothing skips there.
mkdir -p .gpu/cuda && cp kernels/src/main/cuda/* .gpu/cuda/

echo "== libJCublas2 retargeted to libcublas.so.13 (optional)"
if command -v patchelf > /dev/null && [ -f "$shared/device/retarget-soname.py" ]; then
    mkdir -p .gpu/build/natives .gpu/cublas13
    (cd .gpu/build/natives && unzip -q -o "$m2/org/jcuda/jcublas-natives/$jcuda/jcublas-natives-$jcuda-linux-x86_64.jar")
    so=$(find .gpu/build/natives -name "libJCublas2-$jcuda-linux-x86_64.so" | head -n 1)
    python3 "$shared/device/retarget-soname.py" "$so" ".gpu/cublas13/$(basename "$so")" libcublas.so.12 libcublas.so.13
    readelf -d ".gpu/cublas13/$(basename "$so")" | grep NEEDED | grep cublas
else
    echo "patchelf or retarget-soname.py missing: no cuBLAS-13 retarget (apt-get install -y patchelf)"
fi
rm -rf .gpu/build

cat > .gpu/run.sh <<'RUN'
#!/usr/bin/env bash
# Written by scripts/gpu-bundle.sh. On a GPU machine without Java or network: prints the machine, driver and CUDA
# libraries, runs the tests of packages dev.logreg.gpu and dev.logreg.it (gpu rows only; not the simcuda-tagged ones) with JUnit's console launcher,
# then the GPU benchmark, then the streamed evaluation of data larger than device memory (GpuStreamBenchmark, into run.log
# alone), then the multinomial benchmark (GpuSoftmaxBenchmark, printed into run.log alone), then the sparse
# benchmark (GpuSparseBenchmark, 5,000,000 x 2^20 CSR, into run.log alone), then (where ncu exists) a profile of the fused and read-only passes, then the wide-n
# benchmark, then (where only libcublas.so.13 exists) the cuBLAS path retargeted to it; writes run.log, benchmark.txt,
# ncu.txt, benchmark-wide.txt, cublas.txt and junit-reports.tar.gz to $OUT (at most 8 files come back).
# PARTS picks sections (default "tests bench stream e2e softmax sparse ncu wide cublas"; e2e: benchmarks/gpu/e2e.sh, E2E_TIMEOUT default 150, a guess). Extra benchmark arguments: BENCH_ARGS (e.g. "--rows 1000000"),
# SOFTMAX_ARGS (e.g. "--rows 20000 --reps 2"), SPARSE_ARGS (e.g. "--rows 2000 --cols 4096 --per-row 20 --reps 2"),
# STREAM_ARGS (e.g. "--rows 20000 --chunk-rows 2048 --copy-mib 4 --reps 2"). Time limits
# (seconds): TEST_TIMEOUT (default 170), BENCH_TIMEOUT (200), STREAM_TIMEOUT (90: not yet run on a device, a guess), SOFTMAX_TIMEOUT (90), SPARSE_TIMEOUT (240: not yet run on a device, a
# guess), NCU_TIMEOUT (60), WIDE_TIMEOUT (50), WIDTH_TIMEOUT (40 a width of the wide section's sweep, GpuWideBenchmark:
# 9 widths, WIDE_WIDTHS="257 384 ...", X about WIDE_GB=4.5 GB each; not yet run on a device, about 10 s a width
# expected; 256 < n <= 512 twice: both kernels) and CUBLAS_TIMEOUT (30, twice), so that a hang in one part
# still leaves the others' results, each cut to what is left of RUN_BUDGET (default 500 s, the whole run: later sections
# are skipped once it is spent); the limits alone add up to 20.5 minutes at worst (over one device call's 10: a run with a hang should
# leave out parts, PARTS="tests bench sparse"), inside one device call (at most 10); a whole run took
# about 2 minutes on an H100 before the sparse section (its own time there unknown: a minute or two expected, most of it
# generating 5 x 10^8 nonzeros and writing them for PyTorch). The benchmark prints each row as it is measured. Exit status: the test launcher's.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-/tmp/logreg-gpu-out}
mkdir -p "$out"
exec > >(tee "$out/run.log") 2>&1
java="$here/jre/bin/java"
cp=$(find "$here/lib" -name '*.jar' | sort | tr '\n' ':')
section() { echo; echo "=== $* ($(date -u '+%Y-%m-%d %H:%M:%S UTC'))"; }
# PARTS: the sections to run, of "tests bench stream e2e softmax sparse ncu wide cublas" (default: all of them).
# RUN_BUDGET (seconds, default 500): the whole run's time; a section that would start after it is skipped, and every
# section's time limit is cut to what is left of it, so that one device call (at most 600 s, its start not counted)
# always comes back with the results so far.
run_start=$(date +%s)
left() { local t=$1 r=$(( ${RUN_BUDGET:-500} - ($(date +%s) - run_start) )); (( r < t )) && t=$r; (( t < 5 )) && t=5; echo "$t"; }
part() {
  case " ${PARTS:-tests bench stream e2e softmax sparse ncu wide cublas} " in *" $1 "*) ;; *) return 1 ;; esac
  if (( $(date +%s) - run_start >= ${RUN_BUDGET:-500} )); then
    echo; echo "=== $1: skipped, the run's budget of ${RUN_BUDGET:-500} s is spent"; return 1
  fi
}

section machine
uname -a
nvidia-smi || echo "nvidia-smi: not available"
nvidia-smi --query-gpu=name,driver_version,memory.total,memory.free,clocks.max.memory --format=csv 2> /dev/null || true
cat /proc/driver/nvidia/version 2> /dev/null || echo "no /proc/driver/nvidia/version"
"$java" -version 2>&1 | head -n 1

section "kernels (sources hash, nvcc, flags)"
cat "$here/kernels-manifest.properties"

section "CUDA libraries"
ldconfig -p | grep -E 'libcuda\.so|cublas|nvrtc' || echo "(no libcuda, cuBLAS or NVRTC in the ldconfig cache)"
pydir=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' 2> /dev/null || true)
libs=$(find /usr/lib /usr/lib64 /usr/local /opt ${pydir:+"$pydir"} \( -name 'libcublas.so*' -o -name 'libcublasLt.so*' \) 2> /dev/null | sort)
echo "${libs:-no libcublas.so* under /usr, /opt or the Python packages}"
# The cuBLAS functions logreg calls. A libJCublas2 retargeted to libcublas.so.13 binds lazily: one of them missing
# there would end the JVM with a symbol lookup error, so the retarget is tried only where all are defined, and only in
# a section of its own after the tests and the benchmark (a crash there loses nothing else). nm -D prints versioned
# names (cublasSgemv_v2@@libcublas.so.13): the version is cut off before the comparison. Prints the missing ones;
# false where none is (or where nm is not there to tell: then it is tried).
cublas13_missing() {
    command -v nm > /dev/null || return 1
    local defined missing=""
    defined=$(nm -D --defined-only "$1" 2> /dev/null | awk '{print $NF}' | sed 's/@.*//')
    for f in cublasCreate_v2 cublasSetStream_v2 cublasSgemv_v2 cublasDestroy_v2; do
        echo "$defined" | grep -qx "$f" || missing="$missing $f"
    done
    [ -n "$missing" ] && echo "cuBLAS: $1 lacks$missing: not retargeting JCuBLAS to it"
    [ -n "$missing" ]
}
c12=$(echo "$libs" | grep '/libcublas\.so\.12' | head -n 1)
# The toolkit's copy first (the one in the ldconfig cache), then any other (the Python packages').
c13=$({ echo "$libs" | grep '^/usr/local/cuda'; echo "$libs" | grep -v '^/usr/local/cuda'; } | grep '/libcublas\.so\.13$' | head -n 1)
cublas13_env=""
if ldconfig -p | grep -q 'libcublas\.so\.12'; then
    echo "cuBLAS: libcublas.so.12 in the ldconfig cache: JCuBLAS 12.6 as shipped"
elif [ -n "$c12" ]; then
    export LD_LIBRARY_PATH="$(dirname "$c12")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    echo "cuBLAS: using $c12 (LD_LIBRARY_PATH)"
elif [ -n "$c13" ] && [ -d "$here/cublas13" ] && ! cublas13_missing "$c13"; then
    cublas13_env=$(dirname "$c13")
    echo "cuBLAS: no libcublas.so.12: the tests and the benchmark run without cuBLAS (as shipped); a last section"
    echo "        retries its tests and benchmark row with libJCublas2 retargeted to $c13 (a test, not a product fix)"
else
    echo "cuBLAS: neither libcublas.so.12 nor a usable libcublas.so.13: the cuBLAS path will report itself unusable"
fi

tests_rc=0
if part tests; then
    section "GPU tests (packages dev.logreg.gpu and dev.logreg.it)"
    # Only the gpu rows of integration-tests (ND4J does not travel), the kernel sources for the host tests, and not the
    # tests of simcuda (the simulated driver, tag "simcuda"): on a device every selected test runs, none skips, and an
    # unusable backend fails them (-Dlogreg.test.requireGpu) instead of skipping them.
    timeout -k 10 "$(left "${TEST_TIMEOUT:-170}")" "$java" -Xmx16g -Dlogreg.it.backends=gpu -Dlogreg.test.requireGpu=true \
        -Dlogreg.test.kernelSources="$here/cuda" -jar "$here/junit-platform-console-standalone.jar" execute \
        --class-path "$cp" --select-package dev.logreg.gpu --select-package dev.logreg.it --exclude-tag simcuda \
        --reports-dir "$out/junit" --details tree --disable-banner --disable-ansi-colors
    tests_rc=$?
fi

bench_rc="not run"
if part bench; then
    section "GPU benchmark"
    timeout -k 10 "$(left "${BENCH_TIMEOUT:-200}")" "$java" -Xmx24g -cp "$cp" dev.logreg.bench.gpu.GpuBenchmark \
        --script "$here/torch_gradient.py" --work "${TMPDIR:-/tmp}/logreg-gpu-bench" ${BENCH_ARGS:-} 2>&1 | tee "$out/benchmark.txt"
    bench_rc=${PIPESTATUS[0]}
fi

stream_rc="not run"
if part stream; then
    # Output in run.log alone. Issue 18 item 2: a streamed evaluation (a device memory limit of half of X) beside the
    # pinned host-to-device bandwidth of the same run; goal 0.8 of it. STREAM_ARGS (a rehearsal under simcuda:
    # "--rows 20000 --chunk-rows 2048 --copy-mib 4 --reps 2").
    section "data larger than device memory, streamed (10,000,000 x 128, issue 18 item 2)"
    timeout -k 10 "$(left "${STREAM_TIMEOUT:-90}")" "$java" -Xmx24g -cp "$cp" dev.logreg.bench.gpu.GpuStreamBenchmark ${STREAM_ARGS:-}
    stream_rc=$?
fi

e2e_rc="not run"
if part e2e; then
    # Output in run.log alone. Sizes: E2E_ROWS, E2E_COLS (a rehearsal under simcuda: E2E_ROWS=20000 E2E_COLS=16).
    section "file to model (${E2E_ROWS:-10000000} x ${E2E_COLS:-128} float32 .npy: e2e.sh, issue 18 item 4)"
    e2e_start=$(date +%s)
    timeout -k 10 "$(left "${E2E_TIMEOUT:-150}")" bash "$here/e2e.sh" "$here"
    e2e_rc=$?
    echo "file-to-model section: exit status $e2e_rc, $(( $(date +%s) - e2e_start )) s"
fi

softmax_rc="not run"
if part softmax; then
    # Output in run.log alone: the device call brings back at most 8 files, and run-shapes.sh writes the rest.
    section "multinomial GPU benchmark (fused softmax pass, 10,000,000 x 128, K = 10)"
    timeout -k 10 "$(left "${SOFTMAX_TIMEOUT:-90}")" "$java" -Xmx16g -cp "$cp" dev.logreg.bench.gpu.GpuSoftmaxBenchmark \
        --script "$here/torch_softmax.py" --work "${TMPDIR:-/tmp}/logreg-gpu-softmax-bench" ${SOFTMAX_ARGS:-}
    softmax_rc=$?
fi

sparse_rc="not run"
if part sparse; then
    # Output in run.log alone (the device call brings back at most 8 files). SPARSE_TORCH_DEVICE=cpu runs the PyTorch
    # script on the CPU (a rehearsal under simcuda, where there is no GPU for it).
    section "sparse GPU benchmark (CSR 5,000,000 x 2^20, about 100 nonzeros a row, power-law columns)"
    timeout -k 10 "$(left "${SPARSE_TIMEOUT:-240}")" "$java" -Xmx24g -cp "$cp" dev.logreg.bench.gpu.GpuSparseBenchmark \
        --script "$here/torch_sparse.py" --torch-device "${SPARSE_TORCH_DEVICE:-cuda}" --work "${TMPDIR:-/tmp}/logreg-gpu-sparse-bench" \
        ${SPARSE_ARGS:-}
    sparse_rc=$?
fi

ncu_bin=$(command -v ncu || ls /usr/local/cuda*/bin/ncu 2> /dev/null | head -n 1 || true)
part ncu && section "profile (ncu, where the device has it and allows counters)"
if ! part ncu; then
    :
elif [ -n "$ncu_bin" ]; then
    # The passes alone on 2,000,000 x 128: memory throughput, occupancy and warp stalls of the fused kernels (plain
    # and prefetching) beside the read-only ceiling. A refusal (no counter permission) is printed, not fatal.
    timeout -k 10 "$(left "${NCU_TIMEOUT:-60}")" "$ncu_bin" --target-processes all --kernel-name regex:'logreg_(fused_v1|read_sum)' \
        --launch-count 16 --section SpeedOfLight --section Occupancy --section WarpStateStats --section MemoryWorkloadAnalysis \
        "$java" -Xmx8g -cp "$cp" dev.logreg.bench.gpu.GpuBenchmark --rows 2000000 --reps 1 --no-torch --no-training > "$out/ncu.txt" 2>&1
    echo "ncu exit status $? (report in ncu.txt)"
else
    echo "no ncu on this machine: no profile"
fi

if part wide; then
    section "wide-n path (1,000,000 x 1,000: a block of threads a row)"
    timeout -k 10 "$(left "${WIDE_TIMEOUT:-50}")" "$java" -Xmx16g -cp "$cp" dev.logreg.bench.gpu.GpuBenchmark --rows 1000000 --cols 1000 \
        --reps 10 --no-torch --no-training 2>&1 | tee "$out/benchmark-wide.txt"
    echo "wide benchmark exit status ${PIPESTATUS[0]}"
    # Issue #18 item 3: the fused pass against the read-only ceiling at each width (X about WIDE_GB GB each), one JVM
    # and one time limit a width (WIDTH_TIMEOUT), so that a hang at one width leaves the others' lines.
    section "fused pass across widths (GpuWideBenchmark, X about ${WIDE_GB:-4.5} GB a width)"
    for n in ${WIDE_WIDTHS:-257 384 512 1000 2047 3000 4096 8192 16384}; do
        timeout -k 10 "$(left "${WIDTH_TIMEOUT:-40}")" "$java" -Xmx12g -cp "$cp" dev.logreg.bench.gpu.GpuWideBenchmark --widths "$n" \
            --gb "${WIDE_GB:-4.5}" --reps 10 2>&1 | tee -a "$out/benchmark-wide.txt"
        echo "width $n: exit status ${PIPESTATUS[0]}"
    done
fi

if [ -n "$cublas13_env" ] && part cublas; then
    section "cuBLAS with libJCublas2 retargeted to libcublas.so.13 (a test, not a product fix)"
    (
        export LD_LIBRARY_PATH="$cublas13_env${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
        timeout -k 10 "$(left "${CUBLAS_TIMEOUT:-30}")" "$java" -Xmx8g -Djava.library.path="$here/cublas13" -Dlogreg.test.requireGpu=true \
            -jar "$here/junit-platform-console-standalone.jar" execute --class-path "$cp" \
            --select-method dev.logreg.gpu.CudaBackendGpuTest#pathsAgreeWithEachOther --details tree --disable-banner \
            --disable-ansi-colors
        echo "cuBLAS test exit status $?"
        timeout -k 10 "$(left "${CUBLAS_TIMEOUT:-30}")" "$java" -Xmx16g -Djava.library.path="$here/cublas13" -cp "$cp" \
            dev.logreg.bench.gpu.GpuBenchmark --rows 5000000 --reps 10 --no-torch --no-training
        echo "cuBLAS benchmark exit status $?"
    ) > "$out/cublas.txt" 2>&1
    grep -E "cuBLAS|exit status|tests (successful|failed)" "$out/cublas.txt" | head -n 20
fi

section summary
if [ -d "$out/junit" ]; then
    tar -czf "$out/junit-reports.tar.gz" -C "$out" junit && rm -rf "$out/junit"
fi
echo "tests exit status $tests_rc, benchmark exit status $bench_rc, streamed benchmark exit status $stream_rc, file-to-model exit status $e2e_rc, multinomial benchmark exit status $softmax_rc, sparse benchmark exit status $sparse_rc (124: stopped by its time limit); files in $out:"
ls -la "$out"
exit "$tests_rc"
RUN
chmod +x .gpu/run.sh

echo "== bundle"
du -sh .gpu/jre .gpu/lib .gpu/*.jar .gpu/cublas13 2> /dev/null || true
size=$(du -sm --apparent-size .gpu | cut -f1)
tracked=$(git ls-files -z | xargs -0 stat -c %s | awk '{s += $1} END {print int(s / 1048576) + 1}')
echo ".gpu: $size MiB; with the tracked tree ($tracked MiB), what a device call carries: $((size + tracked)) MiB of 64"
[ $((size + tracked)) -le 63 ] || { echo "bundle and tree are $((size + tracked)) MiB, over the device tool's 64 MiB (both rounded up)" >&2; exit 1; }
