package dev.logreg.backend;

import java.util.OptionalLong;

/**
 * How a {@link Backend} stores bound data.
 *
 * @param permutationSeed where present, rows are stored in the order of {@link RowPermutation#of(long, long)} with
 *                        this seed (row range [a, b) of the bound term then holds rows perm[a..b) of the dataset)
 */
public record BindOptions(OptionalLong permutationSeed) {
    /** Rows in their own order. */
    public static final BindOptions DEFAULT = new BindOptions(OptionalLong.empty());

    public BindOptions {
        java.util.Objects.requireNonNull(permutationSeed, "permutationSeed");
    }

    /** Rows stored in a seeded random order. */
    public static BindOptions permuted(long seed) {
        return new BindOptions(OptionalLong.of(seed));
    }
}
