package dev.logreg.backend;

import java.util.SplittableRandom;

/**
 * The seeded row order every backend uses for mini-batches, so that the same seed gives the same batches on every
 * backend: a Fisher–Yates shuffle driven by {@link SplittableRandom}.
 */
public final class RowPermutation {
    private RowPermutation() {}

    /**
     * A permutation of 0..rows-1. Limited to 2^31 − 1 rows (one Java array).
     *
     * @throws IllegalArgumentException where rows exceeds the limit
     */
    public static int[] of(long rows, long seed) {
        if (rows < 0 || rows > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a row permutation holds at most " + (Integer.MAX_VALUE - 8) + " rows, got " + rows);
        }
        int n = (int) rows;
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int k = random.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[k];
            perm[k] = t;
        }
        return perm;
    }
}
