package dev.logreg.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The launcher sizes the JVM's memory limits for the memory the process may use (RAM, or its cgroup's limit where
 * lower; {@code LOGREG_MEMORY_MB} sets it) and, for a {@code train} or {@code evaluate}, the heap for the rows of its
 * data file: the training metrics keep about 30 bytes a row on the heap, so a file of many short rows failed with
 * "out of memory" under the JVM's default heap (a quarter of memory) in a container. Run against a stand-in
 * {@code java} ({@link FakeLauncher}) on sparse files with real headers.
 */
class LauncherMemoryFlagsTest {
    private static final long MIB = 1L << 20;

    @TempDir
    Path root;
    private FakeLauncher launcher;

    @BeforeEach
    void layOut() throws IOException {
        launcher = new FakeLauncher(root);
    }

    /** A float .npy of rows x cols ({@code descr} '<f4' or '<f8') whose rows take no disk. */
    private String npy(String name, String descr, long rows, int cols) throws IOException {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        StringBuilder header = new StringBuilder(dict);
        while ((10 + header.length() + 1) % 64 != 0) header.append(' ');
        header.append('\n');
        byte[] h = header.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] head = new byte[10 + h.length];
        head[0] = (byte) 0x93;
        System.arraycopy("NUMPY".getBytes(StandardCharsets.US_ASCII), 0, head, 1, 5);
        head[6] = 1;
        head[8] = (byte) h.length;
        head[9] = (byte) (h.length >> 8);
        System.arraycopy(h, 0, head, 10, h.length);
        int width = descr.endsWith("8") ? 8 : 4;
        return launcher.sparseFile(name, head, head.length + rows * cols * width).toString();
    }

    /** A CSV of {@code bytes} whose first MiB is rows of "0.5,0.25,1" (11 bytes a line); the rest takes no disk. */
    private String csv(String name, long bytes) throws IOException {
        byte[] line = "0.5,0.25,1\n".getBytes(StandardCharsets.US_ASCII);
        byte[] head = new byte[(int) (MIB / line.length * line.length)];
        for (int i = 0; i < head.length; i += line.length) System.arraycopy(line, 0, head, i, line.length);
        return launcher.sparseFile(name, head, bytes).toString();
    }

    /** The MiB of the last {@code flag} in {@code jvm} ("-Xmx300m", "-XX:MaxDirectMemorySize=384m"), if any. */
    private static OptionalLong mib(List<String> jvm, String flag) {
        OptionalLong v = OptionalLong.empty();
        for (String a : jvm) {
            if (!a.startsWith(flag)) continue;
            String s = a.substring(flag.length()).toLowerCase();
            long unit = s.endsWith("g") ? 1024 : s.endsWith("m") ? 1 : -1;
            assertTrue(unit > 0, "a size in m or g: " + a);
            v = OptionalLong.of(Long.parseLong(s.substring(0, s.length() - 1)) * unit);
        }
        return v;
    }

    private List<String> run(long memoryMib, String... args) throws Exception {
        return launcher.jvmArgs(Map.of("LOGREG_MEMORY_MB", Long.toString(memoryMib)), args);
    }

    /** The heap the rule asks for: 64 MiB and 40 bytes a row. */
    private static long wanted(long rows) {
        return 64 + rows * 40 / MIB;
    }

    @Test
    void theHeapOfATrainOrEvaluateIsSizedFromTheRowsOfItsData() throws Exception {
        long rows = 10_000_000;
        String tall = npy("tall.npy", "<f4", rows, 8);
        List<String> train = run(1024, "train", "--data", tall, "--labels", "y.npy");
        assertEquals(OptionalLong.of(768), mib(train, "-XX:MaxDirectMemorySize="), "direct memory: 3/4 of the memory");
        assertEquals(OptionalLong.of(wanted(rows)), mib(train, "-Xmx"), "64 MiB + 40 bytes a row: " + train);
        assertEquals(OptionalLong.of(wanted(rows)), mib(run(1024, "evaluate", "--model", "m.json", "--data=" + tall), "-Xmx"));
        assertEquals(OptionalLong.empty(), mib(run(1024, "predict", "--model", "m.json", "--data", tall), "-Xmx"),
                "predict keeps no per-row arrays");
        assertEquals(OptionalLong.empty(), mib(run(8192, "train", "--data", tall), "-Xmx"),
                "the default heap, a quarter of 8 GiB, holds the metrics of 10,000,000 rows");
        assertEquals(OptionalLong.empty(), mib(run(1024, "train", "--data", npy("short.npy", "<f4", 1_000_000, 8)), "-Xmx"));
        assertEquals(OptionalLong.of(384), mib(run(512, "train", "--data", tall), "-Xmx"), "capped at 3/4 of the memory");
    }

    @Test
    void rowsCopiedIntoDirectMemoryLeaveTheirShareOutOfTheHeap() throws Exception {
        long rows = 10_000_000;
        // float64 rows are converted into float32 direct memory: 10,000,000 x 8 x 4 bytes = 305 MiB.
        String wide = npy("f8.npy", "<f8", rows, 8);
        assertEquals(OptionalLong.of(900 * 3 / 4 - 305), mib(run(900, "train", "--data", wide), "-Xmx"));
        // A CSV's rows: its size over the mean line of its first MiB; its direct memory: half its size.
        long bytes = 200 * MIB;
        List<String> jvm = run(2048, "train", "--data", csv("rows.csv", bytes), "--label", "y");
        long heap = mib(jvm, "-Xmx").orElseThrow();
        long expected = wanted(bytes / 11);
        assertTrue(Math.abs(heap - expected) <= expected / 100, "heap " + heap + " MiB, about " + expected + ": " + jvm);
        // A CSV that leaves less than the default heap beside its rows: the default.
        assertEquals(OptionalLong.empty(), mib(run(512, "train", "--data", csv("big.csv", 600 * MIB)), "-Xmx"));
    }

    @Test
    void theUsersOwnHeapSettingWins() throws Exception {
        String tall = npy("tall.npy", "<f4", 10_000_000, 8);
        for (String opts : List.of("-Xmx2g", "-XX:MaxRAMPercentage=50")) {
            List<String> jvm = launcher.jvmArgs(Map.of("LOGREG_MEMORY_MB", "1024", "LOGREG_JAVA_OPTS", opts), "train", "--data", tall);
            assertEquals(List.of(opts.startsWith("-Xmx") ? "-Xmx2g" : ""), jvm.stream()
                    .filter(a -> a.startsWith("-Xmx")).findFirst().map(List::of).orElse(List.of("")), opts + ": " + jvm);
        }
        assertEquals(OptionalLong.empty(), mib(launcher.jvmArgs(Map.of("LOGREG_JVM_FLAGS", ""), "train", "--data", tall), "-Xmx"),
                "LOGREG_JVM_FLAGS replaces every flag");
    }

    /**
     * A cgroup's memory limit, not the host's RAM, sizes the limits: the JVM in a container gets a quarter of the
     * container's memory as its default heap, and direct memory sized from the host's RAM would let copied rows
     * grow past the container's limit, where the kernel kills the process instead of the JVM saying what is short.
     * Needs root and a writable memory controller (cgroup v1, or v2 with memory delegated); skipped elsewhere.
     */
    @Test
    void aCgroupsMemoryLimitSizesTheLimits() throws Exception {
        Path group = makeCgroup("logreg-launcher-test-" + ProcessHandle.current().pid(), 512 * MIB);
        try {
            String tall = npy("tall.npy", "<f4", 6_000_000, 10);
            List<String> moveThenRun = List.of("sh", "-c", "echo $$ > '" + group.resolve("cgroup.procs") + "' && exec \"$@\"", "sh");
            List<String> jvm = launcher.jvmArgs(moveThenRun, Map.of(), "train", "--data", tall);
            assertEquals(OptionalLong.of(384), mib(jvm, "-XX:MaxDirectMemorySize="), "3/4 of the cgroup's 512 MiB: " + jvm);
            assertEquals(OptionalLong.of(wanted(6_000_000)), mib(jvm, "-Xmx"), jvm.toString());
        } finally {
            Files.deleteIfExists(group);
        }
    }

    /** A new memory cgroup limited to {@code bytes} (v1, else v2), or the test skipped where none can be made. */
    private static Path makeCgroup(String name, long bytes) {
        for (String[] kind : new String[][] {{"/sys/fs/cgroup/memory", "memory.limit_in_bytes"}, {"/sys/fs/cgroup", "memory.max"}}) {
            Path parent = Path.of(kind[0]);
            if (!Files.isWritable(parent) || (kind[1].equals("memory.max") && !controllersHaveMemory(parent))) continue;
            Path group = parent.resolve(name);
            try {
                Files.createDirectory(group);
                Files.writeString(group.resolve(kind[1]), Long.toString(bytes));
                return group;
            } catch (IOException | RuntimeException e) {
                try {
                    Files.deleteIfExists(group);
                } catch (IOException ignored) {
                    // Nothing was made, or it cannot be removed either: the skip below says why.
                }
            }
        }
        assumeTrue(false, "no memory cgroup can be made here (needs root)");
        throw new AssertionError("unreachable");
    }

    private static boolean controllersHaveMemory(Path v2) {
        try {
            return Arrays.asList(Files.readString(v2.resolve("cgroup.subtree_control")).trim().split(" ")).contains("memory");
        } catch (IOException e) {
            return false;
        }
    }
}
