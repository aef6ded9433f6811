package dev.logreg.io;

/**
 * How the labels of a file map onto the {0, 1} the library trains on: the file's value for the negative class
 * ({@code 0} or {@code -1}) and for the positive class (always {@code 1}). Kept in the model file so that
 * predictions are written in the encoding the user trained with. Immutable.
 *
 * @param negative the file's value for class 0: 0 or -1
 * @param positive the file's value for class 1: 1
 */
public record LabelMapping(double negative, double positive) {
    /** Labels 0 and 1. */
    public static final LabelMapping ZERO_ONE = new LabelMapping(0, 1);
    /** Labels -1 and +1 (common in LIBSVM files). */
    public static final LabelMapping MINUS_ONE_PLUS_ONE = new LabelMapping(-1, 1);

    public LabelMapping {
        if (!(negative == 0 || negative == -1) || positive != 1) {
            throw new IllegalArgumentException("label mapping " + negative + "/" + positive + " is not one of 0/1, -1/+1");
        }
    }

    /** The file's value for class {@code label} (0 or 1). */
    public double toFile(int label) {
        return label == 1 ? positive : negative;
    }

    /** Formats the file's value of class {@code label} as an integer ({@code 0}, {@code 1}, {@code -1}). */
    public String format(int label) {
        return Long.toString((long) toFile(label));
    }
}
