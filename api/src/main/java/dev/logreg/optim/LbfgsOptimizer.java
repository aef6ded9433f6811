package dev.logreg.optim;

import dev.logreg.penalty.Penalty;

import java.util.EnumSet;
import java.util.Set;

/**
 * Limited-memory BFGS (Nocedal 1980, "Updating quasi-Newton matrices with limited storage"; Liu &amp; Nocedal 1989,
 * "On the limited memory BFGS method for large scale optimization") with a strong-Wolfe line search by safeguarded
 * cubic interpolation (Nocedal &amp; Wright, Algorithms 3.5/3.6; cf. Moré &amp; Thuente 1994). The default for the
 * smooth penalties (none, L2).
 *
 * <p>Safeguards (as in cuML's {@code qn_solvers.cuh}): the pair (s, y) is skipped when s·y ≤ ε·y·y; where the
 * two-loop direction is not a descent direction (g·d ≥ 0) the memory is cleared and the step is steepest descent;
 * on a non-finite value or gradient the search stops at the last finite iterate with {@link Status#NUMERIC_ERROR}.
 *
 * <p>Initial matrix H₀ = γI with γ = s·y / y·y of the newest pair (Liu &amp; Nocedal); before the first pair the
 * trial step along −g is min(4, 1/‖g‖₂) ({@link LbfgsMemory#firstStep}: about Newton's on the preconditioned
 * problem), every other trial starts at 1. Badly scaled features and an L2 penalty on raw scales are the
 * objective's business ({@link dev.logreg.objective.Preconditioner}), so that every iteration costs one pass over the
 * data and nothing more (a Hessian-diagonal start was tried: it saved little once the preconditioner balances the
 * penalty's curvature, and a Hessian pass costs O(m·n²)).
 *
 * <p>Immutable configuration; each {@link #minimize} call has its own state, so one instance may serve many threads.
 */
public final class LbfgsOptimizer implements Optimizer {
    /**
     * History length used by {@link #LbfgsOptimizer()}: 40 pairs, not the customary 10, because an iteration is a pass
     * over the data and the pairs cost only O(pairs·n) on the host. On nearly collinear columns the longer memory
     * saves most of the passes: breast cancer, L2 λ = 1, 524 evaluations with 10 pairs, 148 with 40 (without an
     * intercept 1,500 and 187); the hard synthetic set 116 and 51. See {@link #PAIR_BUDGET_DOUBLES} for very wide data.
     */
    public static final int DEFAULT_HISTORY = 40;

    /**
     * Most doubles the pairs may take (2^25, 256 MiB): a history over 10 is cut, down to 10 at the least, where
     * 2·pairs·n would exceed it (n over 419,430 for 40 pairs). At 10^7 variables the pairs are then 1.6 GB (40 would be
     * 6.4 GB), with 11 working vectors beside them; the floor of 10, the customary history, because fewer pairs cost
     * iterations, each a pass over the data. With an L2 penalty {@link TronOptimizer} needs 8 vectors in all.
     */
    public static final long PAIR_BUDGET_DOUBLES = 1L << 25;

    /** The customary history, the least a long history is cut to by {@link #PAIR_BUDGET_DOUBLES}. */
    static final int SHORT_HISTORY = 10;

    private final int history;

    /** L-BFGS with {@link #DEFAULT_HISTORY} pairs. */
    public LbfgsOptimizer() {
        this(DEFAULT_HISTORY);
    }

    /**
     * @param history number of (s, y) pairs kept, at least 1
     */
    public LbfgsOptimizer(int history) {
        if (history < 1) throw new IllegalArgumentException("L-BFGS history is " + history + ", expected at least 1");
        this.history = history;
    }

    /** Number of (s, y) pairs kept (at most; see {@link #historyFor}). */
    public int history() { return history; }

    /** The pairs kept for {@code dimension} variables: {@link #history()}, cut by {@link #PAIR_BUDGET_DOUBLES}. */
    public int historyFor(int dimension) {
        if (history <= SHORT_HISTORY) return history;
        long fits = PAIR_BUDGET_DOUBLES / (2L * Math.max(1, dimension));
        return (int) Math.max(SHORT_HISTORY, Math.min(history, fits));
    }

    @Override public String name() { return "lbfgs"; }

    @Override public Set<Penalty.Kind> supportedPenalties() { return EnumSet.of(Penalty.Kind.NONE, Penalty.Kind.L2); }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException where {@code f} has an L1 part (use {@link OwlqnOptimizer}) or {@code x0} does
     *                                  not fit it
     */
    @Override
    public OptimizationResult minimize(Objective f, double[] x0, StoppingCriteria criteria, TrainingListener listener) {
        double[] x = Vectors.checkStart(f, x0);
        if (!f.isSmooth()) checkSupports(Penalty.Kind.L1);
        Progress p = new Progress(criteria, listener);
        int n = x.length;
        double[] g = new double[n];
        Progress.Start start = p.start(f, x, g);
        if (start.finished() != null) return start.finished();
        double fx = start.value();
        double gNorm = start.gradientNorm();

        LbfgsMemory memory = new LbfgsMemory(historyFor(n), n);
        StrongWolfeLineSearch search = new StrongWolfeLineSearch(f, p);
        double[] d = new double[n];
        double[] xNew = new double[n];
        double[] gNew = new double[n];
        boolean retriedSteepest = false;
        while (true) {
            memory.direction(g, d);
            double slope = Vectors.dot(g, d);
            if (!(slope < 0)) {
                // Not a descent direction (rounding in the memory): start over from steepest descent.
                memory.clear();
                memory.direction(g, d);
                slope = Vectors.dot(g, d);
            }
            double alpha0 = memory.size() == 0 ? LbfgsMemory.firstStep(g) : 1.0;
            StrongWolfeLineSearch.Outcome o = search.search(x, fx, d, slope, alpha0, xNew, gNew);
            if (o == StrongWolfeLineSearch.Outcome.NON_FINITE) {
                return p.nonFiniteInLineSearch(x, fx, gNorm);
            }
            if (o == StrongWolfeLineSearch.Outcome.FAILED) {
                if (memory.size() > 0 && !retriedSteepest) {
                    // The quasi-Newton direction may be poor; one more try along −g before giving up.
                    memory.clear();
                    retriedSteepest = true;
                    continue;
                }
                return p.lineSearchFailed(x, fx, gNorm, "gradient");
            }
            retriedSteepest = false;
            memory.update(x, xNew, g, gNew);
            double previous = fx;
            System.arraycopy(xNew, 0, x, 0, n);
            System.arraycopy(gNew, 0, g, 0, n);
            fx = search.value;
            gNorm = Vectors.infNorm(g);
            Status st = p.afterIteration(previous, fx, gNorm, search.step);
            if (st != null) return p.finish(x, fx, gNorm, st, Progress.describe(st));
        }
    }

    @Override
    public String toString() {
        return "lbfgs(history=" + history + ")";
    }
}
