package dev.logreg.cpu;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/**
 * The fused one-pass loop of the multinomial (softmax) loss over K classes on sparse (CSR) rows. Per row: its K
 * logits z_c = Σₖ θ_c[jₖ]·vₖ + b_c (float64 sums over the nonzeros in stored order, one per class: the reference
 * backend's sums, bit for bit), then the per-row quantities of the pass ({@link SparseKernel.Op}), then K residuals
 * r_c scattered as r_c·xᵢ, all while the row is in L1.
 *
 * <p>W is read <em>feature-major</em> ({@code thetaT[j·K + c]}, a transposed copy made once per pass, K·n doubles):
 * a nonzero in column j then reads the K coefficients it meets from one or two cache lines, where the class-major
 * parameter vector would cost K lines K·(n+1)·8 bytes apart. The gradient partials are feature-major for the same
 * reason ({@code gT[j·K + c]}) and are transposed back when the partials are merged. The intercepts' sums travel in
 * the scalar sums: [0] Σ wᵢℓᵢ, [1] Σ wᵢ, [2 + c] Σ r_c.
 *
 * <p>Hessian-vector products (slice c of H·v is (1/M) Σ wᵢ p_c (u_c − Σ_e p_e u_e) x̃ᵢ, u_c = x̃ᵢ·v_c) read the rows'
 * softmax p from a cache filled by the first product at given parameters, where the cache fits (K doubles a row).
 *
 * <p>Stateless; each thread passes its own scratch ({@link #scratch}).
 */
final class SparseSoftmaxKernel {
    private SparseSoftmaxKernel() {}

    /** Offset of the first intercept sum in the scalar sums. */
    static final int INTERCEPTS = 2;

    /** The inputs of one pass, the same for every thread. */
    static final class Pass {
        SparseKernel.Op op;
        int n;
        int k;
        /** W feature-major, n·K doubles. */
        double[] thetaT;
        /** The intercepts b_c. */
        double[] intercepts;
        /** V feature-major and its intercept slots (Hessian-vector products), else null. */
        double[] vT;
        double[] vIntercepts;
        /** p per bound row, K a row (HV_FILL writes where non-null; HV_CACHED reads). */
        double[] probabilities;
        /** Where non-null: the K residuals (or logits, for MARGINS) of bound row i at {@code rowOut[(i − rowOutBase)·K + c]}. */
        double[] rowOut;
        long rowOutBase;
    }

    /** Scratch of one thread for K classes: logits, the second dot products, residuals. */
    static double[] scratch(int k) {
        return new double[3 * k];
    }

    /**
     * Adds local rows [lo, hi) of chunk c: sums into {@code sums} (length 2 + K), and, where {@code gT} is non-null,
     * Σ r_c xᵢ into gT feature-major.
     */
    static void accumulate(Pass p, CsrRows rows, int c, int lo, int hi, double[] gT, double[] sums, double[] scratch) {
        LongBuffer off = rows.offsets[c];
        IntBuffer idx = rows.indices[c];
        FloatBuffer val = rows.values[c];
        FloatBuffer y = rows.labels[c];
        FloatBuffer w = rows.weights[c];
        long rowBase = rows.firstRow[c];
        int k = p.k;
        double[] z = scratch;
        int uo = k;
        int ro = 2 * k;
        double[] first = p.op == SparseKernel.Op.HV_CACHED ? p.vT : p.thetaT;
        double[] firstB = p.op == SparseKernel.Op.HV_CACHED ? p.vIntercepts : p.intercepts;
        for (int r = lo; r < hi; r++) {
            int from = (int) off.get(r);
            int to = (int) off.get(r + 1);
            dots(first, firstB, idx, val, from, to, k, z, 0);
            if (p.op == SparseKernel.Op.HV_FILL) dots(p.vT, p.vIntercepts, idx, val, from, to, k, z, uo);
            long bound = rowBase + r;
            if (p.op == SparseKernel.Op.MARGINS) {
                System.arraycopy(z, 0, p.rowOut, (int) ((bound - p.rowOutBase) * k), k);
                continue;
            }
            double wi = w == null ? 1.0 : w.get(r);
            sums[1] += wi;
            boolean scatter;
            switch (p.op) {
                case VALUE:
                    sums[0] += wi * SoftmaxKernel.row(z, 0, k, (int) y.get(r), wi, false);
                    continue;
                case GRADIENT:
                    // row() turns the logits into the residuals w(p_c − [c = y]) in place.
                    sums[0] += wi * SoftmaxKernel.row(z, 0, k, (int) y.get(r), wi, true);
                    System.arraycopy(z, 0, z, ro, k);
                    scatter = wi != 0.0;
                    break;
                case HV_FILL:
                    softmax(z, 0, k);
                    if (p.probabilities != null) System.arraycopy(z, 0, p.probabilities, (int) (bound * k), k);
                    scatter = hessianResiduals(z, 0, z, uo, k, wi, z, ro);
                    break;
                case HV_CACHED:
                    // z holds u here (x̃·v_c); p comes from the cache.
                    scatter = hessianResiduals(p.probabilities, (int) (bound * k), z, 0, k, wi, z, ro);
                    break;
                default:
                    throw new IllegalStateException("op " + p.op);
            }
            for (int cl = 0; cl < k; cl++) sums[INTERCEPTS + cl] += z[ro + cl];
            if (p.rowOut != null) System.arraycopy(z, ro, p.rowOut, (int) ((bound - p.rowOutBase) * k), k);
            if (gT == null || !scatter) continue;
            for (int q = from; q < to; q++) {
                int base = idx.get(q) * k;
                double v = val.get(q);
                for (int cl = 0; cl < k; cl++) gT[base + cl] += z[ro + cl] * v;
            }
        }
    }

    /** out[o + c] = Σ pT[j·K + c]·val + b_c over the row's nonzeros, K sums each in stored order. */
    private static void dots(double[] pT, double[] b, IntBuffer idx, FloatBuffer val, int from, int to, int k, double[] out, int o) {
        for (int cl = 0; cl < k; cl++) out[o + cl] = 0.0;
        for (int q = from; q < to; q++) {
            int base = idx.get(q) * k;
            // The product as the reference forms it: a float64 coefficient times the float value widened.
            float v = val.get(q);
            for (int cl = 0; cl < k; cl++) out[o + cl] += pT[base + cl] * v;
        }
        for (int cl = 0; cl < k; cl++) out[o + cl] += b[cl];
    }

    /**
     * out[oo + c] = w·p_c (u_c − Σ_e p_e u_e); returns whether any is nonzero. The products of p with u are those of
     * the reference's formula, in class order.
     */
    private static boolean hessianResiduals(double[] p, int po, double[] u, int uo, int k, double w, double[] out, int oo) {
        double mean = 0;
        for (int c = 0; c < k; c++) mean += p[po + c] * u[uo + c];
        boolean any = false;
        for (int c = 0; c < k; c++) {
            double a = w * p[po + c] * (u[uo + c] - mean);
            out[oo + c] = a;
            any |= a != 0.0;
        }
        return any;
    }

    /** z[o .. o+K) replaced by its softmax, by {@link dev.logreg.loss.MultinomialLoss}'s operations. */
    static void softmax(double[] z, int o, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) max = Math.max(max, z[o + c]);
        double s = 0;
        for (int c = 0; c < k; c++) {
            z[o + c] = Math.exp(z[o + c] - max);
            s += z[o + c];
        }
        for (int c = 0; c < k; c++) z[o + c] /= s;
    }
}
