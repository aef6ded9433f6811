package dev.logreg.model;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * The dot product of a coefficient row with a sparse row, in the dense scoring's order, so that a sparse row scores
 * bit for bit as the same row held dense. The dense loop ({@link LogisticModel}'s {@code dot}) keeps four float64
 * partial sums: column j goes to sum {@code j & 3} for j below {@code n & ~3}, the tail to sum 0, and the sums are
 * combined as {@code ((s0 + s1) + (s2 + s3))}. A zero feature adds θⱼ·0 = ±0 to its sum, which leaves a float64 sum
 * unchanged (a sum starts at +0, and +0 + −0 = +0), so adding only the nonzeros, in increasing column order, to the
 * sums their columns belong to gives the same bits. Stateless.
 */
final class SparseDot {
    private SparseDot() {}

    /**
     * Checks one sparse row for a model of {@code n} features: {@code count} within both arrays, column indices in
     * [0, n) and strictly increasing (sorted and unique).
     *
     * @throws IllegalArgumentException naming the nonzero and the column at fault
     */
    static void check(int[] indices, float[] values, int count, int n) {
        if (count < 0 || count > indices.length || count > values.length) {
            throw new IllegalArgumentException("a sparse row of " + count + " nonzeros, but " + indices.length + " indices and " + values.length + " values were given");
        }
        int previous = -1;
        for (int k = 0; k < count; k++) {
            int c = indices[k];
            if (c < 0 || c >= n) throw new IllegalArgumentException("nonzero " + k + ": column index " + c + " is outside [0, " + n + ")");
            if (c <= previous) {
                throw new IllegalArgumentException("nonzero " + k + ": column index " + c + (c == previous ? " repeats" : " follows " + previous)
                        + " (indices must be sorted and unique)");
            }
            previous = c;
        }
    }

    /** θ·x over {@code coefficients[base .. base + n)} and the nonzeros {@code indices/values[0 .. count)}. */
    static double dot(double[] coefficients, int base, int n, int[] indices, float[] values, int count) {
        int n4 = n & ~3;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int k = 0; k < count; k++) {
            int j = indices[k];
            double p = coefficients[base + j] * values[k];
            switch (j < n4 ? j & 3 : 0) {
                case 0: s0 += p; break;
                case 1: s1 += p; break;
                case 2: s2 += p; break;
                default: s3 += p; break;
            }
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** θ·x over {@code coefficients[base .. base + n)} and the nonzeros {@code [from, to)} of CSR buffers. */
    static double dot(double[] coefficients, int base, int n, IntBuffer indices, FloatBuffer values, int from, int to) {
        int n4 = n & ~3;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int k = from; k < to; k++) {
            int j = indices.get(k);
            double p = coefficients[base + j] * values.get(k);
            switch (j < n4 ? j & 3 : 0) {
                case 0: s0 += p; break;
                case 1: s1 += p; break;
                case 2: s2 += p; break;
                default: s3 += p; break;
            }
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** The first non-finite value of a sparse row, as the reason its logit is undefined; else the overflow reason. */
    static String undefinedReason(int[] indices, float[] values, int count, String overflow) {
        for (int k = 0; k < count; k++) {
            if (!Float.isFinite(values[k])) return "feature " + indices[k] + " is " + values[k] + ", expected a finite number";
        }
        return overflow;
    }
}
