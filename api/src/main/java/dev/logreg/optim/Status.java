package dev.logreg.optim;

/** Why an optimization ended. Running out of budget is a status, not an exception. */
public enum Status {
    /** The gradient test passed: ‖g‖∞ ≤ tol·max(|f|, 1) (for L1: the pseudo-gradient of OWL-QN, or the proximal step). */
    CONVERGED_GRADIENT(true),
    /** The relative change of the objective over an iteration fell below its tolerance. */
    CONVERGED_VALUE(true),
    /** The iteration budget (or epoch budget, for SGD and Adam) was spent. */
    MAX_ITERATIONS(false),
    /** The wall-clock budget was spent. */
    TIME_BUDGET(false),
    /** A listener asked to stop. */
    CANCELLED(false),
    /** The line search found no acceptable step (often: converged as far as floating point allows). */
    LINE_SEARCH_FAILED(false),
    /** A non-finite value or gradient appeared; the last finite iterate is returned. */
    NUMERIC_ERROR(false),
    /**
     * The coefficients grow without bound: the data are linearly separable and nothing (no L2 part in the penalty)
     * keeps the optimum finite. The last finite iterate is returned; add a penalty to get a finite optimum.
     */
    UNBOUNDED_COEFFICIENTS(false);

    private final boolean converged;

    Status(boolean converged) {
        this.converged = converged;
    }

    /** Whether this status means a convergence test passed. */
    public boolean isConverged() {
        return converged;
    }
}
