package dev.logreg.backend;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RowPermutationTest {
    @Test
    void isASeededPermutation() {
        int[] p = RowPermutation.of(1000, 42);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) assertEquals(i, sorted[i], "every row exactly once");
        assertArrayEquals(p, RowPermutation.of(1000, 42), "same seed, same order");
        assertFalse(Arrays.equals(p, RowPermutation.of(1000, 43)), "another seed, another order");
        int fixed = 0;
        for (int i = 0; i < p.length; i++) if (p[i] == i) fixed++;
        // A uniform shuffle leaves about one fixed point; the identity would leave 1000.
        assertTrue(fixed < 10, fixed + " fixed points");
    }

    @Test
    void edgeSizes() {
        assertEquals(0, RowPermutation.of(0, 1).length);
        assertArrayEquals(new int[] {0}, RowPermutation.of(1, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RowPermutation.of(-1, 1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RowPermutation.of(1L << 31, 1));
        assertTrue(e.getMessage().contains(String.valueOf(1L << 31)), e.getMessage());
    }

    @Test
    void bindOptions() {
        assertTrue(BindOptions.DEFAULT.permutationSeed().isEmpty());
        assertEquals(9L, BindOptions.permuted(9).permutationSeed().getAsLong());
        assertThrows(NullPointerException.class, () -> new BindOptions(null));
    }
}
