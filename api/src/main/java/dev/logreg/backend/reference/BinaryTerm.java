package dev.logreg.backend.reference;

import dev.logreg.backend.ParamShape;
import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;
import dev.logreg.loss.Loss;

import java.util.Objects;

/**
 * The reference data term of a pointwise (binary) loss: one logit per row, n+1 parameters. Over K-class rows bound
 * for one-vs-rest it is the binary problem of one positive class: label 1 where a row's class index equals it, else
 * 0, derived from the bound class indices as each row is read (the same labels {@link Dataset#oneVsRest} writes).
 */
final class BinaryTerm extends ReferenceTerm {
    private final Loss loss;
    /** The class whose rows are label 1, or −1 where the bound labels are already 0/1. */
    private final float positiveClass;

    BinaryTerm(ReferenceBackend owner, Dataset data, Loss loss, int[] perm) {
        this(owner, data, loss, perm, -1);
    }

    BinaryTerm(ReferenceBackend owner, Dataset data, Loss loss, int[] perm, int positiveClass) {
        super(owner, data, perm, new ParamShape(1, data.cols()));
        this.loss = loss;
        this.positiveClass = positiveClass;
    }

    /** The 0/1 label of local row {@code local} of block {@code b}. */
    private double label(RowBlock b, int local) {
        float y = b.labels().get(local);
        if (positiveClass < 0) return y;
        return y == positiveClass ? 1.0 : 0.0;
    }

    /** Logit of block row {@code local}: Σ θⱼ xⱼ + b in double, in column order. */
    private double logit(RowBlock b, int local, double[] params) {
        return b.dot(local, params, 0) + params[n];
    }

    @Override
    public double valueAndGradient(long from, long to, double[] params, double[] gradientOut) {
        checkRange(from, to);
        checkParams(params);
        Objects.requireNonNull(gradientOut, "gradientOut");
        shape.check(gradientOut, "gradientOut");
        double[] g = new double[n + 1];
        double value = 0;
        double m = 0;
        for (long r = from; r < to; r++) {
            long row = datasetRow(r);
            RowBlock b = blocks[blockIndex(row)];
            int local = (int) (row - b.firstRow());
            double y = label(b, local);
            double w = b.weight(local);
            double z = logit(b, local, params);
            value += w * loss.value(y, z);
            double res = w * loss.derivative(y, z);
            b.addScaled(local, res, g, 0);
            g[n] += res;
            m += w;
        }
        // An all-zero-weight range contributes nothing (DataTerm's contract), rather than 0/0.
        for (int j = 0; j <= n; j++) gradientOut[j] = m > 0 ? g[j] / m : 0.0;
        return m > 0 ? value / m : 0.0;
    }

    @Override
    public double value(long from, long to, double[] params) {
        checkRange(from, to);
        checkParams(params);
        double value = 0;
        double m = 0;
        for (long r = from; r < to; r++) {
            long row = datasetRow(r);
            RowBlock b = blocks[blockIndex(row)];
            int local = (int) (row - b.firstRow());
            double w = b.weight(local);
            value += w * loss.value(label(b, local), logit(b, local, params));
            m += w;
        }
        return m > 0 ? value / m : 0.0;
    }

    @Override
    public void margins(long from, long to, double[] params, double[] out) {
        checkRange(from, to);
        checkParams(params);
        checkOut(out, to - from);
        for (long r = from; r < to; r++) {
            long row = datasetRow(r);
            RowBlock b = blocks[blockIndex(row)];
            out[(int) (r - from)] = logit(b, (int) (row - b.firstRow()), params);
        }
    }

    @Override public boolean supportsHessian() { return true; }

    @Override
    public void hessian(double[] params, double[] out) {
        check();
        checkParams(params);
        int d = n + 1;
        if (out.length != d * d) throw new IllegalArgumentException("out has length " + out.length + ", expected " + (d * d));
        java.util.Arrays.fill(out, 0.0);
        double[] xt = new double[d];
        double m = 0;
        for (RowBlock b : blocks) {
            for (int i = 0; i < b.rows(); i++) {
                double w = b.weight(i);
                double c = w * loss.secondDerivative(label(b, i), logit(b, i, params));
                extendedRow(b, i, xt);
                for (int j = 0; j < d; j++) {
                    double cj = c * xt[j];
                    for (int k = 0; k <= j; k++) out[j * d + k] += cj * xt[k];
                }
                m += w;
            }
        }
        for (int j = 0; j < d; j++) {
            for (int k = 0; k <= j; k++) {
                out[j * d + k] /= m;
                out[k * d + j] = out[j * d + k];
            }
        }
    }

    /** The parameters {@link #curvature} belongs to (a copy), or null before the first Hessian-vector product. */
    private double[] curvatureParams;
    /** wᵢℓ''(yᵢ, zᵢ) of every row in block order, at {@link #curvatureParams}. */
    private double[] curvature;
    /** Σwᵢ over every row, in block order. */
    private double curvatureWeight;

    @Override public boolean supportsHessianVector() { return true; }

    /**
     * (1/M) Σ wᵢℓ''ᵢ (x̃ᵢ·v) x̃ᵢ: per row one dot product and one scaled add over its entries (its nonzeros where
     * sparse), in block order. The curvatures wᵢℓ''ᵢ of the last {@code params} are kept (one double a row), so the
     * products of one Newton step at the same point cost one pass each; a row of zero curvature (weight 0, or the
     * squared hinge's rows past the margin) is skipped, which changes no bit of the sums.
     */
    @Override
    public void hessianVector(double[] params, double[] v, double[] out) {
        check();
        checkParams(params);
        shape.check(v, "v");
        shape.check(out, "out");
        double[] c = curvatures(params);
        double[] acc = new double[n + 1];
        int row = 0;
        for (RowBlock b : blocks) {
            for (int i = 0; i < b.rows(); i++, row++) {
                double ci = c[row];
                if (ci == 0.0) continue;
                double a = ci * (b.dot(i, v, 0) + v[n]);
                b.addScaled(i, a, acc, 0);
                acc[n] += a;
            }
        }
        double m = curvatureWeight;
        for (int j = 0; j <= n; j++) out[j] = m > 0 ? acc[j] / m : 0.0;
    }

    /** The rows' wᵢℓ''ᵢ at {@code params}: those kept where {@code params} is the last point seen, else a new pass. */
    private double[] curvatures(double[] params) {
        if (curvatureParams != null && java.util.Arrays.equals(curvatureParams, params)) return curvature;
        if (curvature == null) curvature = new double[rowCountForCache(1)];
        double m = 0;
        int row = 0;
        for (RowBlock b : blocks) {
            for (int i = 0; i < b.rows(); i++, row++) {
                double w = b.weight(i);
                curvature[row] = w * loss.secondDerivative(label(b, i), logit(b, i, params));
                m += w;
            }
        }
        curvatureWeight = m;
        curvatureParams = params.clone();
        return curvature;
    }
}
