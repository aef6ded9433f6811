/*
 * column_stats.cu - the preconditioner's column sums (dev.logreg.objective.ColumnStatistics' dense pass) over the
 * rows on the device, in the host's exact arithmetic, in two kernels:
 *   logreg_column_moments: per row chunk k (rows [fence[k], fence[k+1])) and column j, in row order, skipping rows
 *       of weight 0:   Σw,  Σ w·d,  Σ (w·d)·d,  Σ (w·v)·v     with v = (double) X[i][j], d = v − (double) X[0][j]
 *       into partial[k * (1 + 3n) + slot]: slot 0 Σw (written by the chunk's column-0 thread), 1 + j, 1 + n + j,
 *       1 + 2n + j the three column sums;
 *   logreg_column_moments_sum: out[c] = ((0 + partial[0][c]) + partial[1][c]) + ... in chunk order, c < 1 + 3n.
 * Every product and sum is one IEEE round-to-nearest operation (__dmul_rn, __dadd_rn, __dsub_rn: nvcc may not fuse
 * them into FMAs), in the order ColumnStatistics.chunkSums and of() take them, so the sums, and the statistics the
 * host forms from them (ColumnStatistics.fromSums), are the host's bit for bit. (w = 1 where there are no weights:
 * the host's unweighted branch, d and d·d, is the same bits as 1·d and (1·d)·d.)
 * Launch shapes: moments: 1-D, blockDim.x = 256, grid-stride over chunks x n threads, thread t taking chunk t / n
 * and column t % n (a warp reads consecutive columns of one row: coalesced); X has `cols` >= n floats a row (the
 * data term's padding), W is null where unweighted. sum: 1-D, 256 threads a block, grid-stride over 1 + 3n columns.
 * Each thread's chain is a chunk's rows (2^20 / n of them): the host's chunks, so the device pays for few columns
 * with long chains; the backend falls back to the host below a width (DeviceColumnStatistics).
 * Deterministic: the order of every addition is fixed by the fences and n alone. No atomics.
 */
#include "common.cuh"

#define LR_MOMENTS_THREADS 256
/* Rows loaded ahead of the (in-order) accumulation, so that several loads are in flight per thread. */
#define LR_MOMENTS_BATCH 8

struct lr_moments {
    double w, s1, s2, s3;
};

/* One row of the host's chunkSums loop for one column: skip a zero weight; every operation rounded on its own. */
__device__ __forceinline__ void lr_moments_add(lr_moments &m, float wf, float xf, double shift) {
    const double w = (double)wf;
    if (w == 0.0) return;
    const double v = (double)xf;
    const double d = __dsub_rn(v, shift);
    const double wd = __dmul_rn(w, d);
    m.w = __dadd_rn(m.w, w);
    m.s1 = __dadd_rn(m.s1, wd);
    m.s2 = __dadd_rn(m.s2, __dmul_rn(wd, d));
    m.s3 = __dadd_rn(m.s3, __dmul_rn(__dmul_rn(w, v), v));
}

extern "C" __global__ void __launch_bounds__(LR_MOMENTS_THREADS) logreg_column_moments(
        const float *__restrict__ X, const float *__restrict__ W, const long long *__restrict__ fences,
        long long chunks, int n, int cols, double *__restrict__ partial) {
    const long long width = 1 + 3LL * n;
    const long long total = chunks * n;
    for (long long t = (long long)blockIdx.x * blockDim.x + threadIdx.x; t < total; t += (long long)gridDim.x * blockDim.x) {
        const long long k = t / n;
        const int j = (int)(t - k * n);
        const double shift = (double)__ldg(X + j);
        const long long r1 = fences[k + 1];
        lr_moments m = {0.0, 0.0, 0.0, 0.0};
        long long i = fences[k];
        for (; i + LR_MOMENTS_BATCH <= r1; i += LR_MOMENTS_BATCH) {
            float x[LR_MOMENTS_BATCH], w[LR_MOMENTS_BATCH];
#pragma unroll
            for (int q = 0; q < LR_MOMENTS_BATCH; q++) {
                x[q] = __ldg(X + (i + q) * cols + j);
                w[q] = W != nullptr ? __ldg(W + i + q) : 1.0f;
            }
#pragma unroll
            for (int q = 0; q < LR_MOMENTS_BATCH; q++) lr_moments_add(m, w[q], x[q], shift);
        }
        for (; i < r1; i++) lr_moments_add(m, W != nullptr ? __ldg(W + i) : 1.0f, __ldg(X + i * cols + j), shift);
        double *out = partial + k * width;
        if (j == 0) out[0] = m.w;
        out[1 + j] = m.s1;
        out[1 + n + j] = m.s2;
        out[1 + 2 * n + j] = m.s3;
    }
}

extern "C" __global__ void __launch_bounds__(LR_MOMENTS_THREADS) logreg_column_moments_sum(
        const double *__restrict__ partial, long long chunks, int width, double *__restrict__ out) {
    for (int c = blockIdx.x * blockDim.x + threadIdx.x; c < width; c += gridDim.x * blockDim.x) {
        double s = 0.0;
        // Unrolled so that several loads are in flight; the additions stay in chunk order.
#pragma unroll 8
        for (long long k = 0; k < chunks; k++) s = __dadd_rn(s, partial[k * width + c]);
        out[c] = s;
    }
}
