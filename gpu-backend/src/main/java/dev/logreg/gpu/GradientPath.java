package dev.logreg.gpu;

/**
 * How {@link CudaDataTerm#valueAndGradient} computes the value and gradient. All three accumulate the value in
 * float64; they differ in how often X is read and where the gradient sums are formed.
 */
public enum GradientPath {
    /** One fused kernel reads each element of X once (the default and the fastest). */
    FUSED,
    /** Our own unfused two passes, X·θ then Xᵀ·r, each reading X: an independent cross-check and a baseline. */
    TWO_PASS,
    /**
     * Two {@code cublasSgemv} calls (X·θ, then Xᵀ·r) around a residual kernel. cuBLAS accumulates in float32, so this
     * path is less accurate (about 1e-5 relative on large data) and exists as a cross-check and baseline. Usable only
     * where JCuBLAS loads ({@code libcublas.so.12}); see {@link CudaBackend#cublasProblem()}.
     */
    CUBLAS;

    /** Parses {@code fused | two_pass | two-pass | cublas}, case-insensitive. */
    public static GradientPath parse(String text) {
        String t = text == null ? "" : text.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        for (GradientPath p : values()) {
            if (p.name().equals(t)) return p;
        }
        throw new IllegalArgumentException("gradient path '" + text + "' is not one of fused, two_pass, cublas");
    }
}
