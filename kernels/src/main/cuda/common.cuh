/*
 * common.cuh - layout constants and deterministic reduction helpers shared by every kernel.
 *
 * Partial-sum buffers: one row of `width` doubles per block (or per warp, for the wide global-accumulator path),
 *   slot 0 = sum w_i l_i,  slot 1 = sum w_i,  slot 2 = sum r_i,  slots 3 .. 3+n-1 = sum r_i x_ij,
 * with r_i = w_i dl/dz(y_i, z_i). Value-only passes use width 2 (slots 0 and 1).
 * Deterministic: every helper here combines values in an order fixed by thread and block indices alone;
 * no floating-point atomics anywhere.
 */
#ifndef LOGREG_COMMON_CUH
#define LOGREG_COMMON_CUH

#include "logreg_math.cuh"

#define LR_SLOT_LOSS 0
#define LR_SLOT_WSUM 1
#define LR_SLOT_RSUM 2
#define LR_SLOT_GRAD 3
#define LR_VALUE_WIDTH 2
#define LR_FULL_MASK 0xffffffffu

/* Dynamic shared memory of a kernel; a macro so that the host emulation test (src/test/cuda/emulate) can map it. */
#ifndef LR_DYNAMIC_SHARED
#define LR_DYNAMIC_SHARED(T, name) extern __shared__ T name[]
#endif

/*
 * Sum over the 32 lanes of a warp by an xor butterfly: a fixed pairing, and because floating-point addition is
 * commutative every lane ends with the same bits (lane i adds a_i + a_(i^o), lane i^o adds a_(i^o) + a_i).
 */
__device__ __forceinline__ double lr_warp_sum(double v) {
#pragma unroll
    for (int off = 16; off > 0; off >>= 1) v += __shfl_xor_sync(LR_FULL_MASK, v, off);
    return v;
}

/*
 * Block-wide sum of one double per thread by a fixed binary tree in shared memory (blockDim.x a power of two,
 * `scratch` at least blockDim.x doubles). Returns the sum in thread 0; the others get an unspecified value.
 */
__device__ __forceinline__ double lr_block_sum(double v, double *scratch) {
    const int t = threadIdx.x;
    __syncthreads();  // scratch may still be read by a previous call
    scratch[t] = v;
    __syncthreads();
    for (int s = blockDim.x >> 1; s > 0; s >>= 1) {
        if (t < s) scratch[t] += scratch[t + s];
        __syncthreads();
    }
    return scratch[0];
}

/*
 * z = x_row . theta + b for a warp working on one row: lane l adds columns l, l+32, ... in order, then the xor
 * butterfly (every lane gets z). The margins and the Hessian's curvature pass share it.
 */
__device__ __forceinline__ double lr_warp_logit(const float *__restrict__ X, long long row, int n,
                                                const double *__restrict__ params, int lane) {
    const float *xr = X + row * (long long)n;
    double s = 0.0;
    for (int j = lane; j < n; j += 32) s = fma(__ldg(params + j), (double)__ldcs(xr + j), s);
    return lr_warp_sum(s) + params[n];
}

/* Weight of row `row`: 1 where the data are unweighted (w == nullptr). */
__device__ __forceinline__ float lr_weight(const float *__restrict__ w, long long row) {
    return w == nullptr ? 1.0f : __ldg(w + row);
}

#endif /* LOGREG_COMMON_CUH */
