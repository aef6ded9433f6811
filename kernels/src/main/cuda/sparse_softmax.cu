/*
 * sparse_softmax.cu - the multinomial (softmax) data term over sparse (CSR) rows and K classes: a rows pass
 * (logreg_sparse_softmax_rows_g8, _g32), for rows i in [from, to):
 *   z_ic = sum_k W[c][col_k] x_k + b_c         (float64, c = 0 .. K-1; params class-major, K (cols + 1) doubles)
 *   l_i  = (z_max - z_iy) + log sum_c exp(z_ic - z_max),   r_ic = w_i (p_ic - [c = y_i])
 * in the order of softmax_math.cuh (the reference backend's), into per-block partials  sum w_i l_i,  sum w_i  (width
 * LR_SPARSE_WIDTH, slot 2 zero) and, by mode, r_ic into rowOut[i K + c] (0 for the rows outside [from, to): the next
 * kernels read every row) or z_ic into rowOut[(i - from) K + c] (margins); the value-only mode uses rowOut as scratch.
 * Hessian-vector products: the curvature mode writes p_ic into rowOut[i K + c]; the Hessian-vector mode (params = v,
 * curv = those p) writes q_ic = w_i p_ic (u_ic - sum_e p_ie u_ie), u_ic = x_i . v_c + v_c,n, and sums w_i.
 * The gradient then takes K X^T passes of sparse.cu (logreg_sparse_xtr_tiles with stride K, column c of rowOut), and
 * the intercepts' sums sum_i r_ic are logreg_reduce_partials over rowOut read as m rows of width K.
 *
 * Launch shape: as logreg_sparse_rows (sparse.cu): blockDim.x = 256, groups of G lanes a row, grid-stride by warp;
 *   for each class the group's lanes add the row's nonzeros lane-strided and by xor butterfly, and its first lane
 *   writes z_ic; that lane then forms the row's softmax serially over c in global memory (K doubles a row, in place).
 * Deterministic: fixed orders throughout (the butterfly, c in increasing order, the block tree); no atomics.
 */
#include "common.cuh"

template <int G>
__device__ __forceinline__ void lr_sparse_softmax_rows(
        const long long *__restrict__ rowOff, const int *__restrict__ idx, const float *__restrict__ val,
        const float *__restrict__ Y, const float *__restrict__ W, long long rows, long long from, long long to,
        const double *__restrict__ params, int cols, int k, int mode, const double *__restrict__ curv, double *__restrict__ rowOut,
        double *__restrict__ partial) {
    __shared__ double scratch[LR_SPARSE_THREADS];
    constexpr int PER_WARP = 32 / G;
    const int lane = threadIdx.x & 31;
    const int sub = lane & (G - 1);
    const long long warp = ((long long)blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    const long long warps = ((long long)gridDim.x * blockDim.x) >> 5;
    const bool everyRow = mode == LR_SPARSE_GRADIENT || mode == LR_SPARSE_HESSIAN_VECTOR;
    const long long lo = everyRow ? 0 : from;
    const long long hi = everyRow ? rows : to;
    const long long outBase = mode == LR_SPARSE_MARGINS ? from : 0;
    const long long stride = (long long)cols + 1;
    double lossSum = 0.0, wSum = 0.0;
    for (long long base = lo + warp * PER_WARP; base < hi; base += warps * PER_WARP) {
        const long long row = base + lane / G;
        const bool live = row < hi;
        const bool inRange = live && row >= from && row < to;
        double *z = rowOut + (row - outBase) * k;
        const long long start = inRange ? rowOff[row] : 0;
        const long long end = inRange ? rowOff[row + 1] : 0;
        for (int c = 0; c < k; c++) {
            const double *theta = params + c * stride;
            double s = 0.0;
            for (long long q = start + sub; q < end; q += G) s = fma(__ldg(theta + __ldg(idx + q)), (double)__ldcs(val + q), s);
#pragma unroll
            for (int off = G >> 1; off > 0; off >>= 1) s += __shfl_xor_sync(LR_FULL_MASK, s, off);
            if (sub == 0 && live) z[c] = inRange ? s + theta[cols] : 0.0;
        }
        if (sub != 0 || !inRange || mode == LR_SPARSE_MARGINS) continue;
        const double w = (double)lr_weight(W, row);
        if (mode == LR_SPARSE_HESSIAN_VECTOR) {
            // z holds u_ic here; p_ic from the curvature pass.
            const double *p = curv + row * k;
            double pu = 0.0;
            for (int c = 0; c < k; c++) pu += p[c] * z[c];
            for (int c = 0; c < k; c++) z[c] = w * (p[c] * (z[c] - pu));
            wSum += w;
            continue;
        }
        // The row's softmax by its group's first lane, in softmax_math.cuh's order, in place.
        const int y = (int)__ldg(Y + row);
        double zmax = z[0];
        for (int c = 1; c < k; c++) zmax = fmax(zmax, z[c]);
        const double zy = z[y];
        double e = 0.0;
        for (int c = 0; c < k; c++) {
            const double t = exp(z[c] - zmax);
            if (mode != LR_SPARSE_VALUE) z[c] = t;
            e += t;
        }
        if (mode == LR_SPARSE_GRADIENT) {
            for (int c = 0; c < k; c++) z[c] = w * (c == y ? z[c] / e - 1.0 : z[c] / e);
        } else if (mode == LR_SPARSE_CURVATURE) {
            for (int c = 0; c < k; c++) z[c] = z[c] / e;
        }
        lossSum += w * ((zmax - zy) + log(e));
        wSum += w;
    }
    if (partial == nullptr) return;
    double t = lr_block_sum(sub == 0 ? lossSum : 0.0, scratch);
    if (threadIdx.x == 0) partial[(long long)blockIdx.x * LR_SPARSE_WIDTH + LR_SLOT_LOSS] = t;
    t = lr_block_sum(sub == 0 ? wSum : 0.0, scratch);
    if (threadIdx.x == 0) {
        partial[(long long)blockIdx.x * LR_SPARSE_WIDTH + LR_SLOT_WSUM] = t;
        partial[(long long)blockIdx.x * LR_SPARSE_WIDTH + LR_SLOT_RSUM] = 0.0;
    }
}

#define LR_SPARSE_SOFTMAX_ENTRY(G)                                                                                       \
    extern "C" __global__ void __launch_bounds__(LR_SPARSE_THREADS) logreg_sparse_softmax_rows_g##G(                    \
            const long long *__restrict__ rowOff, const int *__restrict__ idx, const float *__restrict__ val,           \
            const float *__restrict__ Y, const float *__restrict__ W, long long rows, long long from, long long to,     \
            const double *__restrict__ params, int cols, int k, int mode, const double *__restrict__ curv,              \
            double *__restrict__ rowOut, double *__restrict__ partial) {                                                \
        lr_sparse_softmax_rows<G>(rowOff, idx, val, Y, W, rows, from, to, params, cols, k, mode, curv, rowOut, partial); \
    }
LR_SPARSE_SOFTMAX_ENTRY(8)
LR_SPARSE_SOFTMAX_ENTRY(32)
