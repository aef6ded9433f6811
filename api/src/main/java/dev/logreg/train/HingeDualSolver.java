package dev.logreg.train;

import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;
import dev.logreg.loss.Loss;
import dev.logreg.model.LogisticModel;
import dev.logreg.optim.IterationState;
import dev.logreg.optim.OptimizationResult;
import dev.logreg.optim.Status;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.optim.TrainingListener;
import dev.logreg.penalty.Penalty;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The linear support vector machine with the plain hinge loss and an L2 penalty, by the dual coordinate descent of
 * Hsieh, Chang, Lin, Keerthi and Sundararajan, "A Dual Coordinate Descent Method for Large-scale Linear SVM" (ICML
 * 2008), Algorithm 1: the method of LIBLINEAR's L2-regularized L1-loss SVC dual solver ({@code -s 3}), written here
 * from the paper. <b>Not logistic regression</b>: a comparison beside it.
 *
 * <p>The objective, in this project's scaling (M = Σwᵢ, y′ᵢ = 2yᵢ − 1, x̃ᵢ = (xᵢ, 1) and w̃ = (θ, b) with an
 * intercept, x̃ᵢ = xᵢ and w̃ = θ without):
 * <pre>
 *   J(w̃) = (1/M) Σᵢ wᵢ max(0, 1 − y′ᵢ w̃·x̃ᵢ) + (λ/2M) ‖w̃‖²
 * </pre>
 * Multiplied by M/λ it is LIBLINEAR's primal ½‖w̃‖² + Σᵢ Cᵢ max(0, 1 − y′ᵢ w̃·x̃ᵢ) with <b>Cᵢ = wᵢ/λ</b>: C = 1/λ per unit
 * of sample weight. The dual is min over 0 ≤ αᵢ ≤ Cᵢ of ½ αᵀQα − Σαᵢ, Qᵢⱼ = y′ᵢy′ⱼ x̃ᵢ·x̃ⱼ, with w̃ = Σ αᵢ y′ᵢ x̃ᵢ kept
 * up to date so that each coordinate step costs one pass over one row.
 *
 * <p><b>The intercept is penalised</b> here, unlike everywhere else in this project: it is LIBLINEAR's bias feature
 * (a constant 1 appended to each row, bias B = 1), so b² is inside the L2 penalty. An unpenalised intercept turns the
 * dual's box into a box plus the equality Σ αᵢ y′ᵢ = 0, which single-coordinate steps cannot keep (it needs pairs of
 * coordinates, as SMO); we keep the paper's method and say so. The effect is that of a ridge on b: small where λ is
 * small against M.
 *
 * <p>Stopping: after each pass over the rows (in an order shuffled by the seed each pass, as the paper's random
 * permutation), where the spread of the projected gradient over the pass, max PG − min PG, is at most
 * {@link StoppingCriteria#gradientTolerance()} (LIBLINEAR's test, with its ε; LIBLINEAR's default is 0.1, ours the
 * criteria's, far tighter). {@link StoppingCriteria#maxIterations()} bounds the passes; the time budget and the
 * listener's cancellation are checked after each pass, and the listener sees, per pass, the dual objective (in J's
 * units, a lower bound of min J) as the objective and the spread as the gradient norm. The result reports the primal J, the dual in the same units
 * and their gap, which bounds J − J* (weak duality).
 *
 * <p>Host-only (the rows are read from the {@link Dataset} in place; one pass per iteration); single-threaded and
 * deterministic for a given seed. Sparse (CSR) rows, LIBLINEAR's natural habitat, are read as they are: a coordinate
 * step costs the row's nonzeros (its dot product with w̃ and the update of w̃), and ‖x̃ᵢ‖² is taken once, from the
 * nonzeros; only w̃ (n + 1 doubles) and the per-row α, Cᵢ and ‖x̃ᵢ‖² are dense. Stateless.
 */
public final class HingeDualSolver {
    private HingeDualSolver() {}

    /**
     * The dual coordinate descent's outcome.
     *
     * @param theta      the coefficients θ (n)
     * @param intercept  b (0 without an intercept)
     * @param alpha      the dual variables, one per row in row order, each in [0, Cᵢ] (Cᵢ = wᵢ/λ)
     * @param primal     J at (θ, b), the objective above
     * @param dual       the dual objective in J's units, (λ/M)(Σαᵢ − ½‖w̃(α)‖²): a lower bound on min J
     * @param spread     max PG − min PG over the last pass (the stopping test)
     * @param passes     passes over the rows
     * @param status     {@link Status#CONVERGED_GRADIENT} where the spread met the tolerance, else why it stopped
     */
    public record Solution(double[] theta, double intercept, double[] alpha, double primal, double dual, double spread, int passes,
                           Status status) {
        public Solution {
            theta = theta.clone();
            alpha = alpha.clone();
        }

        /** θ (a copy). */
        @Override
        public double[] theta() {
            return theta.clone();
        }

        /** The dual variables (a copy). */
        @Override
        public double[] alpha() {
            return alpha.clone();
        }

        /** primal − dual ≥ 0: how far J at this solution can be above the optimum. */
        public double gap() {
            return primal - dual;
        }
    }

    /**
     * Solves the hinge-loss SVM on {@code data} (binary labels 0/1, sample weights where given).
     *
     * @param lambda       the L2 strength λ &gt; 0 (C = 1/λ per unit weight)
     * @param fitIntercept whether to learn b (a penalised bias feature, see the class comment)
     * @param seed         seed of the passes' row orders
     * @throws IllegalArgumentException on K-class data, λ not &gt; 0 or not finite, or no row of positive weight
     */
    public static Solution solve(Dataset data, double lambda, boolean fitIntercept, StoppingCriteria criteria, long seed,
                                 TrainingListener listener) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(criteria, "criteria");
        TrainingListener l = listener == null ? TrainingListener.NONE : listener;
        if (data.classes() != 2) {
            throw new IllegalArgumentException("the hinge loss is binary (labels 0 or 1), but the data have " + data.classes()
                    + " classes: train one-vs-rest, or use the multinomial log loss");
        }
        if (!(lambda > 0) || !Double.isFinite(lambda)) {
            throw new IllegalArgumentException("the hinge loss is trained with an L2 penalty λ > 0 (C = 1/λ); λ is " + lambda);
        }
        if (data.rows() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the hinge solver supports at most 2^31 - 9 rows; the data have " + data.rows());
        }
        int m = (int) data.rows();
        int n = data.cols();
        int d = fitIntercept ? n + 1 : n;
        RowBlock[] blocks = data.blocks().toArray(new RowBlock[0]);
        int[] blockOf = new int[m];
        double[] ySign = new double[m];
        double[] upper = new double[m];
        double[] diag = new double[m];
        double weightSum = 0;
        for (int bi = 0; bi < blocks.length; bi++) {
            RowBlock b = blocks[bi];
            FloatBuffer labels = b.labels();
            for (int i = 0; i < b.rows(); i++) {
                int row = (int) (b.firstRow() + i);
                blockOf[row] = bi;
                ySign[row] = labels.get(i) == 1f ? 1.0 : -1.0;
                double w = b.weight(i);
                weightSum += w;
                upper[row] = w / lambda;
                diag[row] = (fitIntercept ? 1.0 : 0.0) + b.squaredNorm(i);
            }
        }
        if (!(weightSum > 0)) throw new IllegalArgumentException("no row has a positive weight: the hinge objective is undefined");
        int[] held = heldColumns(data);

        double[] alpha = new double[m];
        double[] w = new double[d];
        // A row with x̃ = 0 has dual gradient −1 whatever w̃ is: its α sits at its bound Cᵢ and never moves w̃.
        for (int i = 0; i < m; i++) if (diag[i] == 0) alpha[i] = upper[i];
        int[] order = new int[m];
        for (int i = 0; i < m; i++) order[i] = i;
        SplittableRandom random = new SplittableRandom(seed);
        long start = System.nanoTime();
        long deadline = criteria.timeBudget() == null ? Long.MAX_VALUE : start + criteria.timeBudget().toNanos();
        double eps = criteria.gradientTolerance();
        Status status = Status.MAX_ITERATIONS;
        double spread = Double.POSITIVE_INFINITY;
        int passes = 0;
        while (passes < criteria.maxIterations()) {
            for (int i = m - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            double maxPg = Double.NEGATIVE_INFINITY;
            double minPg = Double.POSITIVE_INFINITY;
            for (int r : order) {
                double c = upper[r];
                if (c == 0 || diag[r] == 0) continue;
                RowBlock b = blocks[blockOf[r]];
                int local = (int) (r - b.firstRow());
                double dot = (fitIntercept ? w[n] : 0.0) + b.dot(local, w, 0);
                double g = ySign[r] * dot - 1.0;
                double a = alpha[r];
                // The projected gradient: 0 where the box stops the step (Hsieh et al., eq. (9)).
                double pg = a == 0 ? Math.min(g, 0.0) : a == c ? Math.max(g, 0.0) : g;
                maxPg = Math.max(maxPg, pg);
                minPg = Math.min(minPg, pg);
                if (pg != 0) {
                    double next = Math.min(Math.max(a - g / diag[r], 0.0), c);
                    double step = (next - a) * ySign[r];
                    alpha[r] = next;
                    b.addScaled(local, step, w, 0);
                    if (fitIntercept) w[n] += step;
                }
            }
            passes++;
            spread = maxPg == Double.NEGATIVE_INFINITY ? 0.0 : maxPg - minPg;
            // The listener sees the dual objective in J's units (a lower bound of min J; O(m + columns held) a pass) and the spread.
            l.onIteration(new IterationState(passes, dualObjective(alpha, w, held, fitIntercept, lambda, weightSum), spread, Double.NaN, passes, System.nanoTime() - start));
            if (spread <= eps) {
                status = Status.CONVERGED_GRADIENT;
                break;
            }
            if (l.stopRequested()) {
                status = Status.CANCELLED;
                break;
            }
            if (System.nanoTime() > deadline) {
                status = Status.TIME_BUDGET;
                break;
            }
        }

        double hinge = 0;
        for (int r = 0; r < m; r++) {
            RowBlock b = blocks[blockOf[r]];
            int local = (int) (r - b.firstRow());
            double weight = b.weight(local);
            if (weight == 0) continue;
            double dot = (fitIntercept ? w[n] : 0.0) + b.dot(local, w, 0);
            hinge += weight * Math.max(0.0, 1.0 - ySign[r] * dot);
        }
        double norm2 = 0;
        for (double v : w) norm2 += v * v;
        double primal = hinge / weightSum + lambda / (2 * weightSum) * norm2;
        double dual = dualObjective(alpha, w, held, fitIntercept, lambda, weightSum);
        double[] theta = java.util.Arrays.copyOf(w, n);
        return new Solution(theta, fitIntercept ? w[n] : 0.0, alpha, primal, dual, spread, passes, status);
    }

    /**
     * (λ/M)(Σαᵢ − ½‖w̃‖²): LIBLINEAR's dual, negated and in J's units. ‖w̃‖² is summed over the columns some row holds
     * ({@code held}, ascending) and the intercept: w̃ is exactly 0 elsewhere (only rows' entries ever move it), and a
     * +0 leaves a double sum unchanged, so this is the full sum's value at O(columns held) rather than O(n) a pass
     * (2<sup>24</sup> hashed features, a few thousand of them used: the difference between the pass and the report).
     */
    private static double dualObjective(double[] alpha, double[] w, int[] held, boolean fitIntercept, double lambda, double weightSum) {
        double alphaSum = 0;
        for (double a : alpha) alphaSum += a;
        double norm2 = 0;
        for (int j : held) norm2 += w[j] * w[j];
        if (fitIntercept) norm2 += w[w.length - 1] * w[w.length - 1];   // w̃ = (θ, b): b last
        return lambda / weightSum * (alphaSum - 0.5 * norm2);
    }

    /** The columns some row holds, ascending: every column of dense data; the distinct indices of sparse data. */
    private static int[] heldColumns(Dataset data) {
        int n = data.cols();
        if (!data.isSparse()) return java.util.stream.IntStream.range(0, n).toArray();
        java.util.BitSet seen = new java.util.BitSet(n);
        for (RowBlock b : data.blocks()) {
            java.nio.IntBuffer idx = b.indices();
            for (int k = 0, end = (int) b.nonzeros(); k < end; k++) seen.set(idx.get(k));
        }
        return seen.stream().toArray();
    }

    /**
     * Trains the hinge-loss model of {@code options} (loss {@link Loss#hinge()}, an L2 penalty with λ &gt; 0 on the
     * coefficients themselves) as a {@link TrainingResult}: a {@link LogisticModel} whose decision function
     * z = θ·x + b is the SVM's (predict: class 1 where z ≥ 0, the probability threshold 0.5). Its
     * {@link LogisticModel#predictProbability} is σ(z), a monotone map of the margin and <b>not a probability</b>.
     * The result's objective is J (with b² inside the penalty, see the class comment), its optimization record the
     * passes, with the final spread of the projected gradient as the gradient norm.
     *
     * @throws IllegalArgumentException on another penalty than L2 with λ &gt; 0, a standardized penalty, and as
     *                                  {@link #solve}
     */
    static TrainingResult train(Dataset data, TrainingOptions options, TrainingListener listener) {
        Penalty p = options.penalty();
        if (p.kind() != Penalty.Kind.L2 || !(p.lambda() > 0)) {
            throw new IllegalArgumentException("the hinge loss is trained by dual coordinate descent with an L2 penalty λ > 0 (C = 1/λ);"
                    + " the penalty is " + p + ": use Penalty.l2(λ) (--penalty l2 --lambda λ)");
        }
        if (p.scales() != null) {
            throw new IllegalArgumentException("the hinge solver penalises the coefficients themselves; a standardized penalty is not supported:"
                    + " standardize the features beforehand, or leave standardize off");
        }
        long t0 = System.nanoTime();
        Solution s = solve(data, p.lambda(), options.fitIntercept(), options.criteria(), options.seed(), listener);
        long elapsed = System.nanoTime() - t0;
        LogisticModel model = new LogisticModel(s.theta(), s.intercept(), options.fitIntercept(), data.featureNames());
        double[] solution = java.util.Arrays.copyOf(s.theta(), data.cols() + 1);
        solution[data.cols()] = s.intercept();
        List<IterationState> history = new ArrayList<>();
        OptimizationResult r = new OptimizationResult(solution, s.primal(), s.spread(), s.status(), s.passes(), s.passes(), elapsed, history,
                "dual coordinate descent (Hsieh et al. 2008): " + s.passes() + " passes, projected-gradient spread " + s.spread()
                        + ", primal-dual gap " + s.gap());
        String message = "hinge loss (a linear SVM, not logistic regression): the intercept is penalised as LIBLINEAR's bias feature;"
                + " predictProbability gives sigma(margin), not a probability";
        return new TrainingResult(model, s.status(), s.primal(), r, "dual-cd", "host: dual coordinate descent, float64, 1 thread", options, message);
    }
}
