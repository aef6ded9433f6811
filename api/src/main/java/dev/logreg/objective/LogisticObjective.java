package dev.logreg.objective;

import dev.logreg.backend.DataTerm;
import dev.logreg.backend.ParamShape;
import dev.logreg.loss.Loss;
import dev.logreg.optim.Objective;
import dev.logreg.penalty.Penalty;

import java.util.Objects;

/**
 * The training objective J = D(θ, b) + P(θ): a bound {@link DataTerm} (from any backend) plus a {@link Penalty}
 * added here, on the host, seen by the optimizer through an exact {@link Preconditioner}.
 *
 * <p>The data term's {@link ParamShape} has K outputs (1 for the binary losses, K classes for the multinomial loss),
 * each a slice of n coefficients and an intercept. The penalty applies to every slice's coefficients (for the
 * multinomial loss, every entry of W: P(W) = Σ_c P(θ_c)), never to an intercept; the preconditioner applies the same
 * map to every slice. The optimizer's variables u are K slices of length n+1 with a free intercept and n without one
 * (every b_c is then fixed at 0). m in the penalty is the data term's Σwᵢ over all rows. Per evaluation only the
 * model parameters go to the backend and as many gradient entries plus the value come back; the penalty, the chain
 * rule and the L1 coefficients cost O(K·n) on the host.
 *
 * <p>The multinomial loss is invariant under adding one vector to every class's slice (softmax is unchanged), so
 * along the coordinates the penalty leaves free (the intercepts always; a feature whose penalty coefficients are 0)
 * the objective is flat: its smooth Hessian is singular there and its gradient sums to zero across classes. {@link
 * #smoothHessian} adds a curvature along exactly those directions, which leaves every Newton step's component in the
 * other directions unchanged and makes the system positive definite (the step then does not move along them).
 *
 * <p>Not thread-safe (it reuses its buffers); evaluations are deterministic where the backend's are.
 */
public final class LogisticObjective implements Objective {
    private final DataTerm data;
    private final ZeroLogits atZero;
    private final Loss loss;
    private final Penalty penalty;
    private final boolean fitIntercept;
    private final Preconditioner preconditioner;
    private final ParamShape shape;
    private final int n;
    private final int k;
    /** Length of one class's slice of u: n+1 with a free intercept, else n. */
    private final int uStride;
    private final double m;
    private final double[] params;
    private final double[] gModel;
    private final double[] scale;
    /** One slice's scratch (model parameters, model gradient, u, u gradient), for K outputs. */
    private final double[] pSlice;
    private final double[] gSlice;
    private final double[] uSlice;
    private final double[] guSlice;
    /** A direction and its Hessian product in the model's layout, allocated by the first Hessian-vector product. */
    private double[] vModel;
    private double[] hvModel;

    public LogisticObjective(DataTerm data, Loss loss, Penalty penalty, boolean fitIntercept, Preconditioner preconditioner) {
        this(data, loss, penalty, fitIntercept, preconditioner, null);
    }

    /**
     * As {@link #LogisticObjective(DataTerm, Loss, Penalty, boolean, Preconditioner)}, evaluating the data term over
     * all rows at zero logits (every coefficient and intercept 0) from {@code atZero} instead of a pass.
     *
     * @param atZero the term at zero logits of the very rows {@code data} binds ({@link ZeroLogits#of}), or null
     */
    public LogisticObjective(DataTerm data, Loss loss, Penalty penalty, boolean fitIntercept, Preconditioner preconditioner,
                             ZeroLogits atZero) {
        this.data = Objects.requireNonNull(data, "data");
        if (atZero != null && (data.shape().outputs() != 1 || loss.kind() != Loss.Kind.LOG)) {
            throw new IllegalArgumentException("zero-logit sums are for the binary log loss, not " + loss.kind() + " over " + data.shape().outputs() + " outputs");
        }
        this.atZero = atZero;
        this.loss = Objects.requireNonNull(loss, "loss");
        this.penalty = Objects.requireNonNull(penalty, "penalty");
        this.fitIntercept = fitIntercept;
        this.shape = data.shape();
        this.n = data.features();
        this.k = shape.outputs();
        this.uStride = fitIntercept ? n + 1 : n;
        this.preconditioner = preconditioner == null ? Preconditioner.identity(n) : preconditioner;
        if (this.preconditioner.features() != n) {
            throw new IllegalArgumentException("preconditioner has " + this.preconditioner.features() + " features, data has " + n);
        }
        this.m = data.weightSum(0, data.rows());
        this.params = new double[shape.length()];
        this.gModel = new double[shape.length()];
        this.scale = this.preconditioner.scale();
        this.pSlice = new double[n + 1];
        this.gSlice = new double[n + 1];
        this.uSlice = new double[n + 1];
        this.guSlice = new double[n + 1];
    }

    /** The penalty. */
    public Penalty penalty() { return penalty; }

    /** Whether the intercept is free. */
    public boolean fitIntercept() { return fitIntercept; }

    /** The change of variables in use. */
    public Preconditioner preconditioner() { return preconditioner; }

    /** m = Σwᵢ over all rows. */
    public double weightSum() { return m; }

    /** The layout of the model parameters (the data term's). */
    public ParamShape shape() { return shape; }

    @Override public int dimension() { return k * uStride; }

    private void checkDimension(double[] u) {
        if (u.length != dimension()) {
            throw new IllegalArgumentException("parameter vector has length " + u.length + ", expected " + dimension()
                    + (k == 1 ? "" : " (" + k + " classes x " + uStride + ")")
                    + (fitIntercept ? " (features + intercept)" : " (features, no intercept)"));
        }
    }

    /** The model's parameters in the layout of {@link #shape()} (K·(n+1)), for optimizer variables u. */
    public double[] modelParameters(double[] u) {
        checkDimension(u);
        double[] p = new double[shape.length()];
        toModel(u, p);
        return p;
    }

    /** Optimizer variables u for the model's parameters (intercepts ignored without intercept). */
    public double[] optimizerVariables(double[] modelParams) {
        if (modelParams.length != shape.length()) {
            throw new IllegalArgumentException("model parameters have length " + modelParams.length + ", expected " + shape.describe());
        }
        double[] u = new double[dimension()];
        if (k == 1) {
            preconditioner.fromModel(modelParams, fitIntercept, u);
            return u;
        }
        for (int c = 0; c < k; c++) {
            System.arraycopy(modelParams, c * (n + 1), pSlice, 0, n + 1);
            preconditioner.fromModel(pSlice, fitIntercept, uSlice);
            System.arraycopy(uSlice, 0, u, c * uStride, uStride);
        }
        return u;
    }

    /** u to the model's parameters, one slice at a time (the binary case directly, as it always was). */
    private void toModel(double[] u, double[] p) {
        if (k == 1) {
            preconditioner.toModel(u, fitIntercept, p);
            return;
        }
        for (int c = 0; c < k; c++) {
            System.arraycopy(u, c * uStride, uSlice, 0, uStride);
            preconditioner.toModel(uSlice, fitIntercept, pSlice);
            System.arraycopy(pSlice, 0, p, c * (n + 1), n + 1);
        }
    }

    @Override
    public double smoothValueAndGradient(double[] u, double[] gradientOut) {
        return evaluate(0, data.rows(), u, gradientOut);
    }

    @Override
    public double batchValueAndGradient(long fromRow, long toRow, double[] u, double[] gradientOut) {
        return evaluate(fromRow, toRow, u, gradientOut);
    }

    private double evaluate(long from, long to, double[] u, double[] gradientOut) {
        checkDimension(u);
        toModel(u, params);
        double v = atZero != null && from == 0 && to == data.rows() && allZero(params)
                ? atZero.valueAndGradient(gModel)
                : data.valueAndGradient(from, to, params, gModel);
        if (k == 1) {
            v += penalty.addSmoothPart(params, n, m, gModel);
            preconditioner.gradientToU(gModel, fitIntercept, gradientOut);
            return v;
        }
        double pen = 0;
        for (int c = 0; c < k; c++) {
            System.arraycopy(params, c * (n + 1), pSlice, 0, n + 1);
            System.arraycopy(gModel, c * (n + 1), gSlice, 0, n + 1);
            pen += penalty.addSmoothPart(pSlice, n, m, gSlice);
            preconditioner.gradientToU(gSlice, fitIntercept, guSlice);
            System.arraycopy(guSlice, 0, gradientOut, c * uStride, uStride);
        }
        return v + pen;
    }

    private static boolean allZero(double[] p) {
        for (double x : p) {
            if (x != 0) return false;
        }
        return true;
    }

    @Override
    public double smoothValue(double[] u) {
        checkDimension(u);
        toModel(u, params);
        double v = data.value(params);
        if (k == 1) return v + penalty.smoothValue(params, n, m);
        double pen = 0;
        for (int c = 0; c < k; c++) {
            System.arraycopy(params, c * (n + 1), pSlice, 0, n + 1);
            pen += penalty.smoothValue(pSlice, n, m);
        }
        return v + pen;
    }

    /** The whole objective J at model parameters (layout of {@link #shape()}), as the user states it. */
    public double objectiveAtModel(double[] modelParams) {
        if (k == 1) return data.value(modelParams) + penalty.value(modelParams, n, m);
        double pen = 0;
        for (int c = 0; c < k; c++) {
            System.arraycopy(modelParams, c * (n + 1), pSlice, 0, n + 1);
            pen += penalty.value(pSlice, n, m);
        }
        return data.value(modelParams) + pen;
    }

    @Override
    public double l1Coefficient(int i) {
        // The intercepts are never penalised; in u, |θⱼ| = |uⱼ|/sⱼ.
        int j = i % uStride;
        return j < n ? penalty.l1Coefficient(m, j) / scale[j] : 0.0;
    }

    @Override public boolean isSmooth() { return penalty.isSmooth(); }

    @Override public boolean isConvex() { return loss.isConvex(); }

    @Override public boolean hasHessian() { return data.supportsHessian(); }

    @Override
    public void smoothHessian(double[] u, double[] out) {
        checkDimension(u);
        int d = dimension();
        if (out.length != d * d) throw new IllegalArgumentException("out has length " + out.length + ", expected " + d * d);
        toModel(u, params);
        int D = n + 1;
        int full = shape.length();
        double[] h = new double[full * full];
        data.hessian(params, h);
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < n; j++) h[(c * D + j) * full + c * D + j] += penalty.l2Coefficient(m, j);
        }
        if (k == 1) {
            preconditioner.hessianToU(h, fitIntercept, out);
            return;
        }
        // Hᵤ = Aᵀ H A with A block-diagonal (the same map per class): block (c, e) of Hᵤ is A₀ᵀ H_ce A₀.
        double[] block = new double[D * D];
        double[] blockU = new double[uStride * uStride];
        for (int c = 0; c < k; c++) {
            for (int e = 0; e < k; e++) {
                for (int r = 0; r < D; r++) System.arraycopy(h, (c * D + r) * full + e * D, block, r * D, D);
                preconditioner.hessianToU(block, fitIntercept, blockU);
                for (int r = 0; r < uStride; r++) System.arraycopy(blockU, r * uStride, out, (c * uStride + r) * d + e * uStride, uStride);
            }
        }
        addSymmetryCurvature(out, d);
    }

    @Override public boolean hasHessianVector() { return data.supportsHessianVector(); }

    /**
     * Hᵤv = Aᵀ(H + P'')Av, A the Jacobian of the model's parameters in u (the preconditioner's map, applied per
     * class): toModel is linear in u, so Av is toModel(v); the data term's product at the model's parameters; the L2
     * part's curvature c₂ⱼ on every coefficient (never an intercept); and Aᵀ is the chain rule, gradientToU, per
     * class. One pass over the data; O(K·n) on the host. Unlike {@link #smoothHessian} no curvature is added along
     * the multinomial objective's flat directions: a conjugate-gradient solve started from the gradient, which is
     * orthogonal to them, never leaves the range of the Hessian, and the trainer centres the result across classes.
     */
    @Override
    public void smoothHessianVector(double[] u, double[] v, double[] out) {
        checkDimension(u);
        checkDimension(v);
        checkDimension(out);
        if (vModel == null) {
            vModel = new double[shape.length()];
            hvModel = new double[shape.length()];
        }
        toModel(u, params);
        toModel(v, vModel);
        data.hessianVector(params, vModel, hvModel);
        int D = n + 1;
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < n; j++) hvModel[c * D + j] += penalty.l2Coefficient(m, j) * vModel[c * D + j];
        }
        if (k == 1) {
            preconditioner.gradientToU(hvModel, fitIntercept, out);
            return;
        }
        for (int c = 0; c < k; c++) {
            System.arraycopy(hvModel, c * D, gSlice, 0, D);
            preconditioner.gradientToU(gSlice, fitIntercept, guSlice);
            System.arraycopy(guSlice, 0, out, c * uStride, uStride);
        }
    }

    /**
     * Adds s·vvᵀ for each flat direction v of the multinomial objective (see the class comment): v has a 1 at
     * coordinate j of every class's slice, for each coordinate j the penalty leaves free. s is the mean diagonal of
     * Hᵤ, so the added curvature is on the scale of the rest.
     */
    private void addSymmetryCurvature(double[] out, int d) {
        double trace = 0;
        for (int i = 0; i < d; i++) trace += out[i * d + i];
        double s = trace > 0 && Double.isFinite(trace) ? trace / d : 1.0;
        for (int j = 0; j < uStride; j++) {
            boolean free = j == n || (penalty.l1Coefficient(m, j) == 0.0 && penalty.l2Coefficient(m, j) == 0.0);
            if (!free) continue;
            for (int c = 0; c < k; c++) {
                for (int e = 0; e < k; e++) out[(c * uStride + j) * d + e * uStride + j] += s;
            }
        }
    }

    /**
     * The coordinates, in the model's layout, along which the multinomial objective is flat: every intercept where
     * the intercept is free, and each feature's coefficients where the penalty leaves that feature free (no penalty
     * at all, or a scale of 0). {@code result[j]} for j in [0, n] (n the intercept). All false for one output.
     */
    public boolean[] flatCoordinates() {
        boolean[] free = new boolean[n + 1];
        if (k == 1) return free;
        for (int j = 0; j < n; j++) free[j] = penalty.l1Coefficient(m, j) == 0.0 && penalty.l2Coefficient(m, j) == 0.0;
        free[n] = fitIntercept;
        return free;
    }

    @Override public long rows() { return data.rows(); }
}
