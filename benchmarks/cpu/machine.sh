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
