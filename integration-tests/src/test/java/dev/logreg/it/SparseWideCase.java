package dev.logreg.it;

import dev.logreg.LogisticRegression;
import dev.logreg.backend.Backend;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.model.LogisticModel;
import dev.logreg.penalty.Penalty;
import dev.logreg.train.TrainingResult;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The wide row of {@link SparseAgreementMatrixTest}: 2<sup>24</sup> features, 200 rows of 0 to 6 nonzeros among 24
 * columns spread over the whole width (the first and the last included; row 1 empty, row 0 a single nonzero), trained
 * with tron and L2 on a backend. The same rows with their 24 columns packed side by side (the compact set) are the
 * comparison, held dense on the same backend and sparse on the reference backend (a backend whose dense term computes no Hessian-vector products, the GPU's,
 * must refuse the dense fit by name): the wide fit reaches their optimum
 * (objective within 1e-9 relative, the held columns' parameters within {@link SparseAgreementMatrixTest#PARAMETERS}),
 * and a column no row holds has no gradient and no curvature, so its parameter stays exactly 0.
 *
 * <p>On the accelerated backends only (the reference backend's wide fit is api's SparseWideTrainingTest; here it
 * fits the compact rows). Tron, unpreconditioned: a fit holds a few vectors of 2<sup>24</sup> + 1 doubles (128 MiB each); L-BFGS's ten
 * pairs would be 2.7 GB, and the preconditioner's column statistics three more, in a test JVM of 4 GB. A dense copy
 * of the wide rows would be 13 GB: any fit that densified them would fail here.
 */
final class SparseWideCase {
    static final int WIDE = 1 << 24;
    private static final int ACTIVE = 24;
    private static final int ROWS = 200;

    private static final int[] COLUMNS = new int[ACTIVE];
    static final Dataset WIDE_ROWS;
    static final Dataset COMPACT;
    private static TrainingResult reference;

    static {
        SplittableRandom r = new SplittableRandom(2026);
        int stride = WIDE / (ACTIVE - 1);
        for (int s = 1; s < ACTIVE - 1; s++) COLUMNS[s] = s * stride + r.nextInt(stride / 2);
        COLUMNS[ACTIVE - 1] = WIDE - 1;
        double[] beta = new double[ACTIVE];
        for (int s = 0; s < ACTIVE; s++) beta[s] = r.nextGaussian();
        long[] offsets = new long[ROWS + 1];
        int[] wideIdx = new int[ROWS * 6];
        int[] slotIdx = new int[ROWS * 6];
        float[] val = new float[ROWS * 6];
        float[] y = new float[ROWS];
        float[] w = new float[ROWS];
        int nz = 0;
        for (int i = 0; i < ROWS; i++) {
            int k = i == 1 ? 0 : i == 0 ? 1 : 1 + r.nextInt(6);
            int start = r.nextInt(ACTIVE - k + 1);   // k consecutive slots from a random start: sorted, distinct
            double z = 0;
            for (int s = start; s < start + k; s++) {
                float v = (float) r.nextGaussian();
                wideIdx[nz] = COLUMNS[s];
                slotIdx[nz] = s;
                val[nz++] = v;
                z += beta[s] * v;
            }
            offsets[i + 1] = nz;
            y[i] = i < 2 ? i : r.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1f : 0f;
            w[i] = (float) r.nextDouble(0.2, 3);
        }
        WIDE_ROWS = Dataset.wrapCsr(offsets, Arrays.copyOf(wideIdx, nz), Arrays.copyOf(val, nz), WIDE, y, w, 2);
        COMPACT = Dataset.wrapCsr(offsets, Arrays.copyOf(slotIdx, nz), Arrays.copyOf(val, nz), ACTIVE, y.clone(), w.clone(), 2);
    }

    /**
     * A strong penalty (λ/2m with m ≈ 320) and a gradient tolerance of 1e-8: tron stops after 4 iterations and 13
     * evaluations. Each evaluation costs about 0.7 s on the development machine, whatever the backend: the work over
     * 2<sup>24</sup>-long vectors outside the data pass, not the 700 nonzeros.
     */
    private static final double WIDE_LAMBDA = 1000;
    private SparseWideCase() {}

    private static LogisticRegression regression() {
        return LogisticRegression.builder().optimizer("tron").penalty(Penalty.l2(WIDE_LAMBDA)).precondition(false)
                .criteria(dev.logreg.optim.StoppingCriteria.DEFAULT.withGradientTolerance(1e-8).withRelativeObjectiveTolerance(1e-15)
                        .withMaxIterations(1000))
                .build();
    }

    private static synchronized TrainingResult reference() {
        if (reference == null) {
            try (ReferenceBackend r = new ReferenceBackend()) {
                reference = SparseAgreementMatrixTest.converged(regression().fit(r, COMPACT), "reference, compact");
            }
        }
        return reference;
    }

    static void check(String backendName) {
        try (Backend backend = SparseAgreementMatrixTest.open(backendName, WIDE_ROWS)) {
            String what = backendName + " 2^24 features, tron L2";
            TrainingResult compactDense = SparseAgreementMatrixTest.fitOrRefused(backend, regression(), COMPACT.toDense(), Loss.log(), what + " compact dense");
            TrainingResult wide = SparseAgreementMatrixTest.converged(regression().fit(backend, WIDE_ROWS), what);
            System.out.println(what + ": " + wide.optimization().iterations() + " iterations, " + wide.optimization().evaluations() + " evaluations");
            assertEquals(0, backend.liveAllocations(), what + ": live allocations after training");
            double[] packed = packedParams(wide.model(), what);
            if (compactDense != null) {
                double[] dense = SparseAgreementMatrixTest.params(compactDense.model());
                SparseAgreementMatrixTest.assertSameOptimum(compactDense.objective(), dense, wide.objective(), packed, what + ": against the compact rows held dense");
            }
            TrainingResult ref = reference();
            SparseAgreementMatrixTest.assertSameOptimum(ref.objective(), SparseAgreementMatrixTest.params(ref.model()), wide.objective(), packed,
                    what + ": against the reference backend's compact fit");
        }
    }

    /** The held columns' parameters and the intercept, packed as the compact set's; every other θⱼ must be exactly 0. */
    private static double[] packedParams(LogisticModel m, String what) {
        assertEquals(WIDE, m.features(), what + ": features");
        double[] theta = m.coefficients();
        double[] packed = new double[ACTIVE + 1];
        int s = 0;
        for (int j = 0; j < WIDE; j++) {
            if (s < ACTIVE && COLUMNS[s] == j) {
                packed[s++] = theta[j];
            } else if (theta[j] != 0.0) {
                throw new AssertionError(what + ": θ" + j + " = " + theta[j] + ", but no row holds column " + j);
            }
        }
        packed[ACTIVE] = m.intercept();
        return packed;
    }
}
