package dev.logreg.model;

/**
 * A row whose logit θ·x + b is NaN, so that it has no probability: the row holds a NaN or an infinite feature, or
 * the terms of its dot product overflow to +∞ and −∞ and cancel. Scoring throws it instead of returning NaN: a NaN
 * probability would compare false with every threshold and pass silently as "label 0". Bad input, hence an
 * {@link IllegalArgumentException}; {@link #row()} says which row, for callers that name it their own way (a file's
 * line, a request's row).
 */
public final class UndefinedLogitException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final long row;
    private final String reason;

    /**
     * @param row    0-based index of the row in the batch or dataset scored (0 for a single row)
     * @param reason what made the logit NaN, without the row (for example "feature 3 is NaN")
     */
    public UndefinedLogitException(long row, String reason) {
        super("row " + row + ": " + reason);
        this.row = row;
        this.reason = reason;
    }

    /** 0-based index of the row in the batch or dataset scored (0 for a single row). */
    public long row() { return row; }

    /** What made the logit NaN, without the row: for a message that names the row its own way. */
    public String reason() { return reason; }
}
