package dev.logreg.metrics;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DoubleRadixSortTest {
    private static void assertSortsLikeTheJdk(double[] a) {
        double[] want = a.clone();
        Arrays.sort(want);
        double[] got = a.clone();
        DoubleRadixSort.sort(got);
        for (int i = 0; i < a.length; i++) {
            assertEquals(Double.doubleToRawLongBits(want[i]), Double.doubleToRawLongBits(got[i]), "element " + i + " of " + a.length);
        }
    }

    @Test
    void sortsEveryKindOfDoubleAsArraysSortDoes() {
        SplittableRandom rnd = new SplittableRandom(5);
        double[] special = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, -Double.MAX_VALUE,
            Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.0, -1.0};
        for (int m : new int[] {0, 1, 7, 4095, 4096, 10_000, 200_003}) {
            double[] a = new double[m];
            for (int i = 0; i < m; i++) {
                a[i] = switch (i % 5) {
                    case 0 -> special[rnd.nextInt(special.length)];
                    case 1 -> rnd.nextGaussian();
                    case 2 -> Math.round(rnd.nextGaussian() * 4) / 4.0;  // many ties
                    case 3 -> Double.longBitsToDouble(rnd.nextLong());
                    default -> -rnd.nextDouble() * 1e-300;
                };
                if (Double.isNaN(a[i])) a[i] = 0.5;
            }
            assertSortsLikeTheJdk(a);
        }
    }

    @Test
    void keepsArraysWhoseDigitsAgreeEverywhere() {
        double[] a = new double[50_000];
        Arrays.fill(a, 3.25);
        a[17] = 3.0;
        assertSortsLikeTheJdk(a);
        double[] b = new double[50_000];
        for (int i = 0; i < b.length; i++) b[i] = b.length - i;  // integers: the low mantissa digits are all zero
        assertSortsLikeTheJdk(b);
    }

    @Test
    void keyOrderIsCompareOrderAndInvertible() {
        double[] v = {Double.NEGATIVE_INFINITY, -2.0, -Double.MIN_VALUE, -0.0, 0.0, Double.MIN_VALUE, 2.0, Double.POSITIVE_INFINITY};
        for (int i = 0; i < v.length; i++) {
            assertEquals(Double.doubleToRawLongBits(v[i]), Double.doubleToRawLongBits(DoubleRadixSort.value(DoubleRadixSort.key(v[i]))));
            if (i > 0) assertEquals(-1, Long.compareUnsigned(DoubleRadixSort.key(v[i - 1]), DoubleRadixSort.key(v[i])), v[i - 1] + " < " + v[i]);
        }
    }
}
