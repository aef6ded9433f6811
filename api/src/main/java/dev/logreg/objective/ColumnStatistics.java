package dev.logreg.objective;

import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;

import java.nio.FloatBuffer;

/**
 * Weighted per-column means, standard deviations and root mean squares of a dataset, in double precision (one pass,
 * Welford-free: the sums are taken about a first-row shift, which keeps them accurate for columns far from zero).
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

    /** Statistics of every column of {@code data}, weighted by its sample weights. */
    public static ColumnStatistics of(Dataset data) {
        int n = data.cols();
        double[] shift = new double[n];
        double[] s1 = new double[n];
        double[] s2 = new double[n];
        double[] sq = new double[n];
        FloatBuffer first = data.blocks().get(0).features();
        for (int j = 0; j < n; j++) shift[j] = first.get(j);
        double m = 0;
        for (RowBlock b : data.blocks()) {
            FloatBuffer x = b.features();
            for (int i = 0; i < b.rows(); i++) {
                double w = b.weight(i);
                if (w == 0) continue;
                m += w;
                int base = i * n;
                for (int j = 0; j < n; j++) {
                    double v = x.get(base + j);
                    double d = v - shift[j];
                    s1[j] += w * d;
                    s2[j] += w * d * d;
                    sq[j] += w * v * v;
                }
            }
        }
        double[] mean = new double[n];
        double[] std = new double[n];
        double[] rms = new double[n];
        for (int j = 0; j < n; j++) {
            double md = s1[j] / m;
            mean[j] = shift[j] + md;
            std[j] = Math.sqrt(Math.max(s2[j] / m - md * md, 0.0));
            rms[j] = Math.sqrt(sq[j] / m);
        }
        return new ColumnStatistics(mean, std, rms);
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
