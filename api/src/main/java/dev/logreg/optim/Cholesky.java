package dev.logreg.optim;

/** Dense Cholesky factorization and solve, for Newton's method and for covariance matrices. Stateless. */
public final class Cholesky {
    private Cholesky() {}

    /**
     * Factors (A + shift·I) = L Lᵀ into {@code l} (row-major n×n, lower triangle; A read from {@code a}, row-major,
     * symmetric). Returns false where the matrix is not (numerically) positive definite.
     */
    public static boolean factor(double[] a, int n, double shift, double[] l) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = a[i * n + j] + (i == j ? shift : 0.0);
                for (int k = 0; k < j; k++) sum -= l[i * n + k] * l[j * n + k];
                if (i == j) {
                    if (!(sum > 0) || !Double.isFinite(sum)) return false;
                    l[i * n + i] = Math.sqrt(sum);
                } else {
                    l[i * n + j] = sum / l[j * n + j];
                }
            }
        }
        return true;
    }

    /** Solves L Lᵀ x = b into {@code x} (may alias {@code b}). */
    public static void solve(double[] l, int n, double[] b, double[] x) {
        for (int i = 0; i < n; i++) {
            double sum = b[i];
            for (int k = 0; k < i; k++) sum -= l[i * n + k] * x[k];
            x[i] = sum / l[i * n + i];
        }
        for (int i = n - 1; i >= 0; i--) {
            double sum = x[i];
            for (int k = i + 1; k < n; k++) sum -= l[k * n + i] * x[k];
            x[i] = sum / l[i * n + i];
        }
    }
}
