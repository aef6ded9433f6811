/*
 * aux.cu - small passes:
 *   logreg_weight_sum: per-block partials of sum_{i in [from, to)} w_i   (width 1)
 *   logreg_read_sum:   per-block partials of sum_k X[k] over count floats (width 1): a read-only pass over X, the
 *                      bandwidth ceiling the fused pass is compared with (16-byte loads; count % 4 == 0 required,
 *                      the host passes the largest multiple of 4 and ignores the tail).
 * Launch shape: 1-D grid, blockDim.x = 256 (power of two), grid-stride with 64-bit indices; shared memory 256
 * doubles. Deterministic: fixed partition and tree; block partials reduced by logreg_reduce_partials.
 */
#include "common.cuh"

extern "C" __global__ void __launch_bounds__(256) logreg_weight_sum(const float *__restrict__ W, long long from,
                                                                     long long to, double *__restrict__ partial) {
    __shared__ double scratch[256];
    double s = 0.0;
    for (long long i = from + (long long)blockIdx.x * blockDim.x + threadIdx.x; i < to; i += (long long)gridDim.x * blockDim.x) {
        s += (double)lr_weight(W, i);
    }
    const double t = lr_block_sum(s, scratch);
    if (threadIdx.x == 0) partial[blockIdx.x] = t;
}

extern "C" __global__ void __launch_bounds__(256) logreg_read_sum(const float *__restrict__ X, long long count,
                                                                   double *__restrict__ partial) {
    __shared__ double scratch[256];
    const float4 *x4 = reinterpret_cast<const float4 *>(X);
    const long long count4 = count >> 2;
    double s = 0.0;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < count4; i += (long long)gridDim.x * blockDim.x) {
        const float4 v = __ldcs(x4 + i);
        s += ((double)v.x + (double)v.y) + ((double)v.z + (double)v.w);
    }
    const double t = lr_block_sum(s, scratch);
    if (threadIdx.x == 0) partial[blockIdx.x] = t;
}
