package dev.logreg.cpu;

import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hessian-vector products of the CPU backend's terms (sparse, both Xᵀr layouts; dense) against the reference
 * backend's full Hessian times v, and against central differences of the gradient; the sparse full Hessian against
 * the reference's. Binary (log, MSE) and multinomial, weighted, with empty rows and a row holding every column.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparseHessianVectorTest {
    private Nd4jBackend cpu;
    private Dataset binary;
    private Dataset classes;

    @BeforeAll
    void setUp() {
        cpu = new Nd4jBackend(BackendOptions.DEFAULT);
        // 12,011 (6,007 for 3 classes) rows x 60, ~8 nonzeros a row: several segments, a Hessian small enough for the reference.
        binary = SparseFixtures.random(12011, 60, 8, 2, true, SparseFixtures.Storage.DIRECT_BLOCKS, 21);
        classes = SparseFixtures.random(6007, 60, 8, 3, true, SparseFixtures.Storage.HEAP, 22);
    }

    @AfterAll
    void tearDown() {
        cpu.close();
    }

    Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(Loss.Kind.LOG, "sparse"), Arguments.of(Loss.Kind.LOG, "sparse-columns"), Arguments.of(Loss.Kind.LOG, "dense"),
                Arguments.of(Loss.Kind.MSE, "sparse"), Arguments.of(Loss.Kind.MSE, "dense"),
                Arguments.of(Loss.Kind.MULTINOMIAL, "sparse"), Arguments.of(Loss.Kind.MULTINOMIAL, "sparse-columns"),
                Arguments.of(Loss.Kind.MULTINOMIAL, "dense"));
    }

    private DataTerm bind(Dataset d, Loss loss, String layout) {
        switch (layout) {
            case "sparse": return cpu.bindSparse(d, loss, BindOptions.permuted(4), SparseLayout.DEFAULT_PARTIAL_BUDGET);
            case "sparse-columns": return cpu.bindSparse(d, loss, BindOptions.DEFAULT, 0);
            case "dense": return cpu.bind(d.toDense(), loss, BindOptions.permuted(4));
            default: throw new IllegalArgumentException(layout);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void productsMatchTheReferenceHessianAndDifferencesOfTheGradient(Loss.Kind kind, String layout) {
        Loss loss = Loss.of(kind);
        Dataset d = kind == Loss.Kind.MULTINOMIAL ? classes : binary;
        try (ReferenceBackend ref = new ReferenceBackend();
             DataTerm expected = ref.bind(d, loss);
             DataTerm actual = bind(d, loss, layout)) {
            assertTrue(actual.supportsHessianVector());
            int len = actual.shape().length();
            double[] p = SparseFixtures.params(actual.shape().outputs(), d.cols(), 8, 31);
            double[] h = new double[len * len];
            expected.hessian(p, h);
            for (int trial = 0; trial < 2; trial++) {
                double[] v = SparseFixtures.params(actual.shape().outputs(), d.cols(), 1, 40 + trial);
                double[] hv = new double[len];
                actual.hessianVector(p, v, hv);
                // H·v in float64, with the size of its terms (|H|·|v|) as the scale of each entry's rounding.
                double[] want = new double[len];
                double[] scale = new double[len];
                for (int i = 0; i < len; i++) {
                    for (int j = 0; j < len; j++) {
                        want[i] += h[i * len + j] * v[j];
                        scale[i] += Math.abs(h[i * len + j] * v[j]);
                    }
                }
                double top = 0;
                for (double s : scale) top = Math.max(top, s);
                for (int i = 0; i < len; i++) {
                    double err = Math.abs(want[i] - hv[i]);
                    int at = i;
                    assertTrue(err <= 1e-12 * top, () -> kind + " " + layout + ": (Hv)[" + at + "] expected " + want[at] + ", got " + hv[at]);
                }
                // Central differences of the gradient along v: (g(θ + εv) − g(θ − εv)) / 2ε, O(ε²) from Hv.
                double eps = 1e-4;
                double[] plus = p.clone();
                double[] minus = p.clone();
                for (int i = 0; i < len; i++) {
                    plus[i] += eps * v[i];
                    minus[i] -= eps * v[i];
                }
                double[] gp = new double[len];
                double[] gm = new double[len];
                actual.valueAndGradient(plus, gp);
                actual.valueAndGradient(minus, gm);
                double norm = 0;
                for (double x : hv) norm = Math.max(norm, Math.abs(x));
                for (int i = 0; i < len; i++) {
                    double fd = (gp[i] - gm[i]) / (2 * eps);
                    double err = Math.abs(fd - hv[i]);
                    int at = i;
                    assertTrue(err <= 1e-5 * norm, () -> kind + " " + layout + ": (Hv)[" + at + "] = " + hv[at] + ", the gradient's differences give " + fd);
                }
                double[] again = new double[len];
                actual.hessianVector(p, v, again);
                assertArrayEquals(hv, again, kind + " " + layout + ": the product at the same parameters, computed again");
                actual.hessianVector(p, v, again);
                assertArrayEquals(hv, again, kind + " " + layout + ": the product from the kept curvatures");
                actual.valueAndGradient(p, gp);  // a full pass keeps the curvatures too (binary losses)
                actual.hessianVector(p, v, again);
                assertArrayEquals(hv, again, kind + " " + layout + ": the product after a value+gradient pass at the same parameters");
            }
            if (!layout.equals("dense")) {
                double[] hs = new double[len * len];
                actual.hessian(p, hs);
                double top = 0;
                for (double x : h) top = Math.max(top, Math.abs(x));
                for (int e = 0; e < hs.length; e++) {
                    int at = e;
                    assertTrue(Math.abs(hs[e] - h[e]) <= 1e-12 * top,
                            () -> kind + " " + layout + ": hessian[" + at / len + "][" + at % len + "] expected " + h[at] + ", got " + hs[at]);
                }
            }
        }
    }
}
