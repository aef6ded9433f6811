/*
 * blas.cu - the residual step of the cuBLAS path (z from cublasSgemv, float32 accumulation inside cuBLAS):
 *   z_i = zf[i] + b  (float64),  r_i = w_i dl/dz(y_i, z_i)  written as float32 to rf[i]  (the next Sgemv reads it),
 *   per-block partials of  sum w_i l_i,  sum w_i,  sum r_i  (slots 0, 1, 2 of a width-3 row)
 * for the rows [from, from + count) of the bound order, i = row - from.
 *
 * Launch shape: 1-D grid, blockDim.x = 256 (power of two), a thread per row, grid-stride (64-bit); shared memory
 * 256 doubles. Deterministic: fixed partition and tree; block partials reduced by logreg_reduce_partials.
 */
#include "common.cuh"

extern "C" __global__ void __launch_bounds__(256) logreg_blas_residual(
        const float *__restrict__ zf, const float *__restrict__ Y, const float *__restrict__ W, long long from,
        long long count, const double *__restrict__ params, int n, int loss, float *__restrict__ rf,
        double *__restrict__ partial) {
    __shared__ double scratch[256];
    const double b = params[n];
    double lossSum = 0.0, wSum = 0.0, rSum = 0.0;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < count; i += (long long)gridDim.x * blockDim.x) {
        const double z = (double)zf[i] + b;
        const double w = (double)lr_weight(W, from + i);
        double v;
        const double d = lr_loss_and_derivative(loss, (double)__ldg(Y + from + i), z, &v);
        const double r = w * d;
        rf[i] = (float)r;
        lossSum += w * v;
        wSum += w;
        rSum += r;
    }
    double t;
    t = lr_block_sum(lossSum, scratch);
    if (threadIdx.x == 0) partial[(long long)blockIdx.x * 3 + LR_SLOT_LOSS] = t;
    t = lr_block_sum(wSum, scratch);
    if (threadIdx.x == 0) partial[(long long)blockIdx.x * 3 + LR_SLOT_WSUM] = t;
    t = lr_block_sum(rSum, scratch);
    if (threadIdx.x == 0) partial[(long long)blockIdx.x * 3 + LR_SLOT_RSUM] = t;
}
