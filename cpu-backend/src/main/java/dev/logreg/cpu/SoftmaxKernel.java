package dev.logreg.cpu;


/**
 * The fused one-pass loop of the multinomial (softmax) loss over K classes, over row-major float32 rows: for each
 * row, its K logits z_c = θ_c·x + b_c (float64 sums in column order, the reference backend's order, so a row's
 * logits and loss are those of {@link dev.logreg.loss.MultinomialLoss} to the last bit), the stable log-sum-exp and
 * softmax, the loss, and the K gradient rows wᵢ(p_c − [c = yᵢ])·x̃ᵢ added into float64 sums, all while the row is in
 * the L1 cache.
 *
 * <p>Rows are read from the buffer in tiles (one bulk copy of about 4 KiB into a reused {@code float[]}, the single
 * read of X from main memory) and processed four at a time. W stays in its class-major layout ({@code params}):
 * for each class, the four rows' dot products run as four independent chains in registers over one contiguous slice
 * θ_c (K·n doubles: 8 KiB for K = 10, n = 100, in L1; 80 KiB for K = 100, in L2), and each θ_c entry loaded serves
 * four rows. (A feature-major copy of W would make the K logits of one feature contiguous, but their accumulators
 * would then live in memory: four loads and four stores per multiply-add instead of none.) The gradient update
 * reads and writes each gradient entry once per four rows. The order of every sum is fixed by the row range alone,
 * so results are bit-identical run after run.
 *
 * <p>Accumulator layout ({@code acc}, length K·(n+1) + 2): [0, K·(n+1)) the gradient sums in the class-major layout
 * of {@link dev.logreg.backend.ParamShape} (Σ rᵢ_c xᵢⱼ, the intercept Σ rᵢ_c last in each slice), then Σ wᵢ ℓᵢ, then
 * Σ wᵢ. Stateless; each caller passes its own tile, logit scratch and accumulator.
 */
final class SoftmaxKernel {
    private SoftmaxKernel() {}

    /** Length of the logit scratch {@link #accumulate} needs for K classes: four rows of K logits. */
    static int scratchLength(int k) {
        return 4 * k;
    }

    /**
     * Adds rows [lo, hi) of one chunk into {@code acc}.
     *
     * @param x        the chunk's features, row-major, n floats a row, absolute indexing from 0
     * @param y        the chunk's labels, class indices 0..K−1 (checked by {@link dev.logreg.data.Dataset})
     * @param w        the chunk's weights, or {@code null} for unit weights
     * @param params   W and b, class-major: K slices of n coefficients and the intercept
     * @param gradient whether to accumulate the gradient (else only value and weight sums)
     * @param tile     scratch of at least {@link FusedKernel#tileRows(int)}·n floats
     * @param z        scratch of {@link #scratchLength(int)} doubles
     */
    static void accumulate(ChunkFloats x, ChunkFloats y, ChunkFloats w, int n, int k, int lo, int hi,
                           double[] params, boolean gradient, double[] acc, float[] tile, double[] z) {
        int tileRows = tile.length / n;
        int stride = n + 1;
        double value = 0;
        double weights = 0;
        for (int r = lo; r < hi; r += tileRows) {
            int rowsInTile = Math.min(tileRows, hi - r);
            x.get(r * n, tile, 0, rowsInTile * n);
            int i = 0;
            for (; i + 4 <= rowsInTile; i += 4) {
                int o0 = i * n;
                int o1 = o0 + n;
                int o2 = o1 + n;
                int o3 = o2 + n;
                for (int c = 0; c < k; c++) {
                    int off = c * stride;
                    double s0 = 0;
                    double s1 = 0;
                    double s2 = 0;
                    double s3 = 0;
                    for (int j = 0; j < n; j++) {
                        double t = params[off + j];
                        s0 += t * tile[o0 + j];
                        s1 += t * tile[o1 + j];
                        s2 += t * tile[o2 + j];
                        s3 += t * tile[o3 + j];
                    }
                    double b = params[off + n];
                    z[c] = s0 + b;
                    z[k + c] = s1 + b;
                    z[2 * k + c] = s2 + b;
                    z[3 * k + c] = s3 + b;
                }
                for (int q = 0; q < 4; q++) {
                    int row = r + i + q;
                    double wq = w == null ? 1.0 : w.get(row);
                    value += wq * row(z, q * k, k, (int) y.get(row), wq, gradient);
                    weights += wq;
                }
                if (gradient) {
                    for (int c = 0; c < k; c++) {
                        int off = c * stride;
                        double r0 = z[c];
                        double r1 = z[k + c];
                        double r2 = z[2 * k + c];
                        double r3 = z[3 * k + c];
                        for (int j = 0; j < n; j++) {
                            acc[off + j] += r0 * tile[o0 + j] + r1 * tile[o1 + j] + r2 * tile[o2 + j] + r3 * tile[o3 + j];
                        }
                        acc[off + n] += (r0 + r1) + (r2 + r3);
                    }
                }
            }
            for (; i < rowsInTile; i++) {
                int o = i * n;
                logits(tile, o, n, k, params, z, 0);
                int row = r + i;
                double wi = w == null ? 1.0 : w.get(row);
                value += wi * row(z, 0, k, (int) y.get(row), wi, gradient);
                weights += wi;
                if (gradient) {
                    for (int c = 0; c < k; c++) {
                        int off = c * stride;
                        double rc = z[c];
                        for (int j = 0; j < n; j++) acc[off + j] += rc * tile[o + j];
                        acc[off + n] += rc;
                    }
                }
            }
        }
        int len = k * stride;
        acc[len] += value;
        acc[len + 1] += weights;
    }

    /**
     * The K logits of the row at {@code tile[o .. o+n)} into {@code z[zo .. zo+K)}: θ_c·x summed in column order,
     * then + b_c, as the reference backend.
     */
    static void logits(float[] tile, int o, int n, int k, double[] params, double[] z, int zo) {
        int stride = n + 1;
        for (int c = 0; c < k; c++) {
            int off = c * stride;
            double s = 0;
            for (int j = 0; j < n; j++) s += params[off + j] * tile[o + j];
            z[zo + c] = s + params[off + n];
        }
    }

    /**
     * ℓ(y, z) of the logits {@code z[o .. o+K)}, as {@link dev.logreg.loss.MultinomialLoss#valueAndDerivative} (the
     * same operations, so the same bits), and, where asked, the logits replaced by the residuals
     * w·(p_c − [c = y]). One exponential per class (the reference takes two, of the same argument).
     */
    static double row(double[] z, int o, int k, int y, double weight, boolean gradient) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) max = Math.max(max, z[o + c]);
        double zy = z[o + y];
        double s = 0;
        if (gradient) {
            for (int c = 0; c < k; c++) {
                double e = Math.exp(z[o + c] - max);
                z[o + c] = e;
                s += e;
            }
            for (int c = 0; c < k; c++) {
                double p = z[o + c] / s;
                z[o + c] = weight * (c == y ? p - 1.0 : p);
            }
        } else {
            for (int c = 0; c < k; c++) s += Math.exp(z[o + c] - max);
        }
        // (max − z_y) ≥ 0 first: no cancellation between two large logits.
        return (max - zy) + Math.log(s);
    }
}
