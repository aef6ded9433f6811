package dev.logreg.spark;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The treeAggregate sums: correctly rounded totals whatever the order partials are added and merged in. */
class CompensatedSumTest {
    @Test
    void totalDoesNotDependOnOrderAndIsExactlyRounded() {
        SplittableRandom rng = new SplittableRandom(11);
        List<double[]> partials = new ArrayList<>();
        for (int p = 0; p < 64; p++) {
            // Magnitudes over 16 decades and both signs, where plain double sums depend on the order.
            partials.add(new double[] {(rng.nextDouble() - 0.5) * Math.pow(10, rng.nextInt(16)), rng.nextDouble() * 1e-8});
        }
        double[] exact = new double[2];
        for (int i = 0; i < 2; i++) {
            BigDecimal s = BigDecimal.ZERO;
            for (double[] x : partials) s = s.add(new BigDecimal(x[i]));
            exact[i] = s.doubleValue();
        }
        Random shuffler = new Random(5);
        for (int trial = 0; trial < 20; trial++) {
            List<double[]> order = new ArrayList<>(partials);
            Collections.shuffle(order, shuffler);
            // Two "executors", each adding half, then merged: as treeAggregate does.
            double[] left = CompensatedSum.zero(2);
            double[] right = CompensatedSum.zero(2);
            for (int k = 0; k < order.size(); k++) CompensatedSum.add(k % 2 == 0 ? left : right, order.get(k));
            double[] total = CompensatedSum.result(trial % 2 == 0 ? CompensatedSum.merge(left, right) : CompensatedSum.merge(right, left));
            for (int i = 0; i < 2; i++) {
                assertEquals(exact[i], total[i], "sum " + i + " in shuffle " + trial + ": " + total[i] + " vs exact " + exact[i]);
            }
        }
    }

    @Test
    void rejectsPartialsOfTheWrongLength() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> CompensatedSum.add(CompensatedSum.zero(3), new double[2]));
        assertTrue(e.getMessage().contains("expected 3"), e.getMessage());
    }
}
