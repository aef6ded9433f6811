package dev.logreg.optim;

import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.FiniteDifferences;
import dev.logreg.loss.Loss;
import dev.logreg.model.LinearClassifier;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.SoftmaxModel;
import dev.logreg.objective.ColumnStatistics;
import dev.logreg.objective.LogisticObjective;
import dev.logreg.objective.Preconditioner;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.WithoutHessian;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The truncated Newton method reaches Newton's float64 optimum to 1e-10 relative in the objective: binary and K = 3,
 * dense rows and the same rows sparse, with and without an intercept, preconditioned or not, weighted or not, L2 (also
 * on the columns' scales, {@code --standardize}) and no penalty, and the other smooth losses; through the trainer
 * too. L1 and a backend without Hessian-vector products are refused by name. OWL-QN lands on exact zeros on sparse
 * rows, the zero set of proximal Newton.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TronOptimizerTest {
    static final double GAP = 1e-10;
    /** Newton's reference: quadratic convergence, so a step that changes J by under 1e-15 leaves far less than that. */
    static final StoppingCriteria EXACT = new StoppingCriteria(200, 1e-13, 1e-15, null);
    static final StoppingCriteria TIGHT = new StoppingCriteria(500, 1e-11, 1e-15, null);

    private final ReferenceBackend backend = new ReferenceBackend();

    @AfterAll
    void close() {
        backend.close();
        assertEquals(0, backend.liveAllocations());
    }

    /**
     * Seeded rows with about 70% zeros (row 5 all zero), columns of scales 0.01 to 100 and offsets; labels from a
     * noisy linear model (K logits for K > 2), every class present; weights in [0.2, 3) where {@code weighted}.
     */
    static Dataset data(int rows, int cols, int classes, boolean weighted, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] scale = new double[cols];
        for (int j = 0; j < cols; j++) scale[j] = Math.pow(10, r.nextDouble(-2, 2));
        int outputs = classes > 2 ? classes : 1;
        double[][] w = new double[outputs][cols];
        for (double[] t : w) for (int j = 0; j < cols; j++) t[j] = r.nextGaussian() / Math.sqrt(cols);
        float[][] x = new float[rows][cols];
        float[] y = new float[rows];
        float[] weights = new float[rows];
        double[] z = new double[outputs];
        for (int i = 0; i < rows; i++) {
            java.util.Arrays.fill(z, 0.0);
            for (int j = 0; j < cols; j++) {
                if (i == 5 || r.nextDouble() < 0.7) continue;
                double v = 1 + r.nextGaussian();
                x[i][j] = (float) (v * scale[j]);
                for (int c = 0; c < outputs; c++) z[c] += 2 * w[c][j] * v;
            }
            if (outputs == 1) {
                y[i] = r.nextDouble() < 1 / (1 + Math.exp(-(z[0] + r.nextGaussian() * 0.5 - 0.2))) ? 1 : 0;
            } else {
                int best = 0;
                for (int c = 0; c < outputs; c++) if (z[c] + r.nextGaussian() > z[best] + r.nextGaussian()) best = c;
                y[i] = best;
            }
            weights[i] = (float) r.nextDouble(0.2, 3);
        }
        for (int c = 0; c < classes; c++) y[c] = c;
        return Dataset.fromRows(x, y, weighted ? weights : null, classes);
    }

    /** The objective over {@code rows} (dense or sparse), its preconditioner from the dense copy's statistics. */
    private LogisticObjective objective(Dataset rows, Dataset dense, Loss loss, Penalty penalty, boolean intercept, boolean precondition) {
        DataTerm term = backend.bind(rows, loss);
        Preconditioner pre = precondition
                ? Preconditioner.fromStatistics(ColumnStatistics.of(dense), intercept, penalty.l2Coefficients(dense.weightSum(), dense.cols()))
                : Preconditioner.identity(dense.cols());
        return new LogisticObjective(term, loss, penalty, intercept, pre);
    }

    /** Runs tron on dense and sparse rows, and Newton on dense ones, and compares the objectives at model parameters. */
    private void assertReachesNewton(Dataset dense, Loss loss, Penalty penalty, boolean intercept, boolean precondition, String what) {
        LogisticObjective reference = objective(dense, dense, loss, penalty, intercept, precondition);
        OptimizationResult newton = new NewtonOptimizer().minimize(reference, new double[reference.dimension()], EXACT, TrainingListener.NONE);
        double jStar = reference.objectiveAtModel(reference.modelParameters(newton.solution()));
        for (Dataset rows : new Dataset[] {dense, dense.toSparse()}) {
            LogisticObjective f = objective(rows, dense, loss, penalty, intercept, precondition);
            OptimizationResult r = new TronOptimizer().minimize(f, new double[f.dimension()], TIGHT, TrainingListener.NONE);
            String label = what + (rows.isSparse() ? ", sparse" : ", dense");
            assertTrue(r.status().isConverged(), label + ": " + r.status() + " " + r.message());
            double j = reference.objectiveAtModel(f.modelParameters(r.solution()));
            assertTrue((j - jStar) / Math.abs(jStar) <= GAP, label + ": J " + j + " vs Newton's " + jStar + " (" + r.iterations() + " iterations)");
            assertEquals(r.iterations(), r.history().size());
        }
    }

    @Test
    void binaryReachesNewtonsOptimumDenseAndSparse() {
        for (boolean weighted : new boolean[] {false, true}) {
            Dataset d = data(300, 10, 2, weighted, 31);
            for (boolean intercept : new boolean[] {true, false}) {
                for (boolean precondition : new boolean[] {true, false}) {
                    String what = "binary, weighted " + weighted + ", intercept " + intercept + ", preconditioned " + precondition;
                    assertReachesNewton(d, Loss.log(), Penalty.l2(0.5), intercept, precondition, what);
                }
            }
        }
        assertReachesNewton(data(300, 10, 2, false, 32), Loss.log(), Penalty.none(), true, true, "binary, no penalty");
        // --standardize: the penalty on the columns' scales.
        Dataset d = data(300, 10, 2, true, 33);
        assertReachesNewton(d, Loss.log(), Penalty.l2(0.5).onScales(ColumnStatistics.of(d).std()), true, true, "binary, penalty on scales");
    }

    @Test
    void multinomialReachesNewtonsOptimumDenseAndSparse() {
        for (boolean weighted : new boolean[] {false, true}) {
            Dataset d = data(300, 6, 3, weighted, 41);
            for (boolean intercept : new boolean[] {true, false}) {
                for (boolean precondition : new boolean[] {true, false}) {
                    String what = "K=3, weighted " + weighted + ", intercept " + intercept + ", preconditioned " + precondition;
                    assertReachesNewton(d, Loss.multinomial(), Penalty.l2(0.5), intercept, precondition, what);
                }
            }
        }
        // No penalty: the Hessian is singular along the all-classes directions of every coordinate.
        assertReachesNewton(data(300, 6, 3, true, 42), Loss.multinomial(), Penalty.none(), true, true, "K=3, no penalty");
        Dataset d = data(300, 6, 3, false, 43);
        assertReachesNewton(d, Loss.multinomial(), Penalty.l2(0.5).onScales(ColumnStatistics.of(d).std()), false, true, "K=3, penalty on scales");
    }

    @Test
    void theOtherSmoothLossesReachNewtonsOptimum() {
        Dataset d = data(300, 8, 2, true, 51);
        assertReachesNewton(d, Loss.squaredHinge(), Penalty.l2(0.5), true, true, "squared hinge");
        // The MSE loss is non-convex: from zero both reach the same minimum here.
        assertReachesNewton(d, Loss.mse(), Penalty.l2(0.5), true, true, "mse");
    }

    /** Through the trainer on dense and sparse rows, binary and K = 3: the model Newton trains, centred across classes. */
    @Test
    void theTrainerRunsTronOnDenseAndSparseRows() {
        for (int classes : new int[] {2, 3}) {
            Dataset dense = data(250, 7, classes, true, 61 + classes);
            // Without the preconditioner: the trainer's column statistics are another change's (sparse standardization).
            TrainingOptions o = TrainingOptions.DEFAULT.withLoss(classes > 2 ? Loss.multinomial() : Loss.log()).withPenalty(Penalty.l2(1.0))
                    .withPrecondition(false).withCriteria(TIGHT);
            TrainingResult newton = Trainer.fit(backend, dense, o.withOptimizer("newton").withCriteria(EXACT), null);
            for (Dataset rows : new Dataset[] {dense, dense.toSparse()}) {
                TrainingResult tron = Trainer.fit(backend, rows, o.withOptimizer("tron"), null);
                String what = "K=" + classes + (rows.isSparse() ? ", sparse" : ", dense");
                assertEquals("tron", tron.optimizer());
                assertTrue(tron.status().isConverged(), what + ": " + tron.status() + " " + tron.message());
                assertTrue((tron.objective() - newton.objective()) / newton.objective() <= GAP, what + ": J " + tron.objective() + " vs " + newton.objective());
                FiniteDifferences.assertClose(parameters(newton.classifier()), parameters(tron.classifier()), 1e-5, 1e-6, what);
            }
        }
    }

    /** The model's parameters in the data term's layout: (θ, b), or K slices of them. */
    private static double[] parameters(LinearClassifier m) {
        if (m instanceof LogisticModel binary) {
            double[] p = java.util.Arrays.copyOf(binary.coefficients(), m.features() + 1);
            p[m.features()] = binary.intercept();
            return p;
        }
        SoftmaxModel softmax = (SoftmaxModel) m;
        int n = m.features();
        double[] p = new double[m.classes() * (n + 1)];
        for (int c = 0; c < m.classes(); c++) {
            for (int j = 0; j < n; j++) p[c * (n + 1) + j] = softmax.coefficient(c, j);
            p[c * (n + 1) + n] = softmax.intercept(c);
        }
        return p;
    }

    @Test
    void l1AndElasticNetAreRefusedNamingOwlqn() {
        for (Penalty p : new Penalty[] {Penalty.l1(1.0), Penalty.elasticNet(1.0, 0.5)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Trainer.fit(backend, data(50, 3, 2, false, 1), TrainingOptions.DEFAULT.withOptimizer("tron").withPenalty(p), null));
            assertTrue(e.getMessage().contains("tron") && e.getMessage().contains("owlqn"), e.getMessage());
        }
        LogisticObjective l1 = objective(data(50, 3, 2, false, 1), data(50, 3, 2, false, 1), Loss.log(), Penalty.l1(1.0), true, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TronOptimizer().minimize(l1, new double[l1.dimension()], StoppingCriteria.DEFAULT, TrainingListener.NONE));
        assertTrue(e.getMessage().contains("owlqn"), e.getMessage());
    }

    @Test
    void aBackendWithoutHessianVectorProductsIsRefusedByName() {
        try (WithoutHessian b = new WithoutHessian(new ReferenceBackend(), "plainpass")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Trainer.fit(b, data(50, 3, 2, false, 2), TrainingOptions.DEFAULT.withOptimizer("tron").withPenalty(Penalty.l2(1.0)), null));
            assertTrue(e.getMessage().contains("plainpass") && e.getMessage().contains("Hessian-vector") && e.getMessage().contains("lbfgs"), e.getMessage());
            assertEquals(0, b.liveAllocations(), "the bound data were freed");
        }
    }

    /**
     * OWL-QN on sparse rows lands on exact zeros: the coordinates proximal Newton (on the dense rows) puts at zero
     * are exactly 0.0, the others are not, and the objective agrees to 1e-9.
     */
    @Test
    void owlqnLandsOnExactZerosOnSparseRows() {
        Dataset dense = data(400, 12, 2, true, 71);
        Penalty p = Penalty.l1(3.0);
        LogisticObjective reference = objective(dense, dense, Loss.log(), p, true, true);
        OptimizationResult newton = new NewtonOptimizer().minimize(reference, new double[reference.dimension()], EXACT, TrainingListener.NONE);
        double[] expected = reference.modelParameters(newton.solution());
        LogisticObjective f = objective(dense.toSparse(), dense, Loss.log(), p, true, true);
        OptimizationResult r = new OwlqnOptimizer().minimize(f, new double[f.dimension()], StoppingCriteria.DEFAULT.withMaxIterations(5000), TrainingListener.NONE);
        assertTrue(r.status().isConverged(), r.status() + " " + r.message());
        double[] got = f.modelParameters(r.solution());
        int zeros = 0;
        for (int j = 0; j < dense.cols(); j++) {
            if (expected[j] == 0.0) {
                zeros++;
                assertEquals(0.0, got[j], 0.0, "coefficient " + j + " is zero at the optimum");
            } else {
                assertTrue(got[j] != 0.0, "coefficient " + j + " is " + expected[j] + " at the optimum, OWL-QN's is 0");
            }
        }
        assertTrue(zeros >= 2 && zeros < dense.cols(), "the penalty should zero some coefficients and not all: " + zeros + " zeros");
        double jStar = reference.objectiveAtModel(expected);
        assertTrue((reference.objectiveAtModel(got) - jStar) / jStar <= 1e-9, "J " + reference.objectiveAtModel(got) + " vs " + jStar);
    }
}
