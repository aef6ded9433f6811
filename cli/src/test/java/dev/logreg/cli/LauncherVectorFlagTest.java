package dev.logreg.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The launcher ({@code ./logreg}) adds {@code --add-modules jdk.incubator.vector} (the SIMD kernel) for a {@code train}
 * on large dense data only, as measured in benchmarks/cpu/run-vector-threshold.sh. The real script runs here against
 * a stand-in {@code java} ({@link FakeLauncher}), on sparse files of the sizes that matter, which take no disk.
 */
class LauncherVectorFlagTest {
    @TempDir
    Path root;
    private FakeLauncher launcher;

    @BeforeEach
    void layOut() throws IOException {
        launcher = new FakeLauncher(root);
    }

    private List<String> jvmArgs(Map<String, String> env, String... args) throws Exception {
        return launcher.jvmArgs(env, args);
    }

    private Path sparseFile(String name, long bytes) throws IOException {
        return launcher.sparseFile(name, new byte[0], bytes);
    }

    private static boolean vector(List<String> jvm) {
        int i = jvm.indexOf("--add-modules");
        return i >= 0 && i + 1 < jvm.size() && jvm.get(i + 1).equals("jdk.incubator.vector");
    }

    @Test
    void theSimdKernelOnlyForATrainOnLargeDenseData() throws Exception {
        assumeTrue(Files.readString(Path.of("/proc/cpuinfo")).contains(" avx2"), "the machine has AVX2");
        String big = sparseFile("big.npy", 2_100_000_000L).toString();
        String small = sparseFile("small.npy", 1_000_000_000L).toString();
        String bigCsv = sparseFile("big.csv", 5_000_000_000L).toString();
        String smallCsv = sparseFile("small.csv", 4_000_000_000L).toString();
        String libsvm = sparseFile("big.svm", 9_000_000_000L).toString();
        Map<String, String> none = Map.of();
        assertTrue(vector(jvmArgs(none, "train", "--data", big, "--labels", "y.npy")), "2.1 GB .npy");
        assertTrue(vector(jvmArgs(none, "train", "--data=" + big)), "--data=FILE");
        assertTrue(vector(jvmArgs(none, "train", "--data", bigCsv, "--label", "y")), "a 5 GB CSV holds about 2.1 GB of floats");
        assertFalse(vector(jvmArgs(none, "train", "--data", small)), "1 GB .npy: C2 compiling the kernel costs more than it saves");
        assertFalse(vector(jvmArgs(none, "train", "--data", smallCsv)), "a 4 GB CSV holds about 1.7 GB of floats");
        assertFalse(vector(jvmArgs(none, "train", "--data", libsvm)), "LIBSVM rows are sparse");
        assertFalse(vector(jvmArgs(none, "predict", "--model", "m.json", "--data", big)), "one pass: nothing to earn back");
        assertFalse(vector(jvmArgs(Map.of("LOGREG_VECTOR", "0"), "train", "--data", big)), "LOGREG_VECTOR=0");
        assertTrue(vector(jvmArgs(Map.of("LOGREG_VECTOR", "1"), "train", "--data", small)), "LOGREG_VECTOR=1");
        assertTrue(vector(jvmArgs(Map.of("LOGREG_VECTOR_MIN_MB", "500"), "train", "--data", small)), "a lower threshold");
        assertFalse(vector(jvmArgs(Map.of("LOGREG_JVM_FLAGS", ""), "train", "--data", big)), "LOGREG_JVM_FLAGS replaces every flag");
        List<String> once = jvmArgs(Map.of("LOGREG_JAVA_OPTS", "--add-modules jdk.incubator.vector"), "train", "--data", big);
        assertEquals(1, once.stream().filter("jdk.incubator.vector"::equals).count(), "added once where the user adds it: " + once);
        // A runtime without the module (a jlink image): never added, or the JVM would not start.
        Files.writeString(root.resolve("jdk/release"), "MODULES=\"java.base\"\n");
        assertFalse(vector(jvmArgs(none, "train", "--data", big)), "runtime without jdk.incubator.vector");
    }
}
