/*
 * logreg_math.cuh - the per-row math of logistic regression, shared by the device kernels and the host test.
 *
 * Computes, for a label y in {0, 1} and a logit z (float64):
 *   sigma(z)      = 1/(1+e^-z) for z >= 0, e^z/(1+e^z) for z < 0   (by select: no cancellation on either tail)
 *   log loss      l(y,z)  = max(z,0) - y z + log1p(e^-|z|)            (finite for every finite z)
 *                 dl/dz   = sigma(z) - y, as -sigma(-z) where y = 1     (relative accuracy where sigma(z) rounds to 1)
 *   squared error l(y,z)  = 1/2 (sigma(z) - y)^2
 *                 dl/dz   = (sigma(z) - y) sigma(z) sigma(-z)
 * No clipping, no cut-over thresholds, no fast-math intrinsics: exp and log1p are the correctly-rounded-to-a-few-ulps
 * double-precision library functions on host and device alike. One exp, one log1p and one division per row (log
 * loss, value and derivative together).
 *
 * Launch shape: none (inline functions). Deterministic: pure functions of their arguments.
 */
#ifndef LOGREG_MATH_CUH
#define LOGREG_MATH_CUH

#ifdef __CUDACC__
#define LR_HD __host__ __device__ __forceinline__
#else
#define LR_HD inline
#endif

#include <math.h>

/** Loss ids, the same numbers as the Java side passes (CudaKernels.LOSS_LOG, LOSS_MSE). */
#define LOGREG_LOSS_LOG 0
#define LOGREG_LOSS_MSE 1

/*
 * Every function below builds on one exp: e = e^-|z| (in (0, 1]: it never overflows) and d = 1 + e. Then
 *   sigma(z)  = 1/d where z >= 0, e/d where z < 0      (the numerator chosen by a select: one division)
 *   sigma(-z) = 1/d where z <= 0, e/d where z > 0
 * which is bit for bit the branchy form (1/(1+e^-z) above zero, e^z/(1+e^z) below), since -|z| is exactly -z or z.
 * Why a select and not a branch: a kernel computes the losses of several rows at once, one per lane; a branch on the
 * sign of z (and another on y) made the lanes of a warp diverge and run every path, two exps and two divisions each.
 */
LR_HD double lr_tail(double z) { return exp(-fabs(z)); }

/** sigma(z) (nonnegative = z >= 0) or sigma(-z) (nonnegative = z <= 0) from e = lr_tail(z). */
LR_HD double lr_sigmoid_of_tail(double e, bool nonnegative) { return (nonnegative ? 1.0 : e) / (1.0 + e); }

/** sigma(z), accurate to a few ulps relative on both tails. */
LR_HD double lr_sigmoid(double z) { return lr_sigmoid_of_tail(lr_tail(z), z >= 0.0); }

/** sigma(z) - y from e = lr_tail(z), as -sigma(-z) where y = 1: no cancellation where sigma(z) rounds to 1. */
LR_HD double lr_residual_of_tail(double y, double z, double e) {
    const bool one = y == 1.0;
    const double p = lr_sigmoid_of_tail(e, one ? z <= 0.0 : z >= 0.0);
    return one ? -p : p - y;
}

/** sigma(z) - y without cancellation on the tail where sigma(z) rounds to y = 1. */
LR_HD double lr_residual(double y, double z) { return lr_residual_of_tail(y, z, lr_tail(z)); }

/** Log loss max(z,0) - y z + log1p(e^-|z|). */
LR_HD double lr_log_loss(double y, double z) {
    return fmax(z, 0.0) - y * z + log1p(lr_tail(z));
}

/** Squared error of the probability, 1/2 (sigma(z) - y)^2. */
LR_HD double lr_mse_loss(double y, double z) {
    double d = lr_residual(y, z);
    return 0.5 * d * d;
}

/** d/dz of the squared error: (sigma - y) sigma(z) sigma(-z). */
LR_HD double lr_mse_derivative(double y, double z) {
    return lr_residual(y, z) * lr_sigmoid(z) * lr_sigmoid(-z);
}

/**
 * One row's loss and derivative for loss id {@code loss}: writes l(y, z) to *value and returns dl/dz.
 * The id is uniform across a launch, so the branch costs nothing on the device.
 */
LR_HD double lr_loss_and_derivative(int loss, double y, double z, double *value) {
    const double e = lr_tail(z);  // the one exp of the row
    if (loss == LOGREG_LOSS_MSE) {
        double d = lr_residual_of_tail(y, z, e);
        *value = 0.5 * d * d;
        // same association as lr_mse_derivative and the Java loss
        return d * lr_sigmoid_of_tail(e, z >= 0.0) * lr_sigmoid_of_tail(e, z <= 0.0);
    }
    *value = fmax(z, 0.0) - y * z + log1p(e);
    return lr_residual_of_tail(y, z, e);
}

/**
 * d2l/dz2 for loss id {@code loss}, the weight of row i in the Hessian (1/M) sum w_i l''_i x~_i x~_i^T:
 *   log loss       sigma(z) sigma(-z)
 *   squared error  s^2 + (sigma(z) - y) s (sigma(-z) - sigma(z)),  s = sigma(z) sigma(-z)
 * (the same expressions, in the same order, as LogLoss and SquaredErrorLoss.secondDerivative).
 */
LR_HD double lr_second_derivative(int loss, double y, double z) {
    const double e = lr_tail(z);
    const double p = lr_sigmoid_of_tail(e, z >= 0.0);
    const double q = lr_sigmoid_of_tail(e, z <= 0.0);
    const double s = p * q;
    if (loss == LOGREG_LOSS_MSE) return s * s + lr_residual_of_tail(y, z, e) * s * (q - p);
    return s;
}

/** One row's loss alone. */
LR_HD double lr_loss(int loss, double y, double z) {
    return loss == LOGREG_LOSS_MSE ? lr_mse_loss(y, z) : lr_log_loss(y, z);
}

#endif /* LOGREG_MATH_CUH */
