package dev.logreg.train;

import dev.logreg.LogisticRegression;
import dev.logreg.backend.BackendFactory;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.backend.reference.ReferenceBackendProvider;
import dev.logreg.data.Dataset;
import dev.logreg.model.LogisticModel;
import dev.logreg.objective.ColumnStatistics;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.BundledData;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A penalty on scales ({@link Penalty#onScales}) and {@code LogisticRegression.builder().standardize(true)}: the same
 * optimum as training on a standardized copy of the data and mapping the model back (glmnet's definition), without
 * the copy.
 */
class StandardizedPenaltyTest {
    private static final TrainingOptions NEWTON = TrainingOptions.DEFAULT.withOptimizer("newton").withCriteria(new StoppingCriteria(200, 1e-12, 0.0, null));

    @Test
    void aPenaltyOnScalesIsThePenaltyOfTheScaledCoefficients() {
        double[] s = {2.0, 0.5, 0.0};
        double[] theta = {1.5, -4.0, 3.0};
        double m = 10;
        for (Penalty p : List.of(Penalty.l2(3), Penalty.l1(3), Penalty.elasticNet(3, 0.25))) {
            Penalty on = p.onScales(s);
            double[] scaled = {s[0] * theta[0], s[1] * theta[1], s[2] * theta[2]};
            assertEquals(p.value(scaled, 3, m), on.value(theta, 3, m), 1e-15, p + ": value");
            assertEquals(p.l1Value(scaled, 3, m), on.l1Value(theta, 3, m), 1e-15, p + ": L1 part");
            assertEquals(p.smoothValue(scaled, 3, m), on.smoothValue(theta, 3, m), 1e-15, p + ": L2 part");
            double[] g = new double[3];
            on.addSmoothPart(theta, 3, m, g);
            for (int j = 0; j < 3; j++) {
                double h = 1e-6;
                double[] up = theta.clone();
                double[] down = theta.clone();
                up[j] += h;
                down[j] -= h;
                double fd = (on.smoothValue(up, 3, m) - on.smoothValue(down, 3, m)) / (2 * h);
                assertEquals(fd, g[j], 1e-6, p + ": L2 gradient " + j);
                assertEquals(p.l1Coefficient(m) * s[j], on.l1Coefficient(m, j), 1e-15);
                assertEquals(p.l2Coefficient(m) * s[j] * s[j], on.l2Coefficient(m, j), 1e-15);
            }
            assertEquals(p.withLambda(7).onScales(s), on.withLambda(7), "withLambda keeps the scales");
            assertTrue(on.toString().contains("on scales"), on.toString());
        }
        assertNull(Penalty.l1(1).scales());
        assertEquals(Penalty.none(), Penalty.none().onScales(s));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Penalty.l1(1).onScales(new double[] {1, -1}));
        assertTrue(e.getMessage().contains("penalty scale 1 is -1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Penalty.l1(1).onScales(s).value(theta, 2, m));
        assertTrue(e.getMessage().contains("3 scales, the model 2"), e.getMessage());
    }

    /** Breast cancer on raw scales (six decades apart, nearly collinear columns): L2, L1 and elastic net, with and without intercept. */
    @Test
    void standardizeEqualsTrainingOnAStandardizedCopy() {
        Dataset data = BundledData.breastCancer();
        int n = data.cols();
        for (boolean intercept : new boolean[] {true, false}) {
            ColumnStatistics stats = ColumnStatistics.of(data);
            double[] scale = stats.standardizationScales(intercept);
            double[] mean = intercept ? stats.mean() : new double[n];
            Dataset copy = standardizedCopy(data, mean, scale);
            for (Penalty p : List.of(Penalty.l2(1), Penalty.l1(0.5), Penalty.elasticNet(1, 0.5))) {
                TrainingOptions o = NEWTON.withPenalty(p).withFitIntercept(intercept);
                LogisticModel viaCopy;
                try (ReferenceBackend b = new ReferenceBackend()) {
                    LogisticModel std = Trainer.fit(b, copy, o, null).model();
                    double[] theta = new double[n];
                    double bias = std.intercept();
                    for (int j = 0; j < n; j++) {
                        theta[j] = std.coefficient(j) / scale[j];
                        bias -= theta[j] * mean[j];
                    }
                    viaCopy = new LogisticModel(theta, intercept ? bias : 0, intercept, null);
                }
                TrainingResult direct = LogisticRegression.builder().options(o).standardize(true).backendName("reference")
                        .factory(BackendFactory.of(List.of(new ReferenceBackendProvider()), java.util.Map.of(), new java.util.Properties()))
                        .build().fit(data);
                String what = p + (intercept ? "" : " without intercept");
                assertTrue(direct.status().isConverged(), what + ": " + direct.status());
                assertArrayEquals(scale, direct.options().penalty().scales(), what + ": the penalty's scales are the data's");
                for (int j = 0; j < n; j++) {
                    // θ'ⱼ = sⱼθⱼ is what both fits pin down; the copy is float32, so agreement is to float32's precision.
                    double a = viaCopy.coefficient(j) * scale[j];
                    double d = direct.model().coefficient(j) * scale[j];
                    assertEquals(a, d, 2e-5 * (1 + Math.abs(a)), what + ": standardized coefficient " + j);
                }
                assertEquals(viaCopy.intercept(), direct.model().intercept(), 2e-4 * (1 + Math.abs(viaCopy.intercept())), what + ": intercept");
                if (p.kind() == Penalty.Kind.L1) {
                    for (int j = 0; j < n; j++) {
                        assertEquals(viaCopy.coefficient(j) == 0, direct.model().coefficient(j) == 0, what + ": zero pattern at " + j);
                    }
                }
            }
        }
    }

    /** On bound data (a path), standardize(true) takes the scales from the statistics the bound data keep: the same fit. */
    @Test
    void standardizeOnBoundDataEqualsAFreshFit() {
        Dataset data = BundledData.breastCancer();
        LogisticRegression lr = LogisticRegression.builder().options(NEWTON.withPenalty(Penalty.l1(0.5))).standardize(true).build();
        TrainingResult fresh;
        try (ReferenceBackend b = new ReferenceBackend()) {
            fresh = lr.fit(b, data);
            try (BoundData bound = Trainer.bind(b, data, lr.options())) {
                TrainingResult onBound = lr.fitBound(bound);
                assertArrayEquals(fresh.model().coefficients(), onBound.model().coefficients(), 0.0);
                assertEquals(fresh.options().penalty(), onBound.options().penalty(), "the same scales");
            }
        }
    }

    @Test
    void theCrossValidationGridStartsWhereTheScaledL1ZeroesEveryCoefficient() {
        Dataset data = BundledData.breastCancer();
        double[] scale = ColumnStatistics.of(data).standardizationScales(true);
        TrainingOptions o = NEWTON.withPenalty(Penalty.l1(1).onScales(scale));
        double lambdaMax = CrossValidation.grid(data, o, CrossValidationOptions.DEFAULT.withLambdaCount(1))[0];
        try (ReferenceBackend b = new ReferenceBackend()) {
            LogisticModel above = Trainer.fit(b, data, o.withPenalty(o.penalty().withLambda(lambdaMax * 1.001)), null).model();
            for (int j = 0; j < data.cols(); j++) assertEquals(0.0, above.coefficient(j), "coefficient " + j + " just above λ_max");
            LogisticModel below = Trainer.fit(b, data, o.withPenalty(o.penalty().withLambda(lambdaMax * 0.95)), null).model();
            assertTrue(java.util.Arrays.stream(below.coefficients()).anyMatch(v -> v != 0), "below λ_max a coefficient enters");
        }
    }

    private static Dataset standardizedCopy(Dataset data, double[] mean, double[] scale) {
        int n = data.cols();
        float[][] rows = new float[(int) data.rows()][n];
        float[] y = new float[rows.length];
        float[] row = new float[n];
        for (int i = 0; i < rows.length; i++) {
            data.copyRow(i, row);
            for (int j = 0; j < n; j++) rows[i][j] = (float) ((row[j] - mean[j]) / scale[j]);
            y[i] = data.label(i);
        }
        return Dataset.fromRows(rows, y);
    }
}
