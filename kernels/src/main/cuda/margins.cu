/*
 * margins.cu - batch prediction: the logits
 *   out[i - from] = z_i = x_i . theta + b        for rows i in [from, to)   (float64 accumulation)
 *
 * Launch shape: 1-D grid of any size, blockDim.x a multiple of 32; a warp per row (grid-stride over rows, 64-bit
 * indices), lane l adding columns l, l+32, ...; the warp's sum by an xor butterfly.
 * Deterministic: each z_i depends only on its row and the fixed lane/butterfly order. No atomics.
 */
#include "common.cuh"

extern "C" __global__ void logreg_margins(const float *__restrict__ X, long long from, long long to, int n,
                                          const double *__restrict__ params, double *__restrict__ out) {
    const int lane = threadIdx.x & 31;
    const long long gwarp = ((long long)blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    const long long nwarps = ((long long)gridDim.x * blockDim.x) >> 5;
    for (long long row = from + gwarp; row < to; row += nwarps) {
        const double z = lr_warp_logit(X, row, n, params, lane);
        if (lane == 0) out[row - from] = z;
    }
}
