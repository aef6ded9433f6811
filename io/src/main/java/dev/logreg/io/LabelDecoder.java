package dev.logreg.io;

/**
 * Maps raw label values onto {0, 1} as a file streams past, and finds out which encoding the file uses: 0/1 or
 * -1/+1, never a mix. Not thread-safe; one per read.
 */
final class LabelDecoder {
    private boolean sawZero;
    private boolean sawMinusOne;

    /**
     * Class of {@code raw} (0 or 1), or -1 where {@code raw} is not a label; {@link #mixed} says whether the file
     * mixes the two negative encodings after this call.
     */
    int decode(double raw) {
        if (raw == 1) return 1;
        if (raw == 0) {
            sawZero = true;
            return 0;
        }
        if (raw == -1) {
            sawMinusOne = true;
            return 0;
        }
        return -1;
    }

    /** Whether both 0 and -1 have been seen (an ambiguous file). */
    boolean mixed() {
        return sawZero && sawMinusOne;
    }

    /** Whether a 0 label has been seen. */
    boolean sawZero() {
        return sawZero;
    }

    /** Whether a -1 label has been seen. */
    boolean sawMinusOne() {
        return sawMinusOne;
    }

    /** The mapping seen so far (0/1 unless -1 was seen). */
    LabelMapping mapping() {
        return sawMinusOne ? LabelMapping.MINUS_ONE_PLUS_ONE : LabelMapping.ZERO_ONE;
    }

    /** The error message for a value that is not a label. */
    static String notALabel(String what) {
        return what + ", expected 0 or 1 (or -1 or +1)";
    }
}
