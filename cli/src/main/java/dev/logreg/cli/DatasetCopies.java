package dev.logreg.cli;

import dev.logreg.data.Dataset;

import java.util.SplittableRandom;

/** Row subsets and re-weighted copies of a dataset, for what the train command adds to training. */
final class DatasetCopies {
    private DatasetCopies() {}

    /**
     * A seeded holdout split: {@code [train rows, validation rows]}, each ascending; round(m·fraction) rows
     * (at least one) are held out, drawn by a Fisher-Yates shuffle from {@code random}.
     */
    static long[][] split(long rows, double fraction, SplittableRandom random) {
        if (rows > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("--validation-fraction supports at most 2^31 rows; the data have " + rows);
        int m = (int) rows;
        int k = (int) Math.max(1, Math.round(m * fraction));
        if (k >= m) {
            throw new IllegalArgumentException("--validation-fraction " + fraction + " leaves no training rows of " + m);
        }
        int[] idx = new int[m];
        for (int i = 0; i < m; i++) idx[i] = i;
        for (int i = m - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        boolean[] held = new boolean[m];
        for (int i = 0; i < k; i++) held[idx[i]] = true;
        long[] train = new long[m - k];
        long[] val = new long[k];
        int a = 0, b = 0;
        for (int i = 0; i < m; i++) {
            if (held[i]) val[b++] = i;
            else train[a++] = i;
        }
        return new long[][] {train, val};
    }

    /**
     * A copy of the rows {@code rows} of {@code src} (all rows where {@code null}), each weight multiplied by
     * {@code classWeight[label]} (where not {@code null}).
     */
    static Dataset copy(Dataset src, long[] rows, double[] classWeight) {
        int n = src.cols();
        boolean weighted = src.isWeighted() || classWeight != null;
        Dataset.Builder b = Dataset.builder(n);
        if (src.featureNames() != null) b.featureNames(src.featureNames());
        float[] row = new float[n];
        long count = rows == null ? src.rows() : rows.length;
        for (long k = 0; k < count; k++) {
            long i = rows == null ? k : rows[(int) k];
            src.copyRow(i, row);
            float y = src.label(i);
            float w = src.weight(i);
            if (classWeight != null) w = (float) (w * classWeight[(int) y]);
            b.addRow(row, 0, y, w, weighted);
        }
        return b.build();
    }

    /** scikit-learn's {@code class_weight="balanced"}: m / (2 · count(class)) for classes 0 and 1. */
    static double[] balancedClassWeights(Dataset data) {
        long[] c = data.labelCounts();
        long m = data.rows();
        if (c[0] == 0 || c[1] == 0) throw new IllegalArgumentException("--class-weight balanced needs rows of both classes; all " + m + " rows have label " + (c[0] == 0 ? 1 : 0));
        return new double[] {m / (2.0 * c[0]), m / (2.0 * c[1])};
    }
}
