package dev.logreg.spark;

/**
 * Element-wise double-double sums of the per-partition partials, for {@code treeAggregate}. Spark merges partials in
 * the order tasks finish, which differs run to run; carrying each sum as an unevaluated pair (hi, lo) with
 * error-free transformations (Knuth's TwoSum) makes the rounded total independent of that order in all but
 * pathological cases (exact ties), so that the optimizer sees the same value for the same point.
 *
 * <p>An accumulator of k sums is a {@code double[2k]}: the high parts first, then the low parts.
 */
final class CompensatedSum {
    private CompensatedSum() {}

    /** An accumulator of {@code k} zero sums. */
    static double[] zero(int k) {
        return new double[2 * k];
    }

    /** Adds the plain values {@code x} (length k) into {@code acc}; returns {@code acc}. */
    static double[] add(double[] acc, double[] x) {
        int k = acc.length / 2;
        if (x.length != k) throw new IllegalArgumentException("partial has " + x.length + " values, expected " + k);
        for (int i = 0; i < k; i++) {
            double a = acc[i];
            double s = a + x[i];
            double bv = s - a;
            double err = (a - (s - bv)) + (x[i] - bv);
            acc[i] = s;
            acc[k + i] += err;
        }
        return acc;
    }

    /** Merges accumulator {@code other} into {@code acc}; returns {@code acc}. */
    static double[] merge(double[] acc, double[] other) {
        int k = acc.length / 2;
        if (other.length != acc.length) throw new IllegalArgumentException("accumulators have " + acc.length + " and " + other.length + " entries");
        for (int i = 0; i < k; i++) {
            double a = acc[i];
            double s = a + other[i];
            double bv = s - a;
            double err = (a - (s - bv)) + (other[i] - bv);
            acc[i] = s;
            acc[k + i] += err + other[k + i];
        }
        return acc;
    }

    /** The rounded totals, length k. */
    static double[] result(double[] acc) {
        int k = acc.length / 2;
        double[] out = new double[k];
        for (int i = 0; i < k; i++) out[i] = acc[i] + acc[k + i];
        return out;
    }
}
