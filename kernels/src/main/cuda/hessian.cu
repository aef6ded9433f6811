/*
 * hessian.cu - the Hessian of the data term, H = (1/M) sum_i c_i x~_i x~_i^T with c_i = w_i l''(y_i, z_i) and
 * x~_i = (x_i, 1), in two kernels (the host divides by M and mirrors the lower triangle of tiles):
 *   logreg_curvature:     c[i - from] = w_i l''(y_i, z_i), z_i = x_i . theta + b     for rows i in [from, to)
 *   logreg_hessian_tiles: per (tile pair, row chunk) partial sums  sum_{i in chunk} (c_i x~_ia) x~_ib  over a 32 x 32
 *                         tile (a in tile I, b in tile J, I <= J) of the (n+1) x (n+1) matrix
 * Launch shapes:
 *   curvature: as logreg_margins (a warp per row, lane l adding columns l, l+32, ..., xor butterfly).
 *   tiles: blockDim.x = 256, grid = pairs x chunks, pairs = D (D + 1) / 2 with D = ceil((n+1) / 32); block
 *   g takes pair g % pairs and chunk g / pairs (rows [chunk * chunkRows, +chunkRows), chunkRows a multiple of 32).
 *   32 rows at a time are staged in shared memory (tiles I and J of x~, float, padded rows; c as double); thread t
 *   owns entry a = t / 8, b = 4 (t % 8) .. + 3 of the tile and adds the 32 rows in order. Partial of chunk k, pair
 *   p, entry (a, b): partial[k * pairs * 1024 + p * 1024 + 32 a + b]; logreg_reduce_partials adds the chunks in
 *   order. Each product is (c_i x~_ia) x~_ib in float64, the association of the reference backend.
 * Deterministic: fixed rows per thread and order, chunks reduced in order. No atomics.
 */
#include "common.cuh"

#define LR_HESSIAN_TILE 32

extern "C" __global__ void logreg_curvature(const float *__restrict__ X, const float *__restrict__ Y,
                                            const float *__restrict__ W, long long from, long long to, int n,
                                            const double *__restrict__ params, int loss, double *__restrict__ out) {
    const int lane = threadIdx.x & 31;
    const long long gwarp = ((long long)blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    const long long nwarps = ((long long)gridDim.x * blockDim.x) >> 5;
    for (long long row = from + gwarp; row < to; row += nwarps) {
        const double z = lr_warp_logit(X, row, n, params, lane);
        if (lane == 0) out[row - from] = (double)lr_weight(W, row) * lr_second_derivative(loss, (double)__ldg(Y + row), z);
    }
}

/* Column `col` of x~ for row `row`: x_row,col below n, 1 at n (the intercept), 0 beyond (the last tile's padding). */
__device__ __forceinline__ float lr_xtilde(const float *__restrict__ X, long long row, int n, int col) {
    return col < n ? __ldg(X + row * (long long)n + col) : (col == n ? 1.0f : 0.0f);
}

extern "C" __global__ void __launch_bounds__(256) logreg_hessian_tiles(
        const float *__restrict__ X, const double *__restrict__ C, long long rows, int n, int tiles,
        long long chunkRows, double *__restrict__ partial) {
    __shared__ float xa[LR_HESSIAN_TILE][LR_HESSIAN_TILE + 1];
    __shared__ float xb[LR_HESSIAN_TILE][LR_HESSIAN_TILE + 1];
    __shared__ double cs[LR_HESSIAN_TILE];
    const int pairs = tiles * (tiles + 1) / 2;
    int pair = blockIdx.x % pairs;
    const long long chunk = blockIdx.x / pairs;
    // Pair p -> (I, J), I <= J, in row order of the upper triangle of tiles.
    int I = 0;
    while (pair >= tiles - I) {
        pair -= tiles - I;
        I++;
    }
    const int J = I + pair;
    const int t = threadIdx.x;
    const int a = t >> 3;
    const int b0 = 4 * (t & 7);
    double acc[4] = {0.0, 0.0, 0.0, 0.0};
    const long long r0 = chunk * chunkRows;
    const long long r1 = min(rows, r0 + chunkRows);
    for (long long base = r0; base < r1; base += LR_HESSIAN_TILE) {
        __syncthreads();  // the previous 32 rows are no longer read
        for (int k = t; k < LR_HESSIAN_TILE * LR_HESSIAN_TILE; k += blockDim.x) {
            const int rr = k / LR_HESSIAN_TILE;
            const int cc = k % LR_HESSIAN_TILE;
            const long long row = base + rr;
            const bool live = row < r1;
            xa[rr][cc] = live ? lr_xtilde(X, row, n, I * LR_HESSIAN_TILE + cc) : 0.0f;
            xb[rr][cc] = live ? lr_xtilde(X, row, n, J * LR_HESSIAN_TILE + cc) : 0.0f;
        }
        if (t < LR_HESSIAN_TILE) cs[t] = base + t < r1 ? C[base + t] : 0.0;
        __syncthreads();
        for (int r = 0; r < LR_HESSIAN_TILE; r++) {
            const double ca = cs[r] * (double)xa[r][a];
#pragma unroll
            for (int q = 0; q < 4; q++) acc[q] = fma(ca, (double)xb[r][b0 + q], acc[q]);
        }
    }
    double *out = partial + chunk * (long long)pairs * (LR_HESSIAN_TILE * LR_HESSIAN_TILE)
                  + (long long)(blockIdx.x % pairs) * (LR_HESSIAN_TILE * LR_HESSIAN_TILE);
#pragma unroll
    for (int q = 0; q < 4; q++) out[LR_HESSIAN_TILE * a + b0 + q] = acc[q];
}
