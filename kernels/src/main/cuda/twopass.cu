/*
 * twopass.cu - the unfused path, an independent cross-check of fused.cu and a baseline for its speed:
 *   pass 1 (logreg_tp_residual):  z_i = x_i . theta + b,  r_i = w_i dl/dz(y_i, z_i) written to rbuf[i - from],
 *                                 per-block partials of  sum w_i l_i,  sum w_i,  sum r_i  (slots 0, 1, 2)
 *   pass 2 (logreg_tp_xtr):       g_j = sum_i r_i x_ij  over block b's contiguous chunk of rows (slots 3 .. 3+n-1)
 * so X is read twice (once per pass).
 *
 * Launch shape: both passes use the same grid of G blocks so that block b fills all slots of partial row b.
 *   pass 1: blockDim.x = 256 (power of two), a warp per row, grid-stride over rows; shared memory 256 doubles.
 *   pass 2: blockDim.x a multiple of 32; block b owns rows [from + b*chunk, from + (b+1)*chunk), thread t owns
 *           columns t, t + blockDim.x, ... and walks the chunk's rows in order (a warp reads 32 consecutive floats
 *           of a row: coalesced).
 * Deterministic: fixed partitions and orders; block partials reduced by logreg_reduce_partials. No atomics.
 */
#include "common.cuh"

extern "C" __global__ void __launch_bounds__(256) logreg_tp_residual(
        const float *__restrict__ X, const float *__restrict__ Y, const float *__restrict__ W, long long from,
        long long to, int n, const double *__restrict__ params, int loss, double *__restrict__ rbuf,
        double *__restrict__ partial) {
    __shared__ double scratch[256];
    const int lane = threadIdx.x & 31;
    const long long gwarp = ((long long)blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    const long long nwarps = ((long long)gridDim.x * blockDim.x) >> 5;
    const double b = params[n];
    double lossSum = 0.0, wSum = 0.0, rSum = 0.0;
    for (long long row = from + gwarp; row < to; row += nwarps) {
        const float *xr = X + row * (long long)n;
        double s = 0.0;
        for (int j = lane; j < n; j += 32) s = fma(__ldg(params + j), (double)__ldg(xr + j), s);
        const double z = lr_warp_sum(s) + b;
        const double w = (double)lr_weight(W, row);
        double v;
        const double d = lr_loss_and_derivative(loss, (double)__ldg(Y + row), z, &v);
        const double r = w * d;
        lossSum += w * v;
        wSum += w;
        rSum += r;
        if (lane == 0) rbuf[row - from] = r;
    }
    // Only lane 0 of each warp contributes (all lanes hold the same sums).
    const double keep = lane == 0 ? 1.0 : 0.0;
    const int width = n + 3;
    double t;
    t = lr_block_sum(keep * lossSum, scratch);
    if (threadIdx.x == 0) partial[(long long)blockIdx.x * width + LR_SLOT_LOSS] = t;
    t = lr_block_sum(keep * wSum, scratch);
    if (threadIdx.x == 0) partial[(long long)blockIdx.x * width + LR_SLOT_WSUM] = t;
    t = lr_block_sum(keep * rSum, scratch);
    if (threadIdx.x == 0) partial[(long long)blockIdx.x * width + LR_SLOT_RSUM] = t;
}

extern "C" __global__ void logreg_tp_xtr(const float *__restrict__ X, long long from, long long to, int n,
                                         const double *__restrict__ rbuf, double *__restrict__ partial) {
    const long long total = to - from;
    const long long chunk = (total + gridDim.x - 1) / gridDim.x;
    const long long lo = from + (long long)blockIdx.x * chunk;
    const long long hi = min(to, lo + chunk);
    const int width = n + 3;
    for (int j = threadIdx.x; j < n; j += blockDim.x) {
        double g = 0.0;
        for (long long row = lo; row < hi; row++) g = fma(rbuf[row - from], (double)__ldg(X + row * (long long)n + j), g);
        partial[(long long)blockIdx.x * width + LR_SLOT_GRAD + j] = g;
    }
}
