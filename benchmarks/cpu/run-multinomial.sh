#!/usr/bin/env bash
# Issue 16's CPU benchmark in one command: seeded 1,000,000 x 100 float32 rows with K = 10 classes, L2 lambda = 1
# (J = (1/m) sum loss + (lambda/2m) ||W||^2, intercepts free; scikit-learn's C = 1/lambda is the same objective):
#   - the CPU backend's fused multinomial value+gradient beside a read-only pass over the same bytes (the ceiling);
#   - logreg's time (L-BFGS, cpu backend) to J <= J*(1 + 1e-6), J* the final objective of that tight run;
#   - scikit-learn's lbfgs multinomial on the same bytes (as float64) to the same target, in the same run;
#     the goal is logreg <= 0.5x scikit-learn's time.
# Builds what it needs (api, cpu-backend with Maven; the benchmark with javac), runs it and appends the raw output,
# with the machine's description and load, to benchmarks/results/cpu/multinomial-<date>.txt. Arguments go to
# MultinomialBenchmark (--rows R --cols N --classes K --lambda L --seed S --reps N). HEAP (default 6g) sizes the JVM.
# Needs python3 with scikit-learn: on Debian/Ubuntu `apt-get install -y python3-sklearn` (or `pip install scikit-learn`);
# PYTHON picks the interpreter (default: the first of python3, /usr/bin/python3 that imports sklearn).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=benchmarks/cpu/machine.sh
source benchmarks/cpu/machine.sh
python="${PYTHON-}"
if [ -z "$python" ]; then
  for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null && "$p" -c 'import sklearn' 2>/dev/null; then python="$p"; break; fi
  done
fi
if [ -z "$python" ] || ! "$python" -c 'import sklearn' 2>/dev/null; then
  echo "run-multinomial.sh: scikit-learn is not installed for python3: install it with 'apt-get install -y python3-sklearn'" \
       "(Debian/Ubuntu) or 'pip install scikit-learn', or set PYTHON to an interpreter that has it" >&2
  exit 2
fi
rows=1000000 cols=100 classes=10 lambda=1.0
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --rows) rows="${args[i+1]}" ;; --cols) cols="${args[i+1]}" ;;
    --classes) classes="${args[i+1]}" ;; --lambda) lambda="${args[i+1]}" ;;
  esac
done
out="benchmarks/target/cpu-multinomial"
mkdir -p "$out/classes" benchmarks/results/cpu
mvn -B -q ${MVN_FLAGS--o} install -pl api,cpu-backend -am -DskipTests
# logreg's classes are copied, so that another build installing them meanwhile cannot swap a jar under the JVM.
rm -rf "$out/logreg" && mkdir -p "$out/logreg"
cp -r api/target/classes "$out/logreg/api"
cp -r cpu-backend/target/classes "$out/logreg/cpu"
mvn -B -q ${MVN_FLAGS--o} -pl cpu-backend dependency:build-classpath -DincludeScope=runtime \
  -DexcludeGroupIds=dev.logreg -Dmdep.outputFile="$root/$out/classpath.txt"
cp="$root/$out/logreg/cpu:$root/$out/logreg/api:$(cat "$out/classpath.txt")"
javac -nowarn -d "$out/classes" -cp "$cp" benchmarks/src/main/java/dev/logreg/bench/cpu/BandwidthBenchmark.java \
  benchmarks/src/main/java/dev/logreg/bench/cpu/MultinomialBenchmark.java
result="${RESULT-benchmarks/results/cpu/multinomial-$(date -u +%Y-%m-%d).txt}"
{
  echo "# benchmarks/cpu/run-multinomial.sh $*  ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
  describe_machine
  echo "#   python: $("$python" --version 2>&1); numpy's BLAS: $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo '?')"
  # The Vector API module switches the CPU backend to its SIMD kernels (SoftmaxVectorKernel); without it, scalar.
  java -Xmx${HEAP-6g} --add-modules jdk.incubator.vector -cp "$out/classes:$cp" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    dev.logreg.bench.cpu.MultinomialBenchmark --out "$out" "$@"
  echo "# load average between the two: $(cut -d' ' -f1-3 /proc/loadavg)"
  "$python" benchmarks/cpu/multinomial_sklearn.py "$out" "$rows" "$cols" "$classes" "$lambda"
} 2>&1 | tee -a "$result"
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$result"
echo "saved $result"
