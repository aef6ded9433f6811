package dev.logreg.cpu;

import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.RowPermutation;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.testing.BundledData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static dev.logreg.cpu.Fixtures.assertGradient;
import static dev.logreg.cpu.Fixtures.assertRelative;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both passes of {@link Nd4jBackend} against {@link ReferenceBackend}: values, gradients, margins and the Hessian on
 * the bundled breast-cancer data (raw scales) and on seeded random data whose row count is no multiple of any
 * block, tile or segment size, for both losses, with and without weights, in stored and permuted order, over the
 * full range and ranges at the start, in the middle and at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Nd4jBackendAgreementTest {
    private static final long PERMUTATION_SEED = 20240611L;
    private Map<String, Dataset> datasets;
    private Nd4jBackend fused;
    private Nd4jBackend scalar;
    private Nd4jBackend gemv;
    private Nd4jBackend chunked;

    @BeforeAll
    void setUp() {
        Dataset breast = BundledData.breastCancer();
        SplittableRandom rnd = new SplittableRandom(7);
        // 20011 rows x 37: a prime row count, several segments, tiles of 108 rows and ND4J blocks of 431 rows.
        datasets = Map.of(
                "breast", breast,
                "breast-weighted", withRandomWeights(breast, new SplittableRandom(11)),
                "random", Fixtures.random(20011, 37, false, rnd),
                "random-weighted", Fixtures.random(20011, 37, true, rnd),
                // 2003 x 200: past SmallDenseHessian's bound (rows·(n+1)² > 2^26), so the Hessian takes ND4J's gemm.
                "wide-weighted", Fixtures.random(2003, 200, true, rnd));
        fused = new Nd4jBackend(BackendOptions.DEFAULT, Nd4jBackend.Pass.FUSED);
        assertTrue(fused.vectorized(), "the tests run with --add-modules jdk.incubator.vector, so the SIMD kernel must be on");
        scalar = new Nd4jBackend(BackendOptions.DEFAULT, Nd4jBackend.Pass.FUSED_SCALAR);
        assertTrue(!scalar.vectorized(), "FUSED_SCALAR must select the scalar kernel");
        gemv = new Nd4jBackend(BackendOptions.DEFAULT, Nd4jBackend.Pass.ND4J_GEMV);
        // Chunks of 1000 floats: features spread over many ND4J arrays, so ranges and blocks cross chunk edges.
        chunked = new Nd4jBackend(BackendOptions.DEFAULT, Nd4jBackend.Pass.FUSED, 1000);
    }

    @AfterAll
    void tearDown() {
        fused.close();
        scalar.close();
        gemv.close();
        chunked.close();
    }

    static Dataset withRandomWeights(Dataset d, SplittableRandom rnd) {
        int n = d.cols();
        int m = (int) d.rows();
        float[] x = new float[m * n];
        float[] y = new float[m];
        float[] w = new float[m];
        float[] row = new float[n];
        for (int i = 0; i < m; i++) {
            d.copyRow(i, row);
            System.arraycopy(row, 0, x, i * n, n);
            y[i] = d.label(i);
            w[i] = i % 17 == 0 ? 0f : (float) rnd.nextDouble(0.1, 4);
        }
        return Dataset.wrap(x, n, y, w);
    }

    Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String data : List.of("breast", "breast-weighted", "random", "random-weighted")) {
            for (Loss.Kind loss : List.of(Loss.Kind.LOG, Loss.Kind.MSE)) {
                for (boolean permuted : new boolean[] {false, true}) {
                    for (String pass : List.of("fused", "scalar", "gemv", "chunked")) out.add(Arguments.of(data, loss, permuted, pass));
                }
            }
        }
        return out.stream();
    }

    private Nd4jBackend backend(String pass) {
        switch (pass) {
            case "fused": return fused;
            case "scalar": return scalar;
            case "gemv": return gemv;
            case "chunked": return chunked;
            default: throw new IllegalArgumentException(pass);
        }
    }

    @ParameterizedTest(name = "{0} {1} permuted={2} {3}")
    @MethodSource("cases")
    void valueGradientAndMarginsMatchReference(String dataName, Loss.Kind kind, boolean permuted, String pass) {
        Dataset data = datasets.get(dataName);
        Loss loss = Loss.of(kind);
        BindOptions bind = permuted ? BindOptions.permuted(PERMUTATION_SEED) : BindOptions.DEFAULT;
        int[] perm = permuted ? RowPermutation.of(data.rows(), PERMUTATION_SEED) : null;
        long m = data.rows();
        long[][] ranges = {{0, m}, {0, 100}, {m / 3, m / 3 + m / 4}, {m - 257, m}, {m - 1, m}};
        try (ReferenceBackend ref = new ReferenceBackend();
             DataTerm expected = ref.bind(data, loss, bind);
             DataTerm actual = backend(pass).bind(data, loss, bind)) {
            assertEquals(m, actual.rows());
            assertEquals(data.cols(), actual.features());
            SplittableRandom rnd = new SplittableRandom(dataName.hashCode() * 31L + kind.ordinal());
            for (int trial = 0; trial < 2; trial++) {
                double[] p = trial == 0 ? new double[data.cols() + 1] : Fixtures.params(data, rnd);
                for (long[] r : ranges) {
                    String what = dataName + " " + kind + " " + pass + " rows [" + r[0] + ", " + r[1] + ") trial " + trial;
                    int n1 = data.cols() + 1;
                    double[] ge = new double[n1];
                    double[] ga = new double[n1];
                    double ve = expected.valueAndGradient(r[0], r[1], p, ge);
                    double va = actual.valueAndGradient(r[0], r[1], p, ga);
                    assertRelative(ve, va, 1e-6, what + " value");
                    double scale = Fixtures.gradientScale(data, perm, loss, r[0], r[1], p);
                    assertGradient(ge, ga, scale, 1e-6, what);
                    assertRelative(expected.value(r[0], r[1], p), actual.value(r[0], r[1], p), 1e-6, what + " value()");
                    assertRelative(expected.weightSum(r[0], r[1]), actual.weightSum(r[0], r[1]), 1e-12, what + " weightSum");
                    int k = (int) (r[1] - r[0]);
                    double[] ze = new double[k];
                    double[] za = new double[k];
                    expected.margins(r[0], r[1], p, ze);
                    actual.margins(r[0], r[1], p, za);
                    // The reference's sum (column order, then the intercept) in Java: the same bits, every pass.
                    for (int i = 0; i < k; i++) {
                        int at = i;
                        assertEquals(Double.doubleToRawLongBits(ze[i]), Double.doubleToRawLongBits(za[i]),
                                () -> what + ": margin " + at + " expected " + ze[at] + ", got " + za[at]);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("hessianCases")
    void hessianMatchesReference(String dataName, Loss.Kind kind) {
        Dataset data = datasets.get(dataName);
        Loss loss = Loss.of(kind);
        int n = data.cols();
        int d = n + 1;
        try (ReferenceBackend ref = new ReferenceBackend();
             DataTerm expected = ref.bind(data, loss);
             DataTerm actual = fused.bind(data, loss)) {
            assertTrue(actual.supportsHessian());
            double[] p = Fixtures.params(data, new SplittableRandom(3));
            double[] he = new double[d * d];
            double[] ha = new double[d * d];
            expected.hessian(p, he);
            actual.hessian(p, ha);
            if (SmallDenseHessian.fits(data.rows(), n)) {
                // Small data: the Java pass, the reference's operations in its order.
                for (int e = 0; e < d * d; e++) {
                    int at = e;
                    assertEquals(Double.doubleToRawLongBits(he[e]), Double.doubleToRawLongBits(ha[e]),
                            () -> dataName + " " + kind + ": hessian[" + at / d + "][" + at % d + "] expected " + he[at] + ", got " + ha[at]);
                }
                return;
            }
            // Each entry's error is measured against (1/M) Σ w |ℓ''| |x̃ᵢⱼ x̃ᵢₖ|, the size of the terms summed.
            double[] scale = new double[d * d];
            float[] row = new float[n];
            double[] xt = new double[d];
            double m = 0;
            for (long i = 0; i < data.rows(); i++) {
                data.copyRow(i, row);
                double z = p[n];
                for (int j = 0; j < n; j++) {
                    z += p[j] * row[j];
                    xt[j] = row[j];
                }
                xt[n] = 1;
                double c = data.weight(i) * Math.abs(loss.secondDerivative(data.label(i), z));
                for (int j = 0; j < d; j++) {
                    for (int k = 0; k < d; k++) scale[j * d + k] += c * Math.abs(xt[j] * xt[k]);
                }
                m += data.weight(i);
            }
            for (int e = 0; e < d * d; e++) {
                double err = Math.abs(he[e] - ha[e]);
                int at = e;
                double tol = 1e-10 * scale[e] / m;
                assertTrue(err <= tol, () -> dataName + " " + kind + ": hessian[" + at / d + "][" + at % d + "] expected "
                        + he[at] + ", got " + ha[at] + " (error " + err + ", tolerance " + tol + ")");
            }
            for (int j = 0; j < d; j++) {
                for (int k = 0; k < j; k++) assertEquals(ha[j * d + k], ha[k * d + j], "hessian must be symmetric at " + j + "," + k);
            }
        }
    }

    Stream<Arguments> hessianCases() {
        List<Arguments> out = new ArrayList<>();
        for (String data : List.of("breast", "breast-weighted", "random-weighted", "wide-weighted")) {
            for (Loss.Kind loss : List.of(Loss.Kind.LOG, Loss.Kind.MSE)) out.add(Arguments.of(data, loss));
        }
        return out.stream();
    }
}
