package dev.logreg.objective;

import dev.logreg.backend.DataTerm;
import dev.logreg.loss.Loss;
import dev.logreg.optim.Objective;
import dev.logreg.penalty.Penalty;

import java.util.Objects;

/**
 * The training objective J = D(θ, b) + P(θ): a bound {@link DataTerm} (from any backend) plus a {@link Penalty}
 * added here, on the host, seen by the optimizer through an exact {@link Preconditioner}.
 *
 * <p>The optimizer's variables are u, of length n+1 with a free intercept and n without one (b is then fixed at 0).
 * m in the penalty is the data term's Σwᵢ over all rows. Per evaluation only θ goes to the backend and n+2 numbers
 * come back; the penalty, the chain rule and the L1 coefficients cost O(n) on the host.
 *
 * <p>Not thread-safe (it reuses its buffers); evaluations are deterministic where the backend's are.
 */
public final class LogisticObjective implements Objective {
    private final DataTerm data;
    private final Loss loss;
    private final Penalty penalty;
    private final boolean fitIntercept;
    private final Preconditioner preconditioner;
    private final int n;
    private final double m;
    private final double[] params;
    private final double[] gModel;
    private final double[] scale;

    public LogisticObjective(DataTerm data, Loss loss, Penalty penalty, boolean fitIntercept, Preconditioner preconditioner) {
        this.data = Objects.requireNonNull(data, "data");
        this.loss = Objects.requireNonNull(loss, "loss");
        this.penalty = Objects.requireNonNull(penalty, "penalty");
        this.fitIntercept = fitIntercept;
        this.n = data.features();
        this.preconditioner = preconditioner == null ? Preconditioner.identity(n) : preconditioner;
        if (this.preconditioner.features() != n) {
            throw new IllegalArgumentException("preconditioner has " + this.preconditioner.features() + " features, data has " + n);
        }
        this.m = data.weightSum(0, data.rows());
        this.params = new double[n + 1];
        this.gModel = new double[n + 1];
        this.scale = this.preconditioner.scale();
    }

    /** The penalty. */
    public Penalty penalty() { return penalty; }

    /** Whether the intercept is free. */
    public boolean fitIntercept() { return fitIntercept; }

    /** The change of variables in use. */
    public Preconditioner preconditioner() { return preconditioner; }

    /** m = Σwᵢ over all rows. */
    public double weightSum() { return m; }

    @Override public int dimension() { return fitIntercept ? n + 1 : n; }

    private void checkDimension(double[] u) {
        if (u.length != dimension()) {
            throw new IllegalArgumentException("parameter vector has length " + u.length + ", expected " + dimension()
                    + (fitIntercept ? " (features + intercept)" : " (features, no intercept)"));
        }
    }

    /** The model's (θ, b), length n+1, for optimizer variables u. */
    public double[] modelParameters(double[] u) {
        checkDimension(u);
        double[] p = new double[n + 1];
        preconditioner.toModel(u, fitIntercept, p);
        return p;
    }

    /** Optimizer variables u for the model's (θ, b) (b ignored without intercept). */
    public double[] optimizerVariables(double[] modelParams) {
        if (modelParams.length != n + 1) throw new IllegalArgumentException("model parameters have length " + modelParams.length + ", expected " + (n + 1));
        double[] u = new double[dimension()];
        preconditioner.fromModel(modelParams, fitIntercept, u);
        return u;
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
        preconditioner.toModel(u, fitIntercept, params);
        double v = data.valueAndGradient(from, to, params, gModel);
        v += penalty.addSmoothPart(params, n, m, gModel);
        preconditioner.gradientToU(gModel, fitIntercept, gradientOut);
        return v;
    }

    @Override
    public double smoothValue(double[] u) {
        checkDimension(u);
        preconditioner.toModel(u, fitIntercept, params);
        double v = data.value(params);
        return v + penalty.smoothValue(params, n, m);
    }

    /** The whole objective J at model parameters (θ, b), length n+1, as the user states it. */
    public double objectiveAtModel(double[] modelParams) {
        return data.value(modelParams) + penalty.value(modelParams, n, m);
    }

    @Override
    public double l1Coefficient(int i) {
        // The intercept is never penalised; in u, |θⱼ| = |uⱼ|/sⱼ.
        return i < n ? penalty.l1Coefficient(m, i) / scale[i] : 0.0;
    }

    @Override public boolean isSmooth() { return penalty.isSmooth(); }

    @Override public boolean isConvex() { return loss.isConvex(); }

    @Override public boolean hasHessian() { return data.supportsHessian(); }

    @Override
    public void smoothHessian(double[] u, double[] out) {
        checkDimension(u);
        int d = dimension();
        if (out.length != d * d) throw new IllegalArgumentException("out has length " + out.length + ", expected " + d * d);
        preconditioner.toModel(u, fitIntercept, params);
        int D = n + 1;
        double[] h = new double[D * D];
        data.hessian(params, h);
        for (int j = 0; j < n; j++) h[j * D + j] += penalty.l2Coefficient(m, j);
        preconditioner.hessianToU(h, fitIntercept, out);
    }

    @Override public long rows() { return data.rows(); }
}
