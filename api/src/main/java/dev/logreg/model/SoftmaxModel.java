package dev.logreg.model;

import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A trained multinomial (softmax) logistic-regression model over K classes: logits z_c = θ_c·x + b_c and
 * P(y = c | x) = exp(z_c) / Σ_e exp(z_e).
 *
 * <p><b>Design.</b> All K rows of W are free (the symmetric parameterisation of scikit-learn and glmnet), not K−1
 * rows against a reference class: the penalty then treats every class alike, and the model does not depend on which
 * class is listed last. Softmax is unchanged by adding one vector to every row, so along the directions the penalty
 * leaves free (the intercepts always) training reports the representative whose classes sum to zero there. The
 * coefficients are held class-major in one array (class c's n coefficients at [c·n, (c+1)·n)), the layout of the
 * data term's parameters less the intercepts, so a class's row is contiguous when a row is scored.
 *
 * <p><b>Scoring.</b> Each logit is a float64 dot product in four interleaved partial sums combined in a fixed order
 * (as {@link LogisticModel}), so a row scores bit-identically alone, in a batch or in a {@link Dataset}. The
 * probabilities are computed after subtracting the row's largest logit, so they never overflow; where some logits are
 * +∞ (an infinite feature) they share the probability equally and the others get 0, and where all are −∞ the classes
 * are equally likely: never a NaN. A NaN logit (a NaN feature, or an overflowed dot product) is an
 * {@link UndefinedLogitException} naming the row and class. Single-row and batch methods write into the caller's
 * arrays and allocate nothing; the {@link Dataset} methods allocate only their result. Sparse rows (indices and
 * values, or a sparse dataset's CSR blocks) are scored over their nonzeros, in the same bits as the rows held dense.
 *
 * <p>Immutable and thread-safe.
 */
public final class SoftmaxModel implements LinearClassifier {
    private final int k;
    private final int n;
    private final double[] coefficients;
    private final double[] intercepts;
    private final boolean fitIntercept;
    private final List<String> featureNames;

    /**
     * @param coefficients K rows of n coefficients, θ_c = {@code coefficients[c]} (copied), K ≥ 2
     * @param intercepts   K intercepts b_c (all 0 where {@code fitIntercept} is false; copied)
     * @param fitIntercept whether the intercepts were learned
     * @param featureNames one name per feature, or {@code null}
     * @throws IllegalArgumentException on fewer than two classes, rows of different lengths, a non-finite value, or a
     *                                  nonzero intercept without {@code fitIntercept} (naming the entry)
     */
    public SoftmaxModel(double[][] coefficients, double[] intercepts, boolean fitIntercept, List<String> featureNames) {
        Objects.requireNonNull(coefficients, "coefficients");
        Objects.requireNonNull(intercepts, "intercepts");
        this.k = coefficients.length;
        if (k < 2) throw new IllegalArgumentException("a softmax model needs at least 2 classes, got " + k);
        if (coefficients[0] == null || coefficients[0].length == 0) throw new IllegalArgumentException("a model needs at least one coefficient per class");
        this.n = coefficients[0].length;
        if (intercepts.length != k) throw new IllegalArgumentException(intercepts.length + " intercepts for " + k + " classes");
        this.coefficients = new double[Math.multiplyExact(k, n)];
        for (int c = 0; c < k; c++) {
            if (coefficients[c] == null || coefficients[c].length != n) {
                throw new IllegalArgumentException("coefficients of class " + c + " have " + (coefficients[c] == null ? "no" : coefficients[c].length)
                        + " entries, expected " + n + " (as class 0)");
            }
            for (int j = 0; j < n; j++) {
                if (!Double.isFinite(coefficients[c][j])) {
                    throw new IllegalArgumentException("coefficient " + j + " of class " + c + " is " + coefficients[c][j] + ", expected a finite number");
                }
            }
            System.arraycopy(coefficients[c], 0, this.coefficients, c * n, n);
            if (!Double.isFinite(intercepts[c])) throw new IllegalArgumentException("intercept of class " + c + " is " + intercepts[c] + ", expected a finite number");
            if (!fitIntercept && intercepts[c] != 0.0) {
                throw new IllegalArgumentException("intercept of class " + c + " is " + intercepts[c] + " but fitIntercept is false; expected 0");
            }
        }
        if (featureNames != null && featureNames.size() != n) {
            throw new IllegalArgumentException(featureNames.size() + " feature names for " + n + " coefficients per class");
        }
        this.intercepts = intercepts.clone();
        this.fitIntercept = fitIntercept;
        this.featureNames = featureNames == null ? null : Collections.unmodifiableList(new ArrayList<>(featureNames));
    }

    @Override public int classes() { return k; }

    @Override public int features() { return n; }

    @Override public boolean fitIntercept() { return fitIntercept; }

    @Override public List<String> featureNames() { return featureNames; }

    /** W as K rows of n; a copy. */
    public double[][] coefficients() {
        double[][] w = new double[k][];
        for (int c = 0; c < k; c++) w[c] = Arrays.copyOfRange(coefficients, c * n, (c + 1) * n);
        return w;
    }

    /** θ_{c,j}. */
    public double coefficient(int c, int j) {
        Objects.checkIndex(c, k);
        Objects.checkIndex(j, n);
        return coefficients[c * n + j];
    }

    /** b; a copy. */
    public double[] intercepts() { return intercepts.clone(); }

    /** b_c. */
    public double intercept(int c) { return intercepts[c]; }

    private void checkWidth(int width) {
        if (width != n) throw new IllegalArgumentException("row has " + width + " features, the model expects " + n);
    }

    private void checkOut(int length, long needed, String what) {
        if (length < needed) throw new IllegalArgumentException(what + " has length " + length + ", expected at least " + needed);
    }

    /** z_c = θ_c·x + b_c for one row, into {@code out[0 .. K-1]}. */
    public void decisionFunction(float[] row, double[] out) {
        checkWidth(row.length);
        checkOut(out.length, k, "out");
        logits(row, 0, out, 0);
    }

    @Override
    public void predictProbabilities(float[] row, double[] out) {
        checkWidth(row.length);
        checkOut(out.length, k, "out");
        logits(row, 0, out, 0);
        softmax(out, 0, -1);
    }

    @Override
    public int predictClass(float[] row) {
        checkWidth(row.length);
        return argmax(row, 0, -1);
    }

    /**
     * z_c = θ_c·x + b_c for one sparse row (nonzeros {@code indices/values[0 .. count-1]}, column indices strictly
     * increasing in [0, n)) into {@code out[0 .. K-1]}: the same bits as the row held dense. Allocates nothing.
     *
     * @throws IllegalArgumentException on indices out of range, unsorted or repeated, or {@code out} shorter than K
     */
    public void decisionFunction(int[] indices, float[] values, int count, double[] out) {
        SparseDot.check(indices, values, count, n);
        checkOut(out.length, k, "out");
        for (int c = 0; c < k; c++) out[c] = SparseDot.dot(coefficients, c * n, n, indices, values, count) + intercepts[c];
    }

    @Override
    public void predictProbabilities(int[] indices, float[] values, int count, double[] out) {
        decisionFunction(indices, values, count, out);
        softmax(out, 0, -1);
    }

    @Override
    public int predictClass(int[] indices, float[] values, int count) {
        SparseDot.check(indices, values, count, n);
        int best = -1;
        double bestZ = 0;
        for (int c = 0; c < k; c++) {
            double z = SparseDot.dot(coefficients, c * n, n, indices, values, count) + intercepts[c];
            if (Double.isNaN(z)) throw nanLogit(-1, c);
            if (best < 0 || z > bestZ) {
                best = c;
                bestZ = z;
            }
        }
        return best;
    }

    /**
     * Logits of a row-major batch of {@code rowMajor.length / features()} rows into {@code out}, row-major
     * ({@code out[i·K + c]}).
     */
    public void decisionFunctionBatch(float[] rowMajor, double[] out) {
        int rows = batchRows(rowMajor);
        checkOut(out.length, (long) rows * k, "out");
        for (int i = 0; i < rows; i++) logits(rowMajor, i * n, out, i * k);
    }

    /** Probabilities of a row-major batch into {@code out}, row-major (see {@link #decisionFunctionBatch}). */
    public void predictProbabilitiesBatch(float[] rowMajor, double[] out) {
        int rows = batchRows(rowMajor);
        checkOut(out.length, (long) rows * k, "out");
        for (int i = 0; i < rows; i++) {
            logits(rowMajor, i * n, out, i * k);
            softmax(out, i * k, i);
        }
    }

    /** Most probable classes of a row-major batch into {@code out}, one per row. */
    public void predictClassesBatch(float[] rowMajor, int[] out) {
        int rows = batchRows(rowMajor);
        checkOut(out.length, rows, "out");
        for (int i = 0; i < rows; i++) out[i] = argmax(rowMajor, i * n, i);
    }

    private int batchRows(float[] rowMajor) {
        if (rowMajor.length % n != 0) {
            throw new IllegalArgumentException("batch holds " + rowMajor.length + " floats, not a whole number of rows of " + n + " features");
        }
        return rowMajor.length / n;
    }

    /** Logits of every row of {@code data}, row-major ({@code result[i·K + c]}); at most 2^31 − 9 values. */
    public double[] decisionFunction(Dataset data) {
        double[] out = resultFor(data);
        int i = 0;
        for (RowBlock b : data.blocks()) {
            if (b.isSparse()) {
                // CSR rows over their nonzeros, in the dense bits (SparseDot).
                java.nio.LongBuffer o = b.rowOffsets();
                java.nio.IntBuffer idx = b.indices();
                FloatBuffer val = b.values();
                for (int r = 0; r < b.rows(); r++, i++) {
                    int from = (int) o.get(r);
                    int to = (int) o.get(r + 1);
                    for (int c = 0; c < k; c++) out[i * k + c] = SparseDot.dot(coefficients, c * n, n, idx, val, from, to) + intercepts[c];
                }
                continue;
            }
            denseLogits(b.features(), (int) b.rows(), i, out);
            i += (int) b.rows();
        }
        return out;
    }

    /**
     * Rows of one parallel piece of {@link #decisionFunction(Dataset)} ({@link DenseRowTiles}): K·n multiply-adds a
     * row, so smaller pieces than the binary model's. Over 1,000,000 x 100 rows and 10 classes the training metrics of
     * {@code logreg train} took 2 s on one thread.
     */
    private static final int PARALLEL_PIECE_ROWS = 1 << 12;

    /** The logits of a dense block's {@code rows} into {@code out} from row {@code first}. */
    private void denseLogits(FloatBuffer x, int rows, int first, double[] out) {
        DenseRowTiles.forEach(x, rows, n, PARALLEL_PIECE_ROWS, (tile, r, count) -> {
            for (int t = 0; t < count; t++) logits(tile, t * n, out, (first + r + t) * k);
        });
    }

    @Override
    public double[] predictProbabilities(Dataset data) {
        double[] out = decisionFunction(data);
        long rows = data.rows();
        for (int i = 0; i < rows; i++) softmax(out, i * k, i);
        return out;
    }

    @Override
    public int[] predictClasses(Dataset data) {
        double[] z = decisionFunction(data);
        int[] out = new int[(int) data.rows()];
        for (int i = 0; i < out.length; i++) out[i] = argmaxOf(z, i * k, i);
        return out;
    }

    private double[] resultFor(Dataset data) {
        checkWidth(data.cols());
        long values = data.rows() * (long) k;
        if (values > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("dataset has " + data.rows() + " rows x " + k + " classes, too many for one array");
        return new double[(int) values];
    }

    // Four interleaved partial sums combined in a fixed order, as LogisticModel's dot (which says why): every path
    // uses this order, so a row scores bit-identically whichever method computes it.
    private void logits(float[] x, int offset, double[] out, int outOffset) {
        for (int c = 0; c < k; c++) {
            int w = c * n;
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                s0 += coefficients[w + j] * x[offset + j];
                s1 += coefficients[w + j + 1] * x[offset + j + 1];
                s2 += coefficients[w + j + 2] * x[offset + j + 2];
                s3 += coefficients[w + j + 3] * x[offset + j + 3];
            }
            for (; j < n; j++) s0 += coefficients[w + j] * x[offset + j];
            out[outOffset + c] = ((s0 + s1) + (s2 + s3)) + intercepts[c];
        }
    }

    /** The most probable class of the row at {@code x[offset ..]}: the largest logit, computed class by class. */
    private int argmax(float[] x, int offset, long row) {
        int best = -1;
        double bestZ = 0;
        for (int c = 0; c < k; c++) {
            int w = c * n;
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                s0 += coefficients[w + j] * x[offset + j];
                s1 += coefficients[w + j + 1] * x[offset + j + 1];
                s2 += coefficients[w + j + 2] * x[offset + j + 2];
                s3 += coefficients[w + j + 3] * x[offset + j + 3];
            }
            for (; j < n; j++) s0 += coefficients[w + j] * x[offset + j];
            double z = ((s0 + s1) + (s2 + s3)) + intercepts[c];
            if (Double.isNaN(z)) throw nanLogit(row, c);
            if (best < 0 || z > bestZ) {
                best = c;
                bestZ = z;
            }
        }
        return best;
    }

    private int argmaxOf(double[] z, int offset, long row) {
        int best = 0;
        for (int c = 0; c < k; c++) {
            if (Double.isNaN(z[offset + c])) throw nanLogit(row, c);
            if (z[offset + c] > z[offset + best]) best = c;
        }
        return best;
    }

    /** Replaces the K logits at {@code z[offset ..]} by their softmax (see the class comment for ±∞). */
    private void softmax(double[] z, int offset, long row) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            double v = z[offset + c];
            if (Double.isNaN(v)) throw nanLogit(row, c);
            if (v > max) max = v;
        }
        if (max == Double.POSITIVE_INFINITY || max == Double.NEGATIVE_INFINITY) {
            // The limit: the classes at the largest logit (+∞, or all of them at −∞) share the probability.
            int ties = 0;
            for (int c = 0; c < k; c++) if (z[offset + c] == max) ties++;
            for (int c = 0; c < k; c++) z[offset + c] = z[offset + c] == max ? 1.0 / ties : 0.0;
            return;
        }
        double s = 0;
        for (int c = 0; c < k; c++) {
            double e = Math.exp(z[offset + c] - max); // ≤ 1: no overflow
            z[offset + c] = e;
            s += e;
        }
        for (int c = 0; c < k; c++) z[offset + c] /= s;
    }

    /** A NaN logit of class {@code c} (row -1: the single row of a one-row call, reported as row 0). */
    private static UndefinedLogitException nanLogit(long row, int c) {
        return new UndefinedLogitException(Math.max(row, 0), "the logit of class " + c
                + " is NaN (a NaN or infinite feature, or a dot product that overflowed); expected finite features");
    }

    @Override
    public String toString() {
        return "SoftmaxModel[classes=" + k + ", features=" + n + ", intercepts="
                + Arrays.toString(k > 8 ? Arrays.copyOf(intercepts, 8) : intercepts) + (k > 8 ? "..." : "") + "]";
    }
}
