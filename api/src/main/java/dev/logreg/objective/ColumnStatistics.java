package dev.logreg.objective;

import dev.logreg.data.ColumnSums;
import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Weighted per-column means, standard deviations and root mean squares of a dataset, dense or sparse, in double
 * precision (one pass, Welford-free: the sums are taken about a first-row shift, which keeps them accurate for columns
 * far from zero).
 */
public final class ColumnStatistics {
    private final double[] mean;
    private final double[] std;
    private final double[] rms;

    private ColumnStatistics(double[] mean, double[] std, double[] rms) {
        this.mean = mean;
        this.std = std;
        this.rms = rms;
    }

    /** Chunks summed at a time before their sums are folded in: bounds the partial sums held at once. */
    private static final int CHUNKS_PER_WAVE = 64;

    /**
     * Statistics of every column of {@code data}, weighted by its sample weights. Dense rows: from the sums the
     * dataset's validating pass gathered where it did ({@link Dataset#columnSums()}: no pass here at all), else one
     * pass, in parallel over fixed chunks of rows (the common fork-join pool): each chunk's sums are taken in row
     * order and the chunks' sums are added in chunk order, so the result does not depend on the number of threads,
     * and is the same, bit for bit, either way ({@link ColumnSums}). Why parallel: on 10,000,000 x 128 rows one
     * thread took longer than the whole GPU fit it prepares.
     *
     * <p>Sparse (CSR) data: the same statistics from the nonzeros alone, every implicit zero counted, in parallel over
     * fixed ranges of columns, each column summed in row order (so again the same bits whatever the threads); nothing
     * is densified, and the memory is that of the result, 3n doubles ({@link SparseColumnMoments}).
     */
    public static ColumnStatistics of(Dataset data) {
        if (data.isSparse()) {
            double[][] m = SparseColumnMoments.of(data);
            return new ColumnStatistics(m[0], m[1], m[2]);
        }
        java.util.Optional<ColumnSums> gathered = data.columnSums();
        return gathered.isPresent() ? fromSums(gathered.get().shift(), gathered.get().totals()) : computed(data);
    }

    /** The dense pass of {@link #of(Dataset)}, made even where the dataset gathered its sums (for tests). */
    static ColumnStatistics computed(Dataset data) {
        double[] shift = shift(data);
        int n = shift.length;
        long[] fences = chunkFences(data);
        // Chunks: (block, first row, end row), block-local, from the fences (which never cross a block's end).
        List<RowBlock> blocks = data.blocks();
        List<int[]> chunks = new ArrayList<>();
        int b = 0;
        long first = 0;   // the dataset's row of block b's first row
        for (int k = 0; k + 1 < fences.length; k++) {
            while (fences[k] >= first + blocks.get(b).rows()) first += blocks.get(b++).rows();
            chunks.add(new int[] {b, (int) (fences[k] - first), (int) (fences[k + 1] - first)});
        }
        // total[0] = weight sum; then s1 (n), s2 (n), sq (n): sums of w d, w d^2 and w v^2, d = v - shift.
        double[] total = new double[1 + 3 * n];
        for (int w0 = 0; w0 < chunks.size(); w0 += CHUNKS_PER_WAVE) {
            double[][] parts = IntStream.range(w0, Math.min(chunks.size(), w0 + CHUNKS_PER_WAVE)).parallel()
                    .mapToObj(k -> {
                        int[] c = chunks.get(k);
                        RowBlock block = blocks.get(c[0]);
                        return ColumnSums.chunk(block.features(), block.weights(), n, c[1], c[2], shift, new float[n]);
                    })
                    .toArray(double[][]::new);
            for (double[] part : parts) ColumnSums.add(total, part);
        }
        return fromSums(shift, total);
    }

    /**
     * The shift of the dense pass of {@link #of(Dataset)}: the first row, widened to double. For a backend that
     * repeats the pass where its rows are ({@link dev.logreg.backend.DataTerm#columnStatistics}).
     *
     * @throws IllegalArgumentException where {@code data} are sparse (their pass is another, {@link SparseColumnMoments})
     */
    public static double[] shift(Dataset data) {
        requireDense(data);
        int n = data.cols();
        double[] shift = new double[n];
        FloatBuffer first = data.blocks().get(0).features();
        for (int j = 0; j < n; j++) shift[j] = first.get(j);
        return shift;
    }

    /**
     * The row chunks of the dense pass of {@link #of(Dataset)}, as fences: chunk k is the dataset's rows
     * [f[k], f[k + 1]), f[0] = 0 and the last fence the row count. A block's rows are cut every
     * {@code max(1, 2^20 / n)} rows from its first; no chunk crosses a block's end. A backend that repeats the pass
     * sums each chunk as {@link #of(Dataset)} does (per column, in row order, skipping rows of weight 0: Σw, then
     * Σ w·d, Σ (w·d)·d and Σ (w·v)·v with d = v − shift, v the float widened, each product and sum rounded once),
     * adds the chunks' sums in chunk order from 0, and passes the result to {@link #fromSums}: the same bits.
     *
     * @throws IllegalArgumentException where {@code data} are sparse
     */
    public static long[] chunkFences(Dataset data) {
        requireDense(data);
        int chunkRows = ColumnSums.chunkRows(data.cols());
        List<RowBlock> blocks = data.blocks();
        long[] fences = new long[1];
        int count = 0;
        long first = 0;   // the dataset's row of the block's first row
        for (RowBlock block : blocks) {
            int rows = block.rows();
            for (int r = 0; r < rows; r += chunkRows) {
                if (count + 1 >= fences.length) fences = Arrays.copyOf(fences, 2 * fences.length + 1);
                fences[count++] = first + r;
            }
            first += rows;
        }
        fences = Arrays.copyOf(fences, count + 1);
        fences[count] = data.rows();
        return fences;
    }

    /**
     * The statistics from the sums of the dense pass (the arithmetic that ends {@link #of(Dataset)}):
     * {@code totals[0]} = Σw, then n sums of w·d, n of w·d², n of w·v², every chunk's sums added in chunk order
     * ({@link #chunkFences}); {@code shift} is {@link #shift}'s. The arrays are not kept.
     *
     * @throws IllegalArgumentException where {@code totals} is not 1 + 3 {@code shift.length} long
     */
    public static ColumnStatistics fromSums(double[] shift, double[] totals) {
        int n = shift.length;
        if (totals.length != 1 + 3 * n) {
            throw new IllegalArgumentException("totals has length " + totals.length + ", expected 1 + 3 x " + n + " = " + (1 + 3 * n));
        }
        double m = totals[0];
        double[] mean = new double[n];
        double[] std = new double[n];
        double[] rms = new double[n];
        for (int j = 0; j < n; j++) {
            double md = totals[1 + j] / m;
            mean[j] = shift[j] + md;
            std[j] = Math.sqrt(Math.max(totals[1 + n + j] / m - md * md, 0.0));
            rms[j] = Math.sqrt(totals[1 + 2 * n + j] / m);
        }
        return new ColumnStatistics(mean, std, rms);
    }

    private static void requireDense(Dataset data) {
        if (data.isSparse()) throw new IllegalArgumentException("the dense pass of the column statistics needs dense rows; these are sparse (CSR)");
    }

    /**
     * The scales of glmnet's standardization, for {@link dev.logreg.penalty.Penalty#onScales}: each column's
     * standard deviation where the model has an intercept (the features are then centred too, which the intercept
     * absorbs), else its root mean square; 1 for a column that is constant (or all 0).
     */
    public double[] standardizationScales(boolean fitIntercept) {
        double[] s = fitIntercept ? std.clone() : rms.clone();
        for (int j = 0; j < s.length; j++) if (!(s[j] > 0) || !Double.isFinite(s[j])) s[j] = 1.0;
        return s;
    }

    /**
     * Statistics computed elsewhere (for instance by a distributed pass that merges per-partition moments), for
     * {@link Preconditioner#fromStatistics}. The arrays are copied.
     *
     * @throws IllegalArgumentException where the lengths differ, a mean is not finite, or a std or rms is negative or
     *                                  not finite
     */
    public static ColumnStatistics of(double[] mean, double[] std, double[] rms) {
        int n = mean.length;
        if (std.length != n || rms.length != n) {
            throw new IllegalArgumentException("mean, std and rms have lengths " + n + ", " + std.length + ", " + rms.length + "; expected equal lengths");
        }
        for (int j = 0; j < n; j++) {
            if (!Double.isFinite(mean[j])) throw new IllegalArgumentException("mean[" + j + "] is " + mean[j] + ", expected a finite number");
            if (!(std[j] >= 0) || !Double.isFinite(std[j])) throw new IllegalArgumentException("std[" + j + "] is " + std[j] + ", expected a finite number >= 0");
            if (!(rms[j] >= 0) || !Double.isFinite(rms[j])) throw new IllegalArgumentException("rms[" + j + "] is " + rms[j] + ", expected a finite number >= 0");
        }
        return new ColumnStatistics(mean.clone(), std.clone(), rms.clone());
    }

    /** Weighted mean of each column; a copy. */
    public double[] mean() { return mean.clone(); }

    /** Weighted (population) standard deviation of each column; a copy. */
    public double[] std() { return std.clone(); }

    /** Weighted root mean square of each column; a copy. */
    public double[] rms() { return rms.clone(); }
}
