/*
 * reduce.cu - the second, small kernel of every deterministic reduction:
 *   out[c] = sum_{b = 0 .. rows-1} partial[b * width + c]      for c < width
 *
 * Launch shape: blockDim.x = 256 (LR_REDUCE_THREADS), 1-D grid of ceil(width / cw) blocks, where
 * cw = min(width, 32) columns per block (lr_reduce_columns; the host computes the grid from the same rule); static
 * shared memory 256 doubles. Thread t of a block takes column t % cw and row lane t / cw; the row lanes are the
 * largest power of two L with L * cw <= 256. Lane l adds rows l, l + L, l + 2L, ... in increasing order (a warp
 * reads 32 consecutive columns of a row, or 32 consecutive rows where width is 1: coalesced either way), then the
 * L lane sums of a column are added by a fixed binary tree in shared memory.
 * Why not one thread per column: the partial rows number a few thousand (a block's or a warp's each), and a
 * single dependent chain of that many loads costs tens of microseconds, a visible share of a 1-2 ms fused pass.
 * Deterministic: the order of the additions depends on rows and width alone. No atomics.
 */
#include "common.cuh"

#define LR_REDUCE_THREADS 256

/* Columns per block of logreg_reduce_partials for a partial row of `width` doubles. */
__host__ __device__ __forceinline__ int lr_reduce_columns(int width) {
    return width < 32 ? width : 32;
}

extern "C" __global__ void __launch_bounds__(LR_REDUCE_THREADS) logreg_reduce_partials(
        const double *__restrict__ partial, long long rows, int width, double *__restrict__ out) {
    __shared__ double scratch[LR_REDUCE_THREADS];
    const int cw = lr_reduce_columns(width);
    int lanes = 1;
    while (2 * lanes * cw <= LR_REDUCE_THREADS) lanes *= 2;
    const int t = threadIdx.x;
    const int lane = t / cw;
    const int c = blockIdx.x * cw + t % cw;
    double s = 0.0;
    if (lane < lanes && c < width) {
        // Unrolled so that several loads are in flight; the additions stay in increasing b.
#pragma unroll 8
        for (long long b = lane; b < rows; b += lanes) s += partial[b * width + c];
    }
    scratch[t] = s;
    __syncthreads();
    for (int h = lanes >> 1; h > 0; h >>= 1) {
        if (lane < h) scratch[t] += scratch[t + h * cw];  // lane l + h of the same column
        __syncthreads();
    }
    if (lane == 0 && c < width) out[c] = scratch[t];
}
