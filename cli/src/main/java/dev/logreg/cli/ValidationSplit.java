package dev.logreg.cli;

import java.util.SplittableRandom;

/** {@code train --validation-fraction}: which rows are held out. */
final class ValidationSplit {
    private ValidationSplit() {}

    /**
     * A seeded holdout split: {@code [train rows, validation rows]}, each ascending; round(m·fraction) rows
     * (at least one) are held out, drawn by a Fisher-Yates shuffle from {@code random}.
     */
    static int[][] split(long rows, double fraction, SplittableRandom random) {
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
        int[] train = new int[m - k];
        int[] val = new int[k];
        int a = 0, b = 0;
        for (int i = 0; i < m; i++) {
            if (held[i]) val[b++] = i;
            else train[a++] = i;
        }
        return new int[][] {train, val};
    }
}
