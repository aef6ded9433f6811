package dev.logreg.objective;

import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.FiniteDifferences;
import dev.logreg.loss.Loss;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.MulticlassData;
import dev.logreg.testing.SyntheticData;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The objective's Hessian-vector product in the optimizer's coordinates u: the data term's product carried through
 * the preconditioner's map (centering included) and the L2 part's curvature, against the matrix Hᵤ of
 * {@link LogisticObjective#smoothHessian} times v, for one output and for K, with and without an intercept, scaled and
 * centred or not, with a uniform penalty and one on scales.
 */
class ObjectiveHessianVectorTest {
    private static double[] random(SplittableRandom r, int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = scale * r.nextGaussian();
        return v;
    }

    private static void check(Dataset data, Loss loss, Penalty penalty, boolean intercept, boolean precondition, String what) {
        try (ReferenceBackend b = new ReferenceBackend(); DataTerm term = b.bind(data, loss)) {
            Preconditioner pre = precondition
                    ? Preconditioner.fromStatistics(ColumnStatistics.of(data), intercept, penalty.l2Coefficients(data.weightSum(), data.cols()))
                    : Preconditioner.identity(data.cols());
            LogisticObjective f = new LogisticObjective(term, loss, penalty, intercept, pre);
            assertTrue(f.hasHessianVector(), what);
            int d = f.dimension();
            SplittableRandom r = new SplittableRandom(3);
            double[] u = random(r, d, 0.4);
            double[] v = random(r, d, 1.0);
            // smoothHessian adds a curvature along the multinomial objective's flat directions (the same coordinate of
            // every class, where the penalty leaves it free), which the product leaves out: v is taken orthogonal to them.
            boolean[] flat = f.flatCoordinates();
            int k = f.shape().outputs();
            int stride = d / k;
            for (int j = 0; j < stride; j++) {
                if (!flat[j]) continue; // slice coordinate j is feature j, or the intercept (index n) where stride is n + 1
                double mean = 0;
                for (int c = 0; c < k; c++) mean += v[c * stride + j] / k;
                for (int c = 0; c < k; c++) v[c * stride + j] -= mean;
            }
            double[] hv = new double[d];
            f.smoothHessianVector(u, v, hv);
            double[] h = new double[d * d];
            f.smoothHessian(u, h);
            double[] expected = new double[d];
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) expected[i] += h[i * d + j] * v[j];
            }
            FiniteDifferences.assertClose(expected, hv, 1e-11, 1e-12 * FiniteDifferences.maxAbs(expected), what);
        }
    }

    @Test
    void binaryProductIsTheMatrixTimesTheVector() {
        Dataset d = SyntheticData.hard(300, 5, 12L);
        double[] scales = {1, 2, 0.5, 3, 1.5};
        for (boolean intercept : new boolean[] {true, false}) {
            for (boolean precondition : new boolean[] {true, false}) {
                String what = "intercept " + intercept + ", precondition " + precondition;
                check(d, Loss.log(), Penalty.l2(2.0), intercept, precondition, "log, l2, " + what);
                check(d, Loss.log(), Penalty.none(), intercept, precondition, "log, none, " + what);
                check(d, Loss.mse(), Penalty.l2(2.0).onScales(scales), intercept, precondition, "mse, l2 on scales, " + what);
            }
        }
    }

    @Test
    void multinomialProductIsTheMatrixTimesTheVector() {
        Dataset d = MulticlassData.generate(200, 4, 3, true, 21L);
        for (boolean intercept : new boolean[] {true, false}) {
            for (boolean precondition : new boolean[] {true, false}) {
                String what = "K=3, intercept " + intercept + ", precondition " + precondition;
                check(d, Loss.multinomial(), Penalty.l2(1.0), intercept, precondition, "l2, " + what);
                check(d, Loss.multinomial(), Penalty.none(), intercept, precondition, "none, " + what);
            }
        }
    }
}
