package dev.logreg.model;

import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;
import dev.logreg.loss.Sigmoid;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A trained binary logistic-regression model: P(y = 1 | x) = σ(θ·x + b).
 *
 * <p>Immutable and thread-safe; scoring allocates nothing per row (checked by {@code LogisticModelAllocationTest}):
 * the batch methods over {@code float[]} write into the caller's array, and the {@link Dataset} methods allocate only
 * their one result array. Dot products accumulate in float64, in four interleaved partial sums combined in a fixed
 * order, so a row's score is the same bit for bit whichever method computes it.
 *
 * <p>No NaN leaves a model. A logit is a float64 sum; where it overflows to ±∞ (huge features or coefficients), the
 * probability is exactly 1 or 0 (σ is computed by branch, {@link Sigmoid}, and σ(±∞) is exact). Where it is NaN (a
 * NaN or infinite feature, or terms overflowing to +∞ and −∞ that cancel), every scoring method throws
 * {@link UndefinedLogitException} naming the 0-based row, rather than return a NaN that would compare false with
 * every threshold. A model whose {@link #largestLogit()} is finite never overflows on a finite float32 row.
 *
 * <p>Sparse rows (one at a time as column indices and values, or the CSR blocks of a sparse {@link Dataset}) are
 * scored without densifying, over their nonzeros only, and give the same bits as the same rows held dense
 * ({@link SparseDot} says why).
 */
public final class LogisticModel implements LinearClassifier {
    private final double[] coefficients;
    private final double intercept;
    private final boolean fitIntercept;
    private final List<String> featureNames;

    /**
     * @param coefficients θ, one per feature (copied)
     * @param intercept    b (must be 0 where {@code fitIntercept} is false)
     * @param fitIntercept whether b was learned
     * @param featureNames one name per feature, or {@code null}
     */
    public LogisticModel(double[] coefficients, double intercept, boolean fitIntercept, List<String> featureNames) {
        Objects.requireNonNull(coefficients, "coefficients");
        if (coefficients.length == 0) throw new IllegalArgumentException("a model needs at least one coefficient");
        for (int j = 0; j < coefficients.length; j++) {
            if (!Double.isFinite(coefficients[j])) {
                throw new IllegalArgumentException("coefficient " + j + " is " + coefficients[j] + ", expected a finite number");
            }
        }
        if (!Double.isFinite(intercept)) throw new IllegalArgumentException("intercept is " + intercept + ", expected a finite number");
        if (!fitIntercept && intercept != 0.0) {
            throw new IllegalArgumentException("intercept is " + intercept + " but fitIntercept is false; expected 0");
        }
        if (featureNames != null && featureNames.size() != coefficients.length) {
            throw new IllegalArgumentException(featureNames.size() + " feature names for " + coefficients.length + " coefficients");
        }
        this.coefficients = coefficients.clone();
        this.intercept = intercept;
        this.fitIntercept = fitIntercept;
        this.featureNames = featureNames == null ? null : Collections.unmodifiableList(new ArrayList<>(featureNames));
    }

    /** θ; a copy. */
    public double[] coefficients() { return coefficients.clone(); }

    /** θⱼ. */
    public double coefficient(int j) { return coefficients[j]; }

    /** b (0 without intercept). */
    public double intercept() { return intercept; }

    /** Whether b was learned. */
    public boolean fitIntercept() { return fitIntercept; }

    /** Number of features. */
    public int features() { return coefficients.length; }

    /** One name per feature, or {@code null}. Unmodifiable. */
    public List<String> featureNames() { return featureNames; }

    /**
     * Σⱼ|θⱼ|·{@link Float#MAX_VALUE} + |b|: a bound on |θ·x + b| over every row of finite float32 features, computed
     * in float64 (+∞ where the bound itself overflows). Where it is well below {@link Double#MAX_VALUE}, no partial
     * sum of the dot product can overflow on such a row, so scoring float32 data never meets ±∞ and never NaN; the
     * model file refuses models where it is not (see {@code ModelFile}).
     */
    public double largestLogit() {
        double sum = 0;
        for (double c : coefficients) sum += Math.abs(c);
        return sum * Float.MAX_VALUE + Math.abs(intercept);
    }

    private static void checkThreshold(double threshold) {
        if (!(threshold >= 0 && threshold <= 1)) throw new IllegalArgumentException("threshold is " + threshold + ", expected a probability in [0, 1]");
    }

    private void checkWidth(int width) {
        if (width != coefficients.length) {
            throw new IllegalArgumentException("row has " + width + " features, the model expects " + coefficients.length);
        }
    }

    /**
     * z = θ·x + b for one row, in float64; ±∞ where it overflows.
     *
     * @throws UndefinedLogitException where z is NaN (row 0): a NaN or infinite feature, or overflowing terms that cancel
     */
    public double decisionFunction(float[] row) {
        checkWidth(row.length);
        double z = dot(row, 0);
        if (Double.isNaN(z)) throw undefined(0, row, 0);
        return z;
    }

    /**
     * z = θ·x + b for one row, in float64; ±∞ where it overflows (features this large are possible in float64).
     *
     * @throws UndefinedLogitException where z is NaN (row 0): a NaN or infinite feature, or overflowing terms that cancel
     */
    public double decisionFunction(double[] row) {
        checkWidth(row.length);
        double[] c = coefficients;
        int n = c.length;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            s0 += c[j] * row[j];
            s1 += c[j + 1] * row[j + 1];
            s2 += c[j + 2] * row[j + 2];
            s3 += c[j + 3] * row[j + 3];
        }
        for (; j < n; j++) s0 += c[j] * row[j];
        double z = ((s0 + s1) + (s2 + s3)) + intercept;
        if (Double.isNaN(z)) {
            for (j = 0; j < n; j++) {
                if (!Double.isFinite(row[j])) throw new UndefinedLogitException(0, "feature " + j + " is " + row[j] + ", expected a finite number");
            }
            throw new UndefinedLogitException(0, OVERFLOW);
        }
        return z;
    }

    /**
     * z = θ·x + b for one sparse row, in float64: its nonzeros are {@code indices[0 .. count-1]} (column indices in
     * [0, {@link #features()}), strictly increasing) and {@code values[0 .. count-1]}; every other feature is 0. The
     * same bits as the row held dense ({@link #decisionFunction(float[])}). Allocates nothing.
     *
     * @throws IllegalArgumentException on indices out of range, unsorted or repeated (naming the nonzero)
     * @throws UndefinedLogitException  where z is NaN (row 0): a NaN or infinite value, or overflowing terms that cancel
     */
    public double decisionFunction(int[] indices, float[] values, int count) {
        SparseDot.check(indices, values, count, coefficients.length);
        double z = SparseDot.dot(coefficients, 0, coefficients.length, indices, values, count) + intercept;
        if (Double.isNaN(z)) throw new UndefinedLogitException(0, SparseDot.undefinedReason(indices, values, count, OVERFLOW));
        return z;
    }

    /**
     * P(y = 1 | x) for one sparse row (see {@link #decisionFunction(int[], float[], int)}).
     *
     * @throws UndefinedLogitException where z is NaN
     */
    public double predictProbability(int[] indices, float[] values, int count) {
        return Sigmoid.sigmoid(decisionFunction(indices, values, count));
    }

    private static final String OVERFLOW = "the logit θ·x + b is undefined: its terms overflow float64 to +∞ and −∞ "
            + "(features or coefficients too large)";

    /** Why row {@code row} (its features at {@code x[offset ..]}) has a NaN logit: the exception to throw. */
    private UndefinedLogitException undefined(long row, float[] x, int offset) {
        for (int j = 0; j < coefficients.length; j++) {
            float v = x[offset + j];
            if (!Float.isFinite(v)) return new UndefinedLogitException(row, "feature " + j + " is " + v + ", expected a finite number");
        }
        return new UndefinedLogitException(row, OVERFLOW);
    }

    private UndefinedLogitException undefined(long row, FloatBuffer x, int offset) {
        for (int j = 0; j < coefficients.length; j++) {
            float v = x.get(offset + j);
            if (!Float.isFinite(v)) return new UndefinedLogitException(row, "feature " + j + " is " + v + ", expected a finite number");
        }
        return new UndefinedLogitException(row, OVERFLOW);
    }

    // Four interleaved partial sums, combined in a fixed order, so that the adds do not wait on one another's latency
    // (about 10% faster than one chain on 1,000,000 x 100; what remains between this and a plain read of the floats,
    // benchmarks/results/serve/, is the per-element conversion and multiply: C2 does not vectorize an ordered
    // floating-point reduction). Every path uses this order, so a row scores bit-identically alone, in a batch or in
    // a Dataset.
    private double dot(float[] x, int offset) {
        double[] c = coefficients;
        int n = c.length;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            s0 += c[j] * x[offset + j];
            s1 += c[j + 1] * x[offset + j + 1];
            s2 += c[j + 2] * x[offset + j + 2];
            s3 += c[j + 3] * x[offset + j + 3];
        }
        for (; j < n; j++) s0 += c[j] * x[offset + j];
        return ((s0 + s1) + (s2 + s3)) + intercept;
    }

    /**
     * P(y = 1 | x) for one row: σ(z), exactly 0 or 1 where z overflows to ∓∞.
     *
     * @throws UndefinedLogitException where z is NaN (see {@link #decisionFunction(float[])})
     */
    public double predictProbability(float[] row) {
        return Sigmoid.sigmoid(decisionFunction(row));
    }

    /**
     * P(y = 1 | x) for one row: σ(z), exactly 0 or 1 where z overflows to ∓∞.
     *
     * @throws UndefinedLogitException where z is NaN (see {@link #decisionFunction(double[])})
     */
    public double predictProbability(double[] row) {
        return Sigmoid.sigmoid(decisionFunction(row));
    }

    /** 1 where P(y = 1 | x) ≥ threshold, else 0. */
    public int predictLabel(float[] row, double threshold) {
        checkThreshold(threshold);
        return predictProbability(row) >= threshold ? 1 : 0;
    }

    /** 1 where P(y = 1 | x) ≥ 0.5, else 0. */
    public int predictLabel(float[] row) {
        return predictLabel(row, 0.5);
    }

    /**
     * Logits of a row-major batch: {@code out[i] = θ·x_i + b} for the {@code out.length} rows of
     * {@code rowMajor} (which must hold exactly {@code out.length × features()} floats); ±∞ where a logit overflows.
     *
     * @throws UndefinedLogitException where a row's logit is NaN, naming the first such row (0-based); {@code out}
     *                                 then holds the rows before it
     */
    public void decisionFunction(float[] rowMajor, double[] out) {
        int n = coefficients.length;
        if ((long) out.length * n != rowMajor.length) {
            throw new IllegalArgumentException("batch holds " + rowMajor.length + " floats, expected " + out.length + " rows x " + n + " features");
        }
        for (int i = 0; i < out.length; i++) {
            double z = dot(rowMajor, i * n);
            if (Double.isNaN(z)) throw undefined(i, rowMajor, i * n);
            out[i] = z;
        }
    }

    /**
     * Probabilities of a row-major batch (see {@link #decisionFunction(float[], double[])}): exactly 0 or 1 where a
     * logit overflows.
     *
     * @throws UndefinedLogitException where a row's logit is NaN, naming the first such row (0-based); what
     *                                 {@code out} then holds is unspecified
     */
    public void predictProbability(float[] rowMajor, double[] out) {
        decisionFunction(rowMajor, out);
        for (int i = 0; i < out.length; i++) out[i] = Sigmoid.sigmoid(out[i]);
    }

    /**
     * Logits of every row of {@code data} (at most 2^31 − 1 rows); ±∞ where one overflows.
     *
     * @throws UndefinedLogitException where a row's logit is NaN, naming the first such row (0-based)
     */
    public double[] decisionFunction(Dataset data) {
        checkWidth(data.cols());
        if (data.rows() > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("dataset has " + data.rows() + " rows, too many for one array");
        double[] out = new double[(int) data.rows()];
        int n = coefficients.length;
        for (RowBlock b : data.blocks()) {
            int first = (int) b.firstRow();
            if (b.isSparse()) {
                sparseLogits(b, out, first);
                continue;
            }
            FloatBuffer x = b.features();
            int rows = (int) b.rows();
            DenseRowTiles.forEach(x, rows, n, PARALLEL_PIECE_ROWS, (tile, r, count) -> {
                for (int t = 0; t < count; t++) out[first + r + t] = dot(tile, t * n);
            });
            for (int i = 0; i < rows; i++) {
                if (Double.isNaN(out[first + i])) throw undefined(first + (long) i, x, i * n);
            }
        }
        return out;
    }

    /**
     * Rows a task of {@link #decisionFunction(Dataset)} computes: each row's logit is the same sum whichever thread
     * forms it, so the pieces run in parallel (the common fork-join pool) and the result does not depend on how many
     * threads there are.
     */
    private static final int PARALLEL_PIECE_ROWS = 1 << 14;

    /** The logits of a sparse (CSR) block into {@code out[first ..]}, in the dense bits ({@link SparseDot}). */
    private void sparseLogits(RowBlock b, double[] out, int first) {
        java.nio.LongBuffer o = b.rowOffsets();
        java.nio.IntBuffer idx = b.indices();
        FloatBuffer val = b.values();
        int n = coefficients.length;
        for (int i = 0; i < b.rows(); i++) {
            int from = (int) o.get(i);
            int to = (int) o.get(i + 1);
            double z = SparseDot.dot(coefficients, 0, n, idx, val, from, to) + intercept;
            if (Double.isNaN(z)) {
                String reason = OVERFLOW;
                for (int k = from; k < to; k++) {
                    if (!Float.isFinite(val.get(k))) {
                        reason = "feature " + idx.get(k) + " is " + val.get(k) + ", expected a finite number";
                        break;
                    }
                }
                throw new UndefinedLogitException(first + (long) i, reason);
            }
            out[first + i] = z;
        }
    }

    /**
     * Probabilities of every row of {@code data}: exactly 0 or 1 where a logit overflows.
     *
     * @throws UndefinedLogitException where a row's logit is NaN, naming the first such row (0-based)
     */
    public double[] predictProbability(Dataset data) {
        double[] z = decisionFunction(data);
        for (int i = 0; i < z.length; i++) z[i] = Sigmoid.sigmoid(z[i]);
        return z;
    }

    /** Labels (1 where P ≥ threshold) of every row of {@code data}. */
    public int[] predictLabels(Dataset data, double threshold) {
        checkThreshold(threshold);
        double[] p = predictProbability(data);
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) out[i] = p[i] >= threshold ? 1 : 0;
        return out;
    }

    // LinearClassifier: the binary model as two classes, [1 − P(y = 1), P(y = 1)], through the scoring methods above.

    /** 2: the binary model's classes are labels 0 and 1. */
    @Override public int classes() { return 2; }

    /** {@code out[0] = 1 − P(y = 1 | x)}, {@code out[1] = P(y = 1 | x)}. */
    @Override
    public void predictProbabilities(float[] row, double[] out) {
        if (out.length < 2) throw new IllegalArgumentException("out has length " + out.length + ", expected at least 2");
        double p = predictProbability(row);
        out[0] = 1.0 - p;
        out[1] = p;
    }

    /** {@code out[0] = 1 − P}, {@code out[1] = P} for one sparse row ({@link #decisionFunction(int[], float[], int)}). */
    @Override
    public void predictProbabilities(int[] indices, float[] values, int count, double[] out) {
        if (out.length < 2) throw new IllegalArgumentException("out has length " + out.length + ", expected at least 2");
        double p = predictProbability(indices, values, count);
        out[0] = 1.0 - p;
        out[1] = p;
    }

    /** 1 where P(y = 1 | x) ≥ 0.5 for one sparse row, else 0. */
    @Override
    public int predictClass(int[] indices, float[] values, int count) {
        return predictProbability(indices, values, count) >= 0.5 ? 1 : 0;
    }

    /** {@link #predictLabel(float[])}: 1 where P(y = 1 | x) ≥ 0.5. */
    @Override public int predictClass(float[] row) { return predictLabel(row); }

    /** [1 − P, P] of every row of {@code data}, row-major. */
    @Override
    public double[] predictProbabilities(Dataset data) {
        double[] p = predictProbability(data);
        if (p.length > (Integer.MAX_VALUE - 8) / 2) throw new IllegalArgumentException("dataset has " + p.length + " rows, too many for two columns in one array");
        double[] out = new double[2 * p.length];
        for (int i = 0; i < p.length; i++) {
            out[2 * i] = 1.0 - p[i];
            out[2 * i + 1] = p[i];
        }
        return out;
    }

    /** {@link #predictLabels}{@code (data, 0.5)}. */
    @Override public int[] predictClasses(Dataset data) { return predictLabels(data, 0.5); }

    @Override
    public String toString() {
        return "LogisticModel[features=" + coefficients.length + ", intercept=" + intercept + ", coefficients="
                + Arrays.toString(coefficients.length > 8 ? Arrays.copyOf(coefficients, 8) : coefficients) + (coefficients.length > 8 ? "..." : "") + "]";
    }
}
