package dev.logreg.optim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LineSearchAndMemoryTest {
    @Test
    void acceptedStepsSatisfyTheStrongWolfeConditions() {
        // Rosenbrock-like valley in 2-D through the toy objective's interface.
        Objective f = new ToyObjective(new double[]{1, 1}, new double[]{0, 0}, 0, Double.POSITIVE_INFINITY, 0) {
            @Override public double smoothValueAndGradient(double[] x, double[] g) {
                double a = 1 - x[0], b = x[1] - x[0] * x[0];
                g[0] = -2 * a - 400 * x[0] * b;
                g[1] = 200 * b;
                return a * a + 100 * b * b;
            }
        };
        Progress p = new Progress(StoppingCriteria.DEFAULT, TrainingListener.NONE);
        StrongWolfeLineSearch s = new StrongWolfeLineSearch(f, p);
        for (double[] x : new double[][]{{-1.2, 1}, {0, 0}, {2, 2}, {0.5, -1}}) {
            double[] g = new double[2];
            double fx = f.smoothValueAndGradient(x, g);
            double[] d = {-g[0], -g[1]};
            double slope = Vectors.dot(g, d);
            for (double alpha0 : new double[]{1e-4, 1, 100}) {
                double[] xn = new double[2];
                double[] gn = new double[2];
                assertEquals(StrongWolfeLineSearch.Outcome.ACCEPTED, s.search(x, fx, d, slope, alpha0, xn, gn));
                assertTrue(s.value <= fx + StrongWolfeLineSearch.C1 * s.step * slope, "sufficient decrease fails at step " + s.step);
                assertTrue(Math.abs(Vectors.dot(gn, d)) <= StrongWolfeLineSearch.C2 * Math.abs(slope), "curvature fails at step " + s.step
                        + " from " + java.util.Arrays.toString(x) + ", alpha0 " + alpha0);
            }
        }
    }

    /**
     * Near a minimum of a large sum the value's rounding (here 1e-13 of it, the size measured over 4,000,000 rows)
     * hides a decrease of 1e-15, while the gradient stays exact: the search must accept on the curvature condition
     * within a few evaluations (before the noise band it bisected for its whole budget of 30, then failed), from
     * trial steps far too short, about right, and far too long.
     */
    @Test
    void decreasesBelowTheValuesRoundingAreAcceptedOnTheirCurvature() {
        double[] scale = {1, 3, 0.5};
        int[] calls = {0};
        Objective f = new ToyObjective(new double[]{1, 1, 1}, new double[]{0, 0, 0}, 0, Double.POSITIVE_INFINITY, 0) {
            @Override public double smoothValueAndGradient(double[] x, double[] g) {
                calls[0]++;
                double v = 0.5;
                long h = 17;
                for (int i = 0; i < x.length; i++) {
                    g[i] = scale[i] * x[i];
                    v += 0.5 * scale[i] * x[i] * x[i];
                    h = h * 31 + Double.doubleToLongBits(x[i]);
                }
                // Rounding noise: a fixed function of x, up to 1e-13 of the value either way.
                double noise = ((h * 0x9E3779B97F4A7C15L >>> 11) * 0x1.0p-53 * 2 - 1) * 1e-13 * v;
                return v + noise;
            }
        };
        StrongWolfeLineSearch s = new StrongWolfeLineSearch(f, new Progress(StoppingCriteria.DEFAULT, TrainingListener.NONE));
        double[] x = {1e-7, -2e-7, 1.5e-7};
        double[] g = new double[3];
        double fx = f.smoothValueAndGradient(x, g);
        double[] d = {-g[0], -g[1], -g[2]};
        double slope = Vectors.dot(g, d);
        for (double alpha0 : new double[]{1e-4, 1, 1e3}) {
            calls[0] = 0;
            double[] xn = new double[3];
            double[] gn = new double[3];
            assertEquals(StrongWolfeLineSearch.Outcome.ACCEPTED, s.search(x, fx, d, slope, alpha0, xn, gn), "alpha0 " + alpha0);
            assertTrue(Math.abs(Vectors.dot(gn, d)) <= StrongWolfeLineSearch.C2 * Math.abs(slope), "curvature fails at step " + s.step);
            // Measured 4, 2 and 11 (the longest first brackets the minimum by the cubic on values above the noise).
            int most = alpha0 > 100 ? 12 : 6;
            assertTrue(calls[0] <= most, calls[0] + " evaluations from alpha0 " + alpha0 + ", at most " + most);
        }
    }

    @Test
    void pairsWithoutPositiveCurvatureAreSkipped() {
        LbfgsMemory m = new LbfgsMemory(3, 2);
        assertFalse(m.update(new double[]{1, 0}, new double[]{-1, 0}));
        assertFalse(m.update(new double[]{1, 0}, new double[]{0, 1}));
        assertEquals(0, m.size());
        assertTrue(m.update(new double[]{1, 0}, new double[]{2, 0}));
        assertEquals(1, m.size());
    }

    @Test
    void twoLoopRecursionRecoversADiagonalQuadratic() {
        // For F = ½ xᵀAx with A = diag(2, 8), pairs along the axes carry the exact curvature, so d = −A⁻¹g.
        LbfgsMemory m = new LbfgsMemory(5, 2);
        m.update(new double[]{1, 0}, new double[]{2, 0});
        m.update(new double[]{0, 1}, new double[]{0, 8});
        double[] d = new double[2];
        m.direction(new double[]{4, 4}, d);
        assertEquals(-2.0, d[0], 1e-12);
        assertEquals(-0.5, d[1], 1e-12);
    }

    /**
     * The first step before any curvature pair: where every coordinate's curvature is 1/4 (what the preconditioner
     * gives a log loss) and the gradient is small, the trial step 4 is Newton's, so both quasi-Newton methods land on
     * the minimizer in their first iteration (a unit step, the rule before, went a quarter of the way); where the
     * gradient is longer than 1/4, the first trial is a step of unit length.
     */
    @Test
    void theFirstStepIsNewtonsWhereTheCurvatureIsAQuarter() {
        double[] quarter = {0.25, 0.25, 0.25};
        double[] c = {0.1, -0.2, 0.05};
        double l1 = 1e-3;
        OptimizationResult lbfgs = new LbfgsOptimizer().minimize(new ToyObjective(quarter, c, 0, Double.POSITIVE_INFINITY, 0),
                new double[3], StoppingCriteria.DEFAULT, TrainingListener.NONE);
        OptimizationResult owlqn = new OwlqnOptimizer().minimize(new ToyObjective(quarter, c, l1, Double.POSITIVE_INFINITY, 0),
                new double[3], StoppingCriteria.DEFAULT, TrainingListener.NONE);
        for (int i = 0; i < 3; i++) {
            assertEquals(c[i], lbfgs.solution()[i], 1e-15, "L-BFGS");
            assertEquals(c[i] - Math.signum(c[i]) * l1 / quarter[i], owlqn.solution()[i], 1e-15, "OWL-QN, soft-thresholded");
        }
        for (OptimizationResult r : new OptimizationResult[] {lbfgs, owlqn}) {
            assertEquals(4.0, r.history().get(0).stepSize(), r.toString());
            assertEquals(1, r.iterations(), r.toString());
        }

        double[] far = {4, 4, 4};
        OptimizationResult longGradient = new LbfgsOptimizer().minimize(new ToyObjective(quarter, far, 0, Double.POSITIVE_INFINITY, 0),
                new double[3], StoppingCriteria.DEFAULT, TrainingListener.NONE);
        // g = -(1, 1, 1) at 0: the first trial 1/|g| = 1/sqrt(3), which the line search accepts (|phi'| falls to 0.86 of it).
        assertEquals(1 / Math.sqrt(3), longGradient.history().get(0).stepSize(), 1e-15);
    }
}
