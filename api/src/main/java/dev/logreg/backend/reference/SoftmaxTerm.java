package dev.logreg.backend.reference;

import dev.logreg.backend.ParamShape;
import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;
import dev.logreg.loss.MultinomialLoss;

import java.util.Arrays;

/**
 * The reference data term of the multinomial (softmax) loss over K classes: K logits per row, K·(n+1) parameters in
 * the class-major layout of {@link ParamShape}. Each row is read once per evaluation: its K logits (float64 dot
 * products in column order, then + b_c), the stable log-sum-exp and softmax of {@link MultinomialLoss}, and the K
 * gradient rows wᵢ(p_c − [c = yᵢ])·x̃ᵢ. Sums are plain double sums in row order.
 */
final class SoftmaxTerm extends ReferenceTerm {
    private final int k;

    SoftmaxTerm(ReferenceBackend owner, Dataset data, int[] perm) {
        super(owner, data, perm, new ParamShape(data.classes(), data.cols()));
        this.k = data.classes();
    }

    /** The K logits of block row {@code local} into {@code z[0 .. K-1]}. */
    private void logits(RowBlock b, int local, double[] params, double[] z) {
        int stride = n + 1;
        for (int c = 0; c < k; c++) z[c] = b.dot(local, params, c * stride) + params[c * stride + n];
    }

    @Override
    public double valueAndGradient(long from, long to, double[] params, double[] gradientOut) {
        checkRange(from, to);
        checkParams(params);
        shape.check(gradientOut, "gradientOut");
        int stride = n + 1;
        double[] g = new double[shape.length()];
        double[] z = new double[k];
        double[] d = new double[k];
        double value = 0;
        double m = 0;
        for (long r = from; r < to; r++) {
            long row = datasetRow(r);
            RowBlock b = blocks[blockIndex(row)];
            int local = (int) (row - b.firstRow());
            int y = (int) b.labels().get(local);
            double w = b.weight(local);
            logits(b, local, params, z);
            value += w * MultinomialLoss.valueAndDerivative(y, z, 0, k, d, 0, null, 0);
            for (int c = 0; c < k; c++) {
                double res = w * d[c];
                int off = c * stride;
                b.addScaled(local, res, g, off);
                g[off + n] += res;
            }
            m += w;
        }
        // An all-zero-weight range contributes nothing (DataTerm's contract), rather than 0/0.
        for (int i = 0; i < g.length; i++) gradientOut[i] = m > 0 ? g[i] / m : 0.0;
        return m > 0 ? value / m : 0.0;
    }

    @Override
    public double value(long from, long to, double[] params) {
        checkRange(from, to);
        checkParams(params);
        double[] z = new double[k];
        double value = 0;
        double m = 0;
        for (long r = from; r < to; r++) {
            long row = datasetRow(r);
            RowBlock b = blocks[blockIndex(row)];
            int local = (int) (row - b.firstRow());
            double w = b.weight(local);
            logits(b, local, params, z);
            value += w * MultinomialLoss.value((int) b.labels().get(local), z, 0, k);
            m += w;
        }
        return m > 0 ? value / m : 0.0;
    }

    @Override
    public void margins(long from, long to, double[] params, double[] out) {
        checkRange(from, to);
        checkParams(params);
        checkOut(out, (to - from) * k);
        double[] z = new double[k];
        for (long r = from; r < to; r++) {
            long row = datasetRow(r);
            RowBlock b = blocks[blockIndex(row)];
            logits(b, (int) (row - b.firstRow()), params, z);
            System.arraycopy(z, 0, out, (int) ((r - from) * k), k);
        }
    }

    @Override
    public boolean supportsHessian() {
        return shape.hessianFits();
    }

    @Override
    public void hessian(double[] params, double[] out) {
        check();
        checkParams(params);
        shape.requireHessianFits();
        int stride = n + 1;
        int dim = shape.length();
        if (out.length != dim * dim) throw new IllegalArgumentException("out has length " + out.length + ", expected " + dim + " x " + dim);
        Arrays.fill(out, 0.0);
        double[] xt = new double[stride];
        double[] z = new double[k];
        double[] p = new double[k];
        double m = 0;
        for (RowBlock b : blocks) {
            for (int i = 0; i < b.rows(); i++) {
                double w = b.weight(i);
                logits(b, i, params, z);
                MultinomialLoss.valueAndDerivative(0, z, 0, k, null, 0, p, 0);
                extendedRow(b, i, xt);
                // Lower triangle only: block (c, e ≤ c), coefficient w(p_c[c = e] − p_c p_e), times x̃ x̃ᵀ.
                for (int c = 0; c < k; c++) {
                    for (int e = 0; e <= c; e++) {
                        double a = w * ((c == e ? p[c] : 0.0) - p[c] * p[e]);
                        if (a == 0.0) continue;
                        for (int j = 0; j < stride; j++) {
                            double aj = a * xt[j];
                            int rowIndex = (c * stride + j) * dim + e * stride;
                            int kMax = c == e ? j : stride - 1;
                            for (int l = 0; l <= kMax; l++) out[rowIndex + l] += aj * xt[l];
                        }
                    }
                }
                m += w;
            }
        }
        for (int r = 0; r < dim; r++) {
            for (int c = 0; c <= r; c++) {
                out[r * dim + c] /= m;
                out[c * dim + r] = out[r * dim + c];
            }
        }
    }

    /** The parameters the kept softmax probabilities belong to (a copy), or null before the first product. */
    private double[] curvatureParams;
    /** p_{ic} of every row in block order, row-major (K a row), at {@link #curvatureParams}. */
    private double[] probabilities;
    /** wᵢ of every row in block order. */
    private double[] rowWeights;
    /** Σwᵢ over every row, in block order. */
    private double curvatureWeight;

    @Override public boolean supportsHessianVector() { return true; }

    /**
     * Slice c of the product is (1/M) Σ wᵢ p_{ic}(u_{ic} − Σ_e p_{ie}u_{ie}) x̃ᵢ, u_{ic} = x̃ᵢ·v_c: per row K dot
     * products and K scaled adds, in block order. The probabilities of the last {@code params} are kept (K doubles
     * a row), so the products of one Newton step cost one pass each; a row of weight 0 is skipped.
     */
    @Override
    public void hessianVector(double[] params, double[] v, double[] out) {
        check();
        checkParams(params);
        shape.check(v, "v");
        shape.check(out, "out");
        double[] p = softmaxAt(params);
        int stride = n + 1;
        double[] acc = new double[shape.length()];
        double[] u = new double[k];
        int row = 0;
        for (RowBlock b : blocks) {
            for (int i = 0; i < b.rows(); i++, row++) {
                double w = rowWeights[row];
                if (w == 0.0) continue;
                int base = row * k;
                double pu = 0;
                for (int c = 0; c < k; c++) {
                    u[c] = b.dot(i, v, c * stride) + v[c * stride + n];
                    pu += p[base + c] * u[c];
                }
                for (int c = 0; c < k; c++) {
                    double a = w * p[base + c] * (u[c] - pu);
                    b.addScaled(i, a, acc, c * stride);
                    acc[c * stride + n] += a;
                }
            }
        }
        double m = curvatureWeight;
        for (int j = 0; j < acc.length; j++) out[j] = m > 0 ? acc[j] / m : 0.0;
    }

    /** The rows' softmax probabilities at {@code params}: those kept where it is the last point seen, else a new pass. */
    private double[] softmaxAt(double[] params) {
        if (curvatureParams != null && Arrays.equals(curvatureParams, params)) return probabilities;
        if (probabilities == null) {
            probabilities = new double[rowCountForCache(k)];
            rowWeights = new double[rowCountForCache(1)];
        }
        double[] z = new double[k];
        double m = 0;
        int row = 0;
        for (RowBlock b : blocks) {
            for (int i = 0; i < b.rows(); i++, row++) {
                double w = b.weight(i);
                logits(b, i, params, z);
                MultinomialLoss.valueAndDerivative(0, z, 0, k, null, 0, probabilities, row * k);
                rowWeights[row] = w;
                m += w;
            }
        }
        curvatureWeight = m;
        curvatureParams = params.clone();
        return probabilities;
    }
}
