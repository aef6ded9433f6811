/*
 * logreg_math.cuh - the per-row math of logistic regression, shared by the device kernels and the host test.
 *
 * Computes, for a label y in {0, 1} and a logit z (float64):
 *   sigma(z)      = 1/(1+e^-z) for z >= 0, e^z/(1+e^z) for z < 0   (by branch: no cancellation on either tail)
 *   log loss      l(y,z)  = max(z,0) - y z + log1p(e^-|z|)            (finite for every finite z)
 *                 dl/dz   = sigma(z) - y, as -sigma(-z) where y = 1     (relative accuracy where sigma(z) rounds to 1)
 *   squared error l(y,z)  = 1/2 (sigma(z) - y)^2
 *                 dl/dz   = (sigma(z) - y) sigma(z) sigma(-z)
 * No clipping, no cut-over thresholds, no fast-math intrinsics: exp and log1p are the correctly-rounded-to-a-few-ulps
 * double-precision library functions on host and device alike.
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

/** sigma(z) by branch, accurate to a few ulps relative on both tails. */
LR_HD double lr_sigmoid(double z) {
    if (z >= 0.0) {
        return 1.0 / (1.0 + exp(-z));
    }
    double e = exp(z);
    return e / (1.0 + e);
}

/** sigma(z) - y without cancellation on the tail where sigma(z) rounds to y = 1. */
LR_HD double lr_residual(double y, double z) {
    return y == 1.0 ? -lr_sigmoid(-z) : lr_sigmoid(z) - y;
}

/** Log loss max(z,0) - y z + log1p(e^-|z|). */
LR_HD double lr_log_loss(double y, double z) {
    return fmax(z, 0.0) - y * z + log1p(exp(-fabs(z)));
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
    if (loss == LOGREG_LOSS_MSE) {
        double d = lr_residual(y, z);
        *value = 0.5 * d * d;
        return d * lr_sigmoid(z) * lr_sigmoid(-z);  // same association as lr_mse_derivative and the Java loss
    }
    *value = lr_log_loss(y, z);
    return lr_residual(y, z);
}

/** One row's loss alone. */
LR_HD double lr_loss(int loss, double y, double z) {
    return loss == LOGREG_LOSS_MSE ? lr_mse_loss(y, z) : lr_log_loss(y, z);
}

#endif /* LOGREG_MATH_CUH */
