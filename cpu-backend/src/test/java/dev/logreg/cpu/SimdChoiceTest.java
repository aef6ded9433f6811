package dev.logreg.cpu;

import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.testing.MulticlassData;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Which dense terms run the SIMD kernels ({@link SimdChoice}): by their size, binary and multinomial apart, and a
 * term below its threshold runs the scalar kernel exactly (the same bits as a {@link Nd4jBackend.Pass#FUSED_SCALAR}
 * backend), one above it the SIMD kernel exactly (the same bits as a backend that runs it for every term).
 */
class SimdChoiceTest {
    @Test
    void binaryTermsByTheirFeatureBytesAndMultinomialOnesTimesTheirClasses() {
        SimdChoice c = SimdChoice.of("2000", "400", "10000");
        assertEquals(2_000_000_000L, c.binaryBytes());
        assertEquals(400_000_000L, c.classBytes());
        assertFalse(c.simd(4_999_999, 100, 1, 1), "just under 2,000 MB of binary features");
        assertTrue(c.simd(5_000_000, 100, 1, 1), "2,000 MB");
        assertFalse(c.simd(99_999, 100, 10, 1), "K = 10 over 40 MB less a row: just under 400 MB x classes");
        assertTrue(c.simd(100_000, 100, 10, 1), "K = 10 over 40 MB");
        assertFalse(c.simd(100_000, 100, 3, 1), "K = 3 over 40 MB");
        assertTrue(c.simd(3_000_000_000L, 100, 1, 1), "rows past 2^31 do not overflow the product");
        assertFalse(c.simd(1_000_000, 100, 1, 4), "400 MB, 4 fits: 1,600 MB");
        assertTrue(c.simd(1_000_000, 100, 1, 5), "400 MB, 5 fits: 2,000 MB");
        assertTrue(c.simd(100_000, 100, 3, 4), "K = 3 over 40 MB, 4 fits");
        assertTrue(SimdChoice.ALWAYS.simd(1, 1, 1, 1) && SimdChoice.ALWAYS.simd(1, 1, 3, 1));
        assertFalse(c.earned(9_999_999_999L), "just under 10,000 MB of scalar passes");
        assertTrue(c.earned(10_000_000_000L));
        assertFalse(SimdChoice.of("1", "1", null).earned(Long.MAX_VALUE - 1), "no third property: never by the passes made");
        assertEquals(SimdChoice.ALWAYS, SimdChoice.of(null, null, null), "no properties: every term");
        assertEquals("", SimdChoice.ALWAYS.describe());
        assertEquals(", from 2000 MB of features (multinomial: 400 MB x classes) or after 10000 MB of scalar passes, else scalar", c.describe());
        assertEquals(", from 1 MB of features (multinomial: 1 MB x classes), else scalar", SimdChoice.of("1", "1", null).describe());
        assertEquals(new SimdChoice(0, 7_000_000L, 0), SimdChoice.of(" 0 ", "7", "0"));
    }

    @Test
    void aBadThresholdIsRefusedNamingItsProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SimdChoice.of("lots", null, null));
        assertEquals("logreg.cpu.simdMinMB is 'lots', expected whole megabytes >= 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SimdChoice.of("1", "-1", null));
        assertEquals("logreg.cpu.simdMinClassMB is '-1', expected whole megabytes >= 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SimdChoice.of(String.valueOf(Long.MAX_VALUE), "1", null));
        assertTrue(e.getMessage().startsWith("logreg.cpu.simdMinMB is '"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SimdChoice.of("1", "1", "1e4"));
        assertEquals("logreg.cpu.simdAfterMB is '1e4', expected whole megabytes >= 0", e.getMessage());
    }

    @Test
    void aTermBelowItsThresholdRunsTheScalarKernelAndOneAboveItTheSimdKernelBitForBit() {
        assumeTrue(Nd4jSupport.vectorApiAvailable(), "this JVM has jdk.incubator.vector (the module's surefire argLine)");
        Dataset binary = Fixtures.random(20_011, 23, true, new SplittableRandom(5));  // 1.84 MB of features
        Dataset multinomial = MulticlassData.generate(20_011, 23, 5, true, 6);       // 1.84 MB x 5 classes = 9.2 MB
        double[] pb = Fixtures.params(binary, new SplittableRandom(7));
        double[] pm = Nd4jSoftmaxTermTest.randomParams(dev.logreg.backend.ParamShape.of(multinomial, Loss.multinomial()), 8);
        // 2 MB for binary terms, 9 MB x classes for multinomial ones: the multinomial term reaches its threshold, the
        // binary one does not.
        SimdChoice split = new SimdChoice(2_000_000L, 9_000_000L, Long.MAX_VALUE);
        BackendOptions two = BackendOptions.DEFAULT.withThreads(2);
        int chunk = Dataset.DEFAULT_BLOCK_CAPACITY;
        try (Nd4jBackend chosen = new Nd4jBackend(two, Nd4jBackend.Pass.FUSED, chunk, true, split);
             Nd4jBackend scalar = new Nd4jBackend(two, Nd4jBackend.Pass.FUSED_SCALAR);
             Nd4jBackend simd = new Nd4jBackend(two, Nd4jBackend.Pass.FUSED, chunk, true, SimdChoice.ALWAYS)) {
            assertTrue(chosen.description().endsWith("fused pass (Vector API, from 2 MB of features (multinomial: 9 MB x classes), else scalar)"),
                    chosen.description());
            Nd4jDataTerm b = (Nd4jDataTerm) chosen.bind(binary, Loss.log());
            assertTrue(chosen.description().endsWith("fused pass (Vector API, from 2 MB of features (multinomial: 9 MB x classes), else scalar)"),
                    "no SIMD term yet: no lane count, " + chosen.description());
            Nd4jDataTerm m = (Nd4jDataTerm) chosen.bind(multinomial, Loss.multinomial());
            assertTrue(chosen.description().endsWith("fused pass (Vector API, " + VectorKernel.lanes()
                    + " lanes, from 2 MB of features (multinomial: 9 MB x classes), else scalar)"), chosen.description());
            assertFalse(b.vectorized(), "1.84 MB of binary features: under 2 MB");
            try (Nd4jBackend twoFits = new Nd4jBackend(two.withExpectedFits(2), Nd4jBackend.Pass.FUSED, chunk, true, split)) {
                assertTrue(((Nd4jDataTerm) twoFits.bind(binary, Loss.log())).vectorized(), "1.84 MB x 2 fits expected: over 2 MB");
            }
            assertTrue(m.vectorized(), "9.2 MB x classes: over 9 MB");
            DataTerm bs = scalar.bind(binary, Loss.log());
            DataTerm ms = simd.bind(multinomial, Loss.multinomial());
            assertArrayEquals(Fixtures.evaluate(bs, 0, binary.rows(), pb), Fixtures.evaluate(b, 0, binary.rows(), pb),
                    "the binary term: the scalar kernel's bits");
            assertArrayEquals(evaluate(ms, pm), evaluate(m, pm), "the multinomial term: the SIMD kernel's bits");
            // And the kernels differ in their last bits here, so the two comparisons above tell them apart.
            DataTerm bv = simd.bind(binary, Loss.log());
            DataTerm mv = scalar.bind(multinomial, Loss.multinomial());
            assertFalse(java.util.Arrays.equals(Fixtures.evaluate(bv, 0, binary.rows(), pb), Fixtures.evaluate(b, 0, binary.rows(), pb)));
            assertFalse(java.util.Arrays.equals(evaluate(mv, pm), evaluate(m, pm)));
        }
    }

    /**
     * A term below its threshold runs scalar passes until the backend's scalar passes (of every term) have read the
     * third threshold's bytes, then SIMD ones: a second term over the same rows, bound after the switch, runs SIMD
     * from its first pass; each pass's bits are those of its kernel.
     */
    @Test
    void termsSwitchToTheSimdKernelsOnceTheBackendsScalarPassesEarnedThem() {
        assumeTrue(Nd4jSupport.vectorApiAvailable(), "this JVM has jdk.incubator.vector (the module's surefire argLine)");
        Dataset data = Fixtures.random(20_011, 23, true, new SplittableRandom(9));  // 1,840,012 bytes of features
        double[] p = Fixtures.params(data, new SplittableRandom(10));
        long pass = 4L * 20_011 * 23;
        // Never by size; after two full passes and one of half the rows (10,005 rows are 46 bytes short of that).
        SimdChoice afterTwoAndAHalf = new SimdChoice(Long.MAX_VALUE, Long.MAX_VALUE, 2 * pass + pass / 2);
        BackendOptions two = BackendOptions.DEFAULT.withThreads(2);
        try (Nd4jBackend switching = new Nd4jBackend(two, Nd4jBackend.Pass.FUSED, Dataset.DEFAULT_BLOCK_CAPACITY, true, afterTwoAndAHalf);
             Nd4jBackend scalar = new Nd4jBackend(two, Nd4jBackend.Pass.FUSED_SCALAR);
             Nd4jBackend simd = new Nd4jBackend(two, Nd4jBackend.Pass.FUSED, Dataset.DEFAULT_BLOCK_CAPACITY, true, SimdChoice.ALWAYS)) {
            double[] scalarBits = Fixtures.evaluate(scalar.bind(data, Loss.log()), 0, data.rows(), p);
            double[] simdBits = Fixtures.evaluate(simd.bind(data, Loss.log()), 0, data.rows(), p);
            assertFalse(java.util.Arrays.equals(scalarBits, simdBits), "the two kernels differ in their last bits here");
            Nd4jDataTerm t = (Nd4jDataTerm) switching.bind(data, Loss.log());
            assertFalse(t.vectorized());
            assertArrayEquals(scalarBits, Fixtures.evaluate(t, 0, data.rows(), p), "pass 1: scalar");
            assertArrayEquals(scalarBits, Fixtures.evaluate(t, 0, data.rows(), p), "pass 2: scalar");
            t.value(0, data.rows() / 2, p);
            t.value(0, data.rows() / 2, p);
            assertFalse(t.vectorized(), "2.5 passes' work less a few rows, then past it: the switch comes with the next pass");
            assertArrayEquals(simdBits, Fixtures.evaluate(t, 0, data.rows(), p), "the next pass: the SIMD kernel's bits");
            assertTrue(t.vectorized());
            Nd4jDataTerm again = (Nd4jDataTerm) switching.bind(data, Loss.log());
            assertTrue(again.vectorized(), "a term bound after the switch: SIMD from its first pass");
            assertTrue(switching.description().contains(" lanes, from "), switching.description());
        }
        // The multinomial pass switches the same way, its scratch made when it first runs SIMD.
        Dataset k5 = MulticlassData.generate(20_011, 23, 5, true, 11);
        double[] pm = Nd4jSoftmaxTermTest.randomParams(dev.logreg.backend.ParamShape.of(k5, Loss.multinomial()), 12);
        SimdChoice afterOnePass = new SimdChoice(Long.MAX_VALUE, Long.MAX_VALUE, 5 * pass);
        try (Nd4jBackend switching = new Nd4jBackend(two, Nd4jBackend.Pass.FUSED, Dataset.DEFAULT_BLOCK_CAPACITY, true, afterOnePass);
             Nd4jBackend scalar = new Nd4jBackend(two, Nd4jBackend.Pass.FUSED_SCALAR);
             Nd4jBackend simd = new Nd4jBackend(two, Nd4jBackend.Pass.FUSED, Dataset.DEFAULT_BLOCK_CAPACITY, true, SimdChoice.ALWAYS)) {
            Nd4jDataTerm t = (Nd4jDataTerm) switching.bind(k5, Loss.multinomial());
            assertArrayEquals(evaluate(scalar.bind(k5, Loss.multinomial()), pm), evaluate(t, pm), "pass 1: scalar");
            assertArrayEquals(evaluate(simd.bind(k5, Loss.multinomial()), pm), evaluate(t, pm), "pass 2: SIMD");
            assertTrue(t.vectorized());
        }
    }

    /** The value and then the gradient over every row. */
    private static double[] evaluate(DataTerm term, double[] params) {
        double[] g = new double[params.length];
        double v = term.valueAndGradient(params, g);
        double[] out = new double[g.length + 1];
        out[0] = v;
        System.arraycopy(g, 0, out, 1, g.length);
        return out;
    }
}
