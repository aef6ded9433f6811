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
 * The launcher ({@code ./logreg}) adds {@code --add-modules jdk.incubator.vector} (the SIMD kernels) for a
 * {@code train} on dense data of at least 8 MB of features, with the two size thresholds from which the cpu backend
 * runs them ({@code -Dlogreg.cpu.simdMinMB}, {@code -Dlogreg.cpu.simdMinClassMB}, {@code -Dlogreg.cpu.simdAfterMB}), as measured in
 * benchmarks/cpu/run-vector-threshold.sh. The real script runs here against a stand-in {@code java}
 * ({@link FakeLauncher}), on sparse files of the sizes that matter, which take no disk.
 */
class LauncherVectorFlagTest {
    private static final List<String> DEFAULT_THRESHOLDS = List.of("-Dlogreg.cpu.simdMinMB=2000", "-Dlogreg.cpu.simdMinClassMB=400",
            "-Dlogreg.cpu.simdAfterMB=10000");

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

    /** The -Dlogreg.cpu.simd... flags among the JVM's arguments. */
    private static List<String> thresholds(List<String> jvm) {
        return jvm.stream().filter(a -> a.startsWith("-Dlogreg.cpu.simd")).toList();
    }

    @Test
    void theModuleForATrainOnDenseDataWithTheBackendsThresholds() throws Exception {
        assumeTrue(Files.readString(Path.of("/proc/cpuinfo")).contains(" avx2"), "the machine has AVX2");
        String big = sparseFile("big.npy", 2_100_000_000L).toString();
        String mid = sparseFile("mid.npy", 9_000_000L).toString();
        String tiny = sparseFile("tiny.npy", 7_900_000L).toString();
        String midCsv = sparseFile("mid.csv", 20_000_000L).toString();
        String tinyCsv = sparseFile("tiny.csv", 19_000_000L).toString();
        String libsvm = sparseFile("big.svm", 9_000_000_000L).toString();
        Map<String, String> none = Map.of();
        List<String> jvm = jvmArgs(none, "train", "--data", big, "--labels", "y.npy");
        assertTrue(vector(jvm), "2.1 GB .npy");
        assertEquals(DEFAULT_THRESHOLDS, thresholds(jvm), "the backend decides by the measured thresholds: " + jvm);
        assertTrue(vector(jvmArgs(none, "train", "--data=" + big)), "--data=FILE");
        jvm = jvmArgs(none, "train", "--data", mid);
        assertTrue(vector(jvm), "9 MB of features: a multinomial fit of 50 classes earns the SIMD kernel back");
        assertEquals(DEFAULT_THRESHOLDS, thresholds(jvm));
        assertTrue(vector(jvmArgs(none, "train", "--data", midCsv, "--label", "y")), "a 20 MB CSV holds about 8.3 MB of floats");
        assertFalse(vector(jvmArgs(none, "train", "--data", tiny)), "7.9 MB: nothing earns C2's compilation back");
        assertFalse(vector(jvmArgs(none, "train", "--data", tinyCsv)), "a 19 MB CSV holds about 7.9 MB of floats");
        assertFalse(vector(jvmArgs(none, "train", "--data", libsvm)), "LIBSVM rows are sparse");
        assertFalse(vector(jvmArgs(none, "predict", "--model", "m.json", "--data", big)), "one pass: nothing to earn back");
        assertFalse(vector(jvmArgs(Map.of("LOGREG_VECTOR", "0"), "train", "--data", big)), "LOGREG_VECTOR=0");
        jvm = jvmArgs(Map.of("LOGREG_VECTOR", "1"), "train", "--data", tiny);
        assertTrue(vector(jvm), "LOGREG_VECTOR=1");
        assertEquals(List.of(), thresholds(jvm), "LOGREG_VECTOR=1: the SIMD kernels for every term");
        jvm = jvmArgs(Map.of("LOGREG_VECTOR_MIN_MB", "500", "LOGREG_VECTOR_MIN_CLASS_MB", "0", "LOGREG_VECTOR_AFTER_MB", "7"), "train", "--data", mid);
        assertEquals(List.of("-Dlogreg.cpu.simdMinMB=500", "-Dlogreg.cpu.simdMinClassMB=0", "-Dlogreg.cpu.simdAfterMB=7"), thresholds(jvm),
                "other thresholds");
        assertFalse(vector(jvmArgs(Map.of("LOGREG_JVM_FLAGS", ""), "train", "--data", big)), "LOGREG_JVM_FLAGS replaces every flag");
        List<String> once = jvmArgs(Map.of("LOGREG_JAVA_OPTS", "--add-modules jdk.incubator.vector"), "train", "--data", big);
        assertEquals(1, once.stream().filter("jdk.incubator.vector"::equals).count(), "added once where the user adds it: " + once);
        assertEquals(List.of(), thresholds(once), "the user's own module: every term, as for an application");
        // A runtime without the module (a jlink image): never added, or the JVM would not start.
        Files.writeString(root.resolve("jdk/release"), "MODULES=\"java.base\"\n");
        jvm = jvmArgs(none, "train", "--data", big);
        assertFalse(vector(jvm), "runtime without jdk.incubator.vector");
        assertEquals(List.of(), thresholds(jvm));
    }

    @Test
    void aThresholdThatIsNotANumberIsRefusedByName() throws Exception {
        assumeTrue(Files.readString(Path.of("/proc/cpuinfo")).contains(" avx2"), "the machine has AVX2");
        String big = sparseFile("big.npy", 2_100_000_000L).toString();
        String out = launcher.failure(Map.of("LOGREG_VECTOR_MIN_CLASS_MB", "lots"), 2, "train", "--data", big);
        assertEquals("logreg: LOGREG_VECTOR_MIN_CLASS_MB is 'lots', expected whole megabytes (a number >= 0)\n", out);
    }
}
