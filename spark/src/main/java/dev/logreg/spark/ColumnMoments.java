package dev.logreg.spark;

import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;
import dev.logreg.objective.ColumnStatistics;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.List;

/**
 * One partition's weighted column moments, what the driver merges into the preconditioner's and standardization's
 * statistics: per column the weighted mean, Σw(x − mean)² and Σw·x², over the rows of positive weight.
 *
 * <p>A dense partition lists every column. A sparse (CSR) one lists only the columns some row of positive weight
 * stores an entry in, each computed from the stored entries alone, its zeros accounted for in closed form: a column
 * it does not list has mean, m2 and sq 0. So a partition of a 10<sup>6</sup>-wide sparse dataset sends the driver its
 * touched columns, not 10<sup>6</sup> of each moment, and is never widened to compute them.
 */
final class ColumnMoments implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** The columns listed, strictly increasing; null for every column 0..n−1 in order. */
    final int[] columns;
    /** Per listed column: weighted mean, Σw(x − mean)² and Σw·x². */
    final double[] mean;
    final double[] m2;
    final double[] sq;

    private ColumnMoments(int[] columns, double[] mean, double[] m2, double[] sq) {
        this.columns = columns;
        this.mean = mean;
        this.m2 = m2;
        this.sq = sq;
    }

    /** Column {@link #columns} lists at position {@code k}. */
    int column(int k) {
        return columns == null ? k : columns[k];
    }

    /** The moments of {@code data}'s columns (dense: {@link ColumnStatistics#of(Dataset)}; CSR: from its stored entries). */
    static ColumnMoments of(Dataset data) {
        if (data.isSparse()) return ofSparse(data);
        ColumnStatistics stats = ColumnStatistics.of(data);
        int n = data.cols();
        double m = data.weightSum();
        double[] std = stats.std();
        double[] rms = stats.rms();
        double[] m2 = new double[n];
        double[] sq = new double[n];
        for (int j = 0; j < n; j++) {
            m2[j] = m * std[j] * std[j];
            sq[j] = m * rms[j] * rms[j];
        }
        return new ColumnMoments(null, stats.mean(), m2, sq);
    }

    /**
     * Two passes over the stored entries of the rows of positive weight, in row order: the means, then the squared
     * deviations of the stored entries from them, to which each column's zeros add (W − Wⱼ)·meanⱼ² (W the weight sum,
     * Wⱼ that of the rows storing column j): the two-pass form, free of the cancellation of Σw·x² − W·mean². Scratch
     * of four doubles a column while it runs.
     */
    private static ColumnMoments ofSparse(Dataset data) {
        int n = data.cols();
        double[] s1 = new double[n];
        double[] sq = new double[n];
        double[] stored = new double[n];
        double w = 0;
        for (RowBlock b : data.blocks()) {
            LongBuffer o = b.rowOffsets();
            IntBuffer idx = b.indices();
            FloatBuffer val = b.values();
            for (int r = 0; r < b.rows(); r++) {
                double wr = b.weight(r);
                if (wr == 0) continue;
                w += wr;
                for (int k = (int) o.get(r), end = (int) o.get(r + 1); k < end; k++) {
                    int j = idx.get(k);
                    double v = val.get(k);
                    s1[j] += wr * v;
                    sq[j] += wr * v * v;
                    stored[j] += wr;
                }
            }
        }
        if (w == 0) return new ColumnMoments(new int[0], new double[0], new double[0], new double[0]);
        double[] mean = s1;
        for (int j = 0; j < n; j++) mean[j] = s1[j] / w;
        double[] m2 = new double[n];
        for (RowBlock b : data.blocks()) {
            LongBuffer o = b.rowOffsets();
            IntBuffer idx = b.indices();
            FloatBuffer val = b.values();
            for (int r = 0; r < b.rows(); r++) {
                double wr = b.weight(r);
                if (wr == 0) continue;
                for (int k = (int) o.get(r), end = (int) o.get(r + 1); k < end; k++) {
                    int j = idx.get(k);
                    double d = val.get(k) - mean[j];
                    m2[j] += wr * d * d;
                }
            }
        }
        int listed = 0;
        for (int j = 0; j < n; j++) if (stored[j] > 0) listed++;
        int[] columns = new int[listed];
        double[] meanOut = new double[listed];
        double[] m2Out = new double[listed];
        double[] sqOut = new double[listed];
        for (int j = 0, k = 0; j < n; j++) {
            if (!(stored[j] > 0)) continue;
            columns[k] = j;
            meanOut[k] = mean[j];
            m2Out[k] = m2[j] + Math.max(0.0, w - stored[j]) * mean[j] * mean[j];
            sqOut[k] = sq[j];
            k++;
        }
        return new ColumnMoments(columns, meanOut, m2Out, sqOut);
    }

    /**
     * The statistics of the union of partitions of {@code n} columns: partition i's moments with the weight sum
     * {@code weightSums[i]} its term divides by (0: left out). Two passes over the partitions, in list order: the
     * pooled means, then each partition's m2 plus its weight times its mean's squared distance from the pooled one;
     * the partitions that do not list a column add their weight times its pooled mean squared (their zeros). The
     * driver's work and memory grow with the listed columns and n, not with partitions × n. The weight sums must not
     * all be 0.
     */
    static ColumnStatistics merge(int n, List<ColumnMoments> parts, double[] weightSums) {
        double[] mean = new double[n];
        double[] sq = new double[n];
        double[] listedWeight = new double[n];
        double total = 0;
        for (int i = 0; i < parts.size(); i++) {
            double wp = weightSums[i];
            if (wp == 0) continue;
            total += wp;
            ColumnMoments p = parts.get(i);
            for (int k = 0; k < p.mean.length; k++) {
                int j = p.column(k);
                mean[j] += wp * p.mean[k];
                sq[j] += p.sq[k];
                listedWeight[j] += wp;
            }
        }
        for (int j = 0; j < n; j++) mean[j] /= total;
        double[] m2 = new double[n];
        for (int i = 0; i < parts.size(); i++) {
            double wp = weightSums[i];
            if (wp == 0) continue;
            ColumnMoments p = parts.get(i);
            for (int k = 0; k < p.mean.length; k++) {
                int j = p.column(k);
                double d = p.mean[k] - mean[j];
                m2[j] += p.m2[k] + wp * d * d;
            }
        }
        double[] std = new double[n];
        double[] rms = new double[n];
        for (int j = 0; j < n; j++) {
            m2[j] += Math.max(0.0, total - listedWeight[j]) * mean[j] * mean[j];
            std[j] = Math.sqrt(Math.max(m2[j] / total, 0.0));
            rms[j] = Math.sqrt(sq[j] / total);
        }
        return ColumnStatistics.of(mean, std, rms);
    }
}
