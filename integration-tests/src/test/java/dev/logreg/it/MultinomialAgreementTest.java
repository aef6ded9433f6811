package dev.logreg.it;

import dev.logreg.backend.Backend;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.ParamShape;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.objective.LogisticObjective;
import dev.logreg.objective.Preconditioner;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.MulticlassData;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static dev.logreg.it.Agreement.assertGradient;
import static dev.logreg.it.Agreement.assertRelative;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The multinomial agreement matrix: every backend of {@link Backends#UNDER_TEST} x K ∈ {3, 10, 100} x rows in cache
 * and not x {none, L2, L1, elastic net} x {with, without intercept} x {unit, non-uniform weights}, against the
 * reference backend: the objective's value within 1e-12 relative, its gradient within 1e-10 of the scale
 * (1/M) Σ wᵢ ‖pᵢ − e_{yᵢ}‖ ‖x̃ᵢ‖ ({@link #gradientScale}); then row ranges (mini-batches) of the permuted bind at the
 * start, middle and end, and margins (K a row). A backend whose bind refuses the multinomial loss (the gpu backend
 * until its softmax kernels land) is skipped with its own message.
 *
 * <p>"Not in cache": 100,003 x 84 float32 rows, 33.6 MB of X, more than the development machine's caches (and than
 * an EPYC CCD's 32 MiB L3), so every evaluation streams X from memory (for K = 100 weighted rows only: unit weights
 * are covered in cache, and each reference pass there is 8.4·10⁸ multiply-adds a way). The reference's results
 * are memoized per parameter vector ({@link Memo}): the penalty is added on the host and does not change what the
 * data term is asked, so the four penalties cost one reference pass, while the backend under test runs every time.
 */
class MultinomialAgreementTest {
    static final double VALUE_TOLERANCE = 1e-12;
    static final double GRADIENT_TOLERANCE = 1e-10;

    private static final List<Penalty> PENALTIES = List.of(Penalty.none(), Penalty.l2(1.0), Penalty.l1(0.5), Penalty.elasticNet(1.0, 0.5));

    /** A dataset of the matrix: K classes, in cache or not. */
    private record Case(String name, int classes, int rows, int cols, boolean[] weights) {
        Dataset data(boolean weighted) {
            return MulticlassData.generate(rows, cols, classes, weighted, 1000L * classes + rows);
        }
    }

    private static final boolean[] BOTH = {false, true};

    private static final List<Case> CASES = List.of(
            new Case("K=3 in cache 2001x13", 3, 2001, 13, BOTH),
            new Case("K=3 not in cache 100003x84", 3, 100_003, 84, BOTH),
            new Case("K=10 in cache 2001x13", 10, 2001, 13, BOTH),
            new Case("K=10 not in cache 100003x84", 10, 100_003, 84, BOTH),
            new Case("K=100 in cache 1001x7", 100, 1001, 7, BOTH),
            // Weighted only: each reference pass here is 8.4·10⁸ multiply-adds a way (the unit-weight path is above).
            new Case("K=100 not in cache 100003x84", 100, 100_003, 84, new boolean[] {true}));

    @TestFactory
    Stream<DynamicNode> matrix() {
        List<DynamicNode> perBackend = new ArrayList<>();
        for (String backend : Backends.UNDER_TEST) {
            List<DynamicNode> perCase = new ArrayList<>();
            for (Case c : CASES) perCase.add(DynamicTest.dynamicTest(backend + " " + c.name(), () -> checkCase(backend, c)));
            perBackend.add(DynamicContainer.dynamicContainer(backend, perCase));
        }
        return perBackend.stream();
    }

    /**
     * Binds {@code data} with the multinomial loss on {@code backend}, or skips the calling test where the backend
     * refuses the loss (not yet implemented there), with the backend's own message.
     */
    static DataTerm bindOrSkip(Backend backend, Dataset data, dev.logreg.backend.BindOptions options) {
        try {
            return backend.bind(data, Loss.multinomial(), options);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() == null || !e.getMessage().contains("not yet implemented")) throw e;
            assumeTrue(false, () -> backend.name() + " refuses the multinomial loss: " + e.getMessage());
            throw e;
        }
    }

    private static void checkCase(String backendName, Case c) {
        for (boolean weighted : c.weights()) {
            Dataset data = c.data(weighted);
            try (Backend backend = Backends.openOrSkip(backendName, data); ReferenceBackend reference = new ReferenceBackend()) {
                try (DataTerm ref = reference.bind(data, Loss.multinomial());
                     DataTerm under = bindOrSkip(backend, data, dev.logreg.backend.BindOptions.DEFAULT)) {
                    assertEquals(ref.shape(), under.shape(), "shape");
                    Memo memo = new Memo(ref);
                    for (boolean intercept : new boolean[] {true, false}) {
                        for (Penalty penalty : PENALTIES) {
                            String what = backendName + " " + c.name() + (weighted ? " weighted " : " ") + penalty
                                    + (intercept ? " with intercept" : " without intercept");
                            checkObjective(memo, ref, under, data, penalty, intercept, what);
                        }
                    }
                }
                try (DataTerm ref = reference.bind(data, Loss.multinomial(), dev.logreg.backend.BindOptions.permuted(7));
                     DataTerm under = bindOrSkip(backend, data, dev.logreg.backend.BindOptions.permuted(7))) {
                    Dataset ordered = data.select(dev.logreg.backend.RowPermutation.of(data.rows(), 7));
                    checkRanges(ref, under, ordered, backendName + " " + c.name() + (weighted ? " weighted" : "") + " permuted");
                }
                assertEquals(0, backend.liveAllocations(), "live allocations after closing every term");
            }
        }
    }

    private static void checkObjective(Memo memo, DataTerm ref, DataTerm under, Dataset data, Penalty penalty, boolean intercept, String what) {
        Preconditioner none = Preconditioner.identity(data.cols());
        LogisticObjective expected = new LogisticObjective(memo, Loss.multinomial(), penalty, intercept, none);
        LogisticObjective actual = new LogisticObjective(under, Loss.multinomial(), penalty, intercept, none);
        // The same vector for every penalty (so the memo serves the reference), a new one per intercept setting.
        SplittableRandom random = new SplittableRandom(intercept ? 17 : 18);
        int d = expected.dimension();
        double[] u = new double[d];
        for (int i = 0; i < d; i++) u[i] = random.nextGaussian() * 0.3;
        double[] ge = new double[d];
        double[] ga = new double[d];
        assertRelative(expected.smoothValueAndGradient(u, ge), actual.smoothValueAndGradient(u, ga), VALUE_TOLERANCE, what + ": smooth value");
        assertRelative(expected.value(u), actual.value(u), VALUE_TOLERANCE, what + ": objective");
        assertRelative(expected.smoothValue(u), actual.smoothValue(u), VALUE_TOLERANCE, what + ": value-only pass");
        double[] params = expected.modelParameters(u);
        assertGradient(ge, ga, memo.scale(data, params), GRADIENT_TOLERANCE, what);
    }

    /** Row ranges of the permuted bind (mini-batches) at the start, in the middle and at the end; margins. */
    private static void checkRanges(DataTerm ref, DataTerm under, Dataset ordered, String what) {
        long m = ordered.rows();
        long len = Math.max(1, Math.min(m / 7, 3000));
        long[][] ranges = {{0, len}, {m / 2 - len / 2, m / 2 - len / 2 + len}, {m - len, m}};
        SplittableRandom random = new SplittableRandom(what.hashCode());
        ParamShape shape = ref.shape();
        int k = shape.outputs();
        for (long[] r : ranges) {
            double[] params = new double[shape.length()];
            for (int i = 0; i < params.length; i++) params[i] = random.nextGaussian() * 0.3;
            double[] ge = new double[params.length];
            double[] ga = new double[params.length];
            String at = what + " rows [" + r[0] + ", " + r[1] + ")";
            assertRelative(ref.valueAndGradient(r[0], r[1], params, ge), under.valueAndGradient(r[0], r[1], params, ga), VALUE_TOLERANCE, at + ": value");
            assertRelative(ref.value(r[0], r[1], params), under.value(r[0], r[1], params), VALUE_TOLERANCE, at + ": value-only pass");
            assertGradient(ge, ga, gradientScale(ref, ordered, r[0], r[1], params), GRADIENT_TOLERANCE, at);
            double[] ze = new double[(int) (r[1] - r[0]) * k];
            double[] za = new double[ze.length];
            ref.margins(r[0], r[1], params, ze);
            under.margins(r[0], r[1], params, za);
            float[] row = new float[ordered.cols()];
            int n = ordered.cols();
            for (int i = 0; i < ze.length; i++) {
                // Rounding in a float64 dot product scales with Σ|θⱼxⱼ|, not with |z| (which may cancel).
                ordered.copyRow(r[0] + i / k, row);
                int off = (i % k) * (n + 1);
                double magnitude = Math.abs(params[off + n]);
                for (int j = 0; j < n; j++) magnitude += Math.abs(params[off + j] * row[j]);
                int at2 = i;
                assertTrue(Math.abs(ze[i] - za[i]) <= 1e-12 * Math.max(magnitude, 1e-300),
                        () -> at + ": margin of row " + (r[0] + at2 / k) + " class " + at2 % k + " expected " + ze[at2] + ", got " + za[at2]);
            }
        }
    }

    /**
     * (1/M) Σ wᵢ ‖p(zᵢ) − e_{yᵢ}‖ ‖x̃ᵢ‖ over rows [from, to) of the reference term ({@code ordered} holds its rows in
     * its order): the size of the terms the gradient sums, which its rounding scales with; not ‖g‖, which vanishes at
     * the optimum (STYLE §5, with the K residuals of a row in place of one).
     */
    static double gradientScale(DataTerm reference, Dataset ordered, long from, long to, double[] params) {
        int k = reference.shape().outputs();
        int count = Math.toIntExact(to - from);
        double[] z = new double[count * k];
        reference.margins(from, to, params, z);
        float[] row = new float[ordered.cols()];
        double s = 0;
        double m = 0;
        for (int i = 0; i < count; i++) {
            ordered.copyRow(from + i, row);
            double norm2 = 1;
            for (float v : row) norm2 += (double) v * v;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) max = Math.max(max, z[i * k + c]);
            double sum = 0;
            for (int c = 0; c < k; c++) sum += Math.exp(z[i * k + c] - max);
            int y = (int) ordered.label(from + i);
            double r2 = 0;
            for (int c = 0; c < k; c++) {
                double d = Math.exp(z[i * k + c] - max) / sum - (c == y ? 1 : 0);
                r2 += d * d;
            }
            double w = ordered.weight(from + i);
            s += w * Math.sqrt(r2) * Math.sqrt(norm2);
            m += w;
        }
        return s / m;
    }

    /**
     * The reference term with its last full-range results kept per parameter vector (compared by value): the same
     * numbers the reference would compute again. {@code value} is served from a kept {@code valueAndGradient} at the
     * same parameters: the reference's two passes sum the same row losses in the same order ({@code SoftmaxTerm}).
     */
    private static final class Memo implements DataTerm {
        private final DataTerm inner;
        private final List<double[]> keys = new ArrayList<>();
        private final List<double[]> results = new ArrayList<>();
        private final List<double[]> scaleKeys = new ArrayList<>();
        private final List<Double> scales = new ArrayList<>();

        Memo(DataTerm inner) {
            this.inner = inner;
        }

        double scale(Dataset data, double[] params) {
            for (int i = 0; i < scaleKeys.size(); i++) if (Arrays.equals(scaleKeys.get(i), params)) return scales.get(i);
            double s = gradientScale(inner, data, 0, data.rows(), params);
            scaleKeys.add(params.clone());
            scales.add(s);
            return s;
        }

        private double[] lookup(double[] params) {
            for (int i = 0; i < keys.size(); i++) if (Arrays.equals(keys.get(i), params)) return results.get(i);
            return null;
        }

        @Override public long rows() { return inner.rows(); }

        @Override public int features() { return inner.features(); }

        @Override public ParamShape shape() { return inner.shape(); }

        @Override public double weightSum(long from, long to) { return inner.weightSum(from, to); }

        @Override
        public double valueAndGradient(long from, long to, double[] params, double[] gradientOut) {
            if (from != 0 || to != rows()) return inner.valueAndGradient(from, to, params, gradientOut);
            double[] hit = lookup(params);
            if (hit == null) {
                hit = new double[params.length + 1];
                double[] g = new double[params.length];
                hit[params.length] = inner.valueAndGradient(params, g);
                System.arraycopy(g, 0, hit, 0, g.length);
                keys.add(params.clone());
                results.add(hit);
            }
            System.arraycopy(hit, 0, gradientOut, 0, params.length);
            return hit[params.length];
        }

        @Override
        public double value(long from, long to, double[] params) {
            if (from != 0 || to != rows()) return inner.value(from, to, params);
            double[] hit = lookup(params);
            if (hit != null) return hit[params.length];
            return valueAndGradient(from, to, params, new double[params.length]);
        }

        @Override public void margins(long from, long to, double[] params, double[] out) { inner.margins(from, to, params, out); }

        @Override public void close() { }
    }
}
