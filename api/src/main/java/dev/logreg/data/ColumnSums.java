package dev.logreg.data;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * The sums behind the column statistics of dense rows ({@code dev.logreg.objective.ColumnStatistics}), and the one
 * place their arithmetic is written. Over the rows of positive weight, per column: Σw, Σ w·d, Σ (w·d)·d and Σ (w·v)·v,
 * v the float32 feature widened to float64, d = v − shift, shift the dataset's first row (which keeps the sums
 * accurate for columns far from zero). The rows are cut into chunks of {@link #chunkRows} rows from each block's first
 * row; each chunk is summed in row order and the chunks' sums are added in chunk order from 0, so the result is the
 * same whatever the threads, and a GPU repeats it bit for bit (column_stats.cu).
 *
 * <p>{@link Dataset#wrap} gathers these sums while it validates the rows ({@link Dataset#columnSums()}): its check
 * already reads every feature, in pieces that are exactly these chunks, so a fit that needs the statistics (the
 * preconditioner, a standardized penalty) does not read the rows again for them.
 *
 * <p>For two-class data the same pass also sums the rows of label 1 ({@link #positiveSums()}: Σ w·y and Σ (w·y)·d
 * per column): with the totals they give the data term's value and gradient where every logit is 0, a cold fit's
 * first point, without a pass over the rows ({@code dev.logreg.objective.ZeroLogits}). Immutable.
 */
public final class ColumnSums {
    /** Floats per chunk, about: a chunk is {@code max(1, 2^20 / cols)} rows, enough work for a task. */
    public static final int CHUNK_ELEMENTS = 1 << 20;

    private final double[] shift;
    private final double[] totals;
    /** Σ w·y, then the n sums of (w·y)·d; null where not gathered (more than two classes, or labels changed since). */
    private final double[] positives;

    /**
     * @param sums the totals (1 + 3n values) and, where {@code 2 + 4n} long, the label-1 sums after them, as
     *             {@link #chunk(FloatBuffer, FloatBuffer, FloatBuffer, int, int, int, double[], float[])} lays them out
     */
    ColumnSums(double[] shift, double[] sums) {
        int n = shift.length;
        this.shift = shift;
        if (sums.length == 2 + 4 * n) {
            this.totals = Arrays.copyOf(sums, 1 + 3 * n);
            this.positives = Arrays.copyOfRange(sums, 1 + 3 * n, sums.length);
        } else if (sums.length == 1 + 3 * n) {
            this.totals = sums;
            this.positives = null;
        } else {
            throw new IllegalArgumentException(sums.length + " sums for " + n + " columns, expected " + (1 + 3 * n) + " or " + (2 + 4 * n));
        }
    }

    private ColumnSums(double[] shift, double[] totals, double[] positives) {
        this.shift = shift;
        this.totals = totals;
        this.positives = positives;
    }

    /** Whether the read gathers the label-1 sums of data of {@code classes} classes: for two classes alone. */
    static boolean gathersPositives(int classes) {
        return classes == 2;
    }

    /** Sums laid out by {@link #chunk} for {@code cols} columns of data of {@code classes} classes. */
    static int length(int cols, int classes) {
        return gathersPositives(classes) ? 2 + 4 * cols : 1 + 3 * cols;
    }

    /** These sums without the label-1 sums: for the same rows and weights under other labels (one-vs-rest). */
    ColumnSums withoutPositives() {
        return positives == null ? this : new ColumnSums(shift, totals, null);
    }

    /** Rows per chunk for rows of {@code cols} features. */
    public static int chunkRows(int cols) {
        return Math.max(1, CHUNK_ELEMENTS / Math.max(1, cols));
    }

    /** The shift: the dataset's first row widened to float64. A copy. */
    public double[] shift() { return shift.clone(); }

    /** Σw, then the n sums of w·d, the n of (w·d)·d and the n of (w·v)·v, every chunk's added in chunk order. A copy. */
    public double[] totals() { return totals.clone(); }

    /**
     * For two-class data, over the rows of label 1 and positive weight: Σ w, then the n sums of w·d (d = v − shift),
     * in the order of {@link #totals()}; empty where not gathered (data read as more than two classes, or relabelled
     * since, as {@link Dataset#oneVsRest} does). A copy.
     */
    public Optional<double[]> positiveSums() {
        return Optional.ofNullable(positives == null ? null : positives.clone());
    }

    /** The first row of {@code x} widened to float64: the shift of a dataset whose first block {@code x} is. */
    static double[] firstRow(FloatBuffer x, int cols) {
        double[] shift = new double[cols];
        for (int j = 0; j < cols; j++) shift[j] = x.get(j);
        return shift;
    }

    /**
     * The sums (1 + 3n values, laid out as {@link #totals()}) over rows [from, to) of one block's row-major features
     * {@code x}, in row order, skipping rows of weight 0.
     *
     * @param weights the block's weights, or {@code null} for weight 1 on every row
     * @param scratch at least {@code cols} floats, overwritten
     */
    public static double[] chunk(FloatBuffer x, FloatBuffer weights, int cols, int from, int to, double[] shift, float[] scratch) {
        return chunk(x, null, weights, cols, from, to, shift, scratch);
    }

    /**
     * As {@link #chunk(FloatBuffer, FloatBuffer, int, int, int, double[], float[])}; where {@code labels} is not null
     * (two-class data, labels 0 or 1) the label-1 sums follow the totals: Σ w·y, then the n sums of (w·y)·d, each in
     * row order over the rows of label 1 ({@code 2 + 4n} values in all).
     */
    static double[] chunk(FloatBuffer x, FloatBuffer labels, FloatBuffer weights, int cols, int from, int to, double[] shift,
                          float[] scratch) {
        int n = cols;
        double[] s1 = new double[n];
        double[] s2 = new double[n];
        double[] s3 = new double[n];
        double[] s4 = labels == null ? null : new double[n];
        double[] v = new double[n];
        double weightSum = 0;
        double positiveWeight = 0;
        for (int i = from; i < to; i++) {
            double w = weights == null ? 1.0 : weights.get(i);
            if (w == 0) continue;
            weightSum += w;
            x.get(i * n, scratch, 0, n);
            // Widened first, in a loop of its own: the loops below are then all float64 array arithmetic, which the
            // JIT vectorizes (with the conversion in them it did not: 1.2 to 1.5x slower). The same values either way.
            for (int j = 0; j < n; j++) v[j] = scratch[j];
            if (labels == null) {
                if (w == 1) {
                    addRow(v, shift, s1, s2, s3);
                } else {
                    addWeightedRow(w, v, shift, s1, s2, s3);
                }
            } else {
                // Every row adds (w·y)·d into s4, in the same loop (d computed once, no branch on the label): a row
                // of label 0 adds zeros, which leave the sums as they are.
                double wy = w * labels.get(i);
                positiveWeight += wy;
                addLabelledRow(w, wy, v, shift, s1, s2, s3, s4);
            }
        }
        double[] sums = new double[labels != null ? 2 + 4 * n : 1 + 3 * n];
        sums[0] = weightSum;
        System.arraycopy(s1, 0, sums, 1, n);
        System.arraycopy(s2, 0, sums, 1 + n, n);
        System.arraycopy(s3, 0, sums, 1 + 2 * n, n);
        if (labels != null) {
            sums[1 + 3 * n] = positiveWeight;
            System.arraycopy(s4, 0, sums, 2 + 3 * n, n);
        }
        return sums;
    }

    private static void addRow(double[] v, double[] shift, double[] s1, double[] s2, double[] s3) {
        for (int j = 0; j < v.length; j++) {
            double d = v[j] - shift[j];
            s1[j] += d;
            s2[j] += d * d;
            s3[j] += v[j] * v[j];
        }
    }

    private static void addWeightedRow(double w, double[] v, double[] shift, double[] s1, double[] s2, double[] s3) {
        for (int j = 0; j < v.length; j++) {
            double d = v[j] - shift[j];
            s1[j] += w * d;
            s2[j] += w * d * d;
            s3[j] += w * v[j] * v[j];
        }
    }

    /** {@link #addWeightedRow} (w = 1 included: the same values as {@link #addRow}), and (w·y)·d into {@code s4}. */
    private static void addLabelledRow(double w, double wy, double[] v, double[] shift, double[] s1, double[] s2, double[] s3, double[] s4) {
        for (int j = 0; j < v.length; j++) {
            double d = v[j] - shift[j];
            s1[j] += w * d;
            s2[j] += w * d * d;
            s3[j] += w * v[j] * v[j];
            s4[j] += wy * d;
        }
    }

    /** total += part, element by element: how the chunks' sums are added, in chunk order. */
    public static void add(double[] total, double[] part) {
        for (int k = 0; k < total.length; k++) total[k] += part[k];
    }

    /** Whether every sum is finite: with float32 features it is unless a feature of a row of positive weight is not. */
    static boolean allFinite(double[] sums) {
        for (double s : sums) {
            if (!Double.isFinite(s)) return false;
        }
        return true;
    }
}
