/*
 * softmax_math.cuh - the per-row math of the multinomial (softmax) loss, shared by the device kernels (softmax.cu)
 * and the host test (src/test/cuda/math_test.cu).
 *
 * For a row of K logits z_0 .. z_{K-1} (float64) and a class y in {0, .., K-1}:
 *   l(y, z)      = (z_max - z_y) + log sum_c exp(z_c - z_max)      (stable log-sum-exp: every exp argument <= 0)
 *   dl/dz_c      = p_c - [c = y],   p_c = exp(z_c - z_max) / sum_e exp(z_e - z_max)
 * the same expressions, in the same order, as dev.logreg.loss.MultinomialLoss (the reference backend's definition):
 * the sum over classes in increasing c, (z_max - z_y) first so that two large logits do not cancel.
 * No clipping, no fast-math: exp and log are the double-precision library functions on host and device alike.
 *
 * KMAX is a compile-time bound on K (the loops are unrolled over it and guarded by c < k), so that on the device the
 * K logits stay in registers: a register array indexed by a run-time loop counter would live in local memory.
 * Launch shape: none (inline functions). Deterministic: pure functions of their arguments.
 */
#ifndef LOGREG_SOFTMAX_MATH_CUH
#define LOGREG_SOFTMAX_MATH_CUH

#include "logreg_math.cuh"

/*
 * The loss of row (y, z[0 .. k-1]) (k <= KMAX), and in place of z the derivatives d_c = p_c - [c = y]. One exp per
 * class, one log and one division per row.
 */
template <int KMAX>
LR_HD double lr_softmax_loss_and_derivative(int k, int y, double (&z)[KMAX]) {
    double zmax = z[0];
#pragma unroll
    for (int c = 1; c < KMAX; c++)
        if (c < k) zmax = fmax(zmax, z[c]);
    double zy = z[0];
#pragma unroll
    for (int c = 1; c < KMAX; c++)
        if (c == y) zy = z[c];
    double s = 0.0;
#pragma unroll
    for (int c = 0; c < KMAX; c++) {
        if (c < k) {
            z[c] = exp(z[c] - zmax);
            s += z[c];
        }
    }
#pragma unroll
    for (int c = 0; c < KMAX; c++)
        if (c < k) z[c] = c == y ? z[c] / s - 1.0 : z[c] / s;
    return (zmax - zy) + log(s);
}

/* The loss of row (y, z[0 .. k-1]) alone; z is left as it was. */
template <int KMAX>
LR_HD double lr_softmax_loss(int k, int y, const double (&z)[KMAX]) {
    double zmax = z[0];
#pragma unroll
    for (int c = 1; c < KMAX; c++)
        if (c < k) zmax = fmax(zmax, z[c]);
    double zy = z[0];
#pragma unroll
    for (int c = 1; c < KMAX; c++)
        if (c == y) zy = z[c];
    double s = 0.0;
#pragma unroll
    for (int c = 0; c < KMAX; c++)
        if (c < k) s += exp(z[c] - zmax);
    return (zmax - zy) + log(s);
}

#endif /* LOGREG_SOFTMAX_MATH_CUH */
