# Sourced by the benchmarks/cpu/run-*.sh scripts: the machine description every raw result file starts with.
# The machine is shared, so the load average goes in too: wall times are inflated when it is busy.

# describe_machine: prints "# machine:" and indented "#   ..." lines (CPU, cores, kernel, huge pages, memory, java,
# load average at start).
describe_machine() {
  echo "# machine:"
  lscpu | grep -E '^(Architecture|Model name|CPU\(s\)|Thread|Core|Socket|CPU max MHz|L1d|L2|L3|NUMA node\(s\)|Flags)' \
    | sed 's/^Flags:.*avx512f.*/Flags: (avx2, fma, avx512f ...)/' | sed 's/^/#   /'
  echo "#   nproc: $(nproc); kernel $(uname -r); transparent huge pages: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo '?')"
  free -h | sed 's/^/#   /'
  echo "#   java: $(java -version 2>&1 | head -1)"
  echo "#   load average at start (the machine is shared; wall times are inflated when it is busy): $(cut -d" " -f1-3 /proc/loadavg)"
}

# build_cpu_benchmarks OUT: builds api and cpu-backend with Maven (MVN_FLAGS, default -o), copies their classes to
# OUT/logreg (so that another build installing meanwhile, on this shared machine, cannot swap them) and compiles the
# CPU benchmark classes into OUT/classes; sets deps (the runtime class path of cpu-backend's dependencies) and cp
# (logreg's copied classes, then deps). Run from the repository's root.
build_cpu_benchmarks() {
  local dir="$1"
  mkdir -p "$dir/classes" benchmarks/results/cpu
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_FLAGS--o} install -pl api,cpu-backend -Dmaven.test.skip=true
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_FLAGS--o} -pl cpu-backend dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$PWD/$dir/classpath.txt"
  rm -rf "$dir/logreg" && mkdir -p "$dir/logreg"
  cp -r api/target/classes "$dir/logreg/api"
  cp -r cpu-backend/target/classes "$dir/logreg/cpu"
  deps="$(cat "$dir/classpath.txt")"
  cp="$PWD/$dir/logreg/cpu:$PWD/$dir/logreg/api:$deps"
  javac -nowarn -d "$dir/classes" -cp "$cp" benchmarks/src/main/java/dev/logreg/bench/cpu/*.java
}
