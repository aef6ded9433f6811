/*
 * softmax.cu - the multinomial (softmax) data term over K classes, one pass over X per evaluation:
 *   z_ic = w_c . x_i + b_c                                    (K logits a row, float64 sums)
 *   l_i  = (z_max - z_iy) + log sum_c exp(z_ic - z_max)        (stable log-sum-exp, softmax_math.cuh)
 *   r_ic = w_i (p_ic - [y_i = c])                              (the K residuals)
 * into one partial row per block of width 2 + K (n + 1) doubles (LR_SOFTMAX_SLOT_*):
 *   slot 0 = sum w_i l_i,  slot 1 = sum w_i,  slot 2 + c (n + 1) + j = sum_i r_ic x_ij  (j < n),
 *   slot 2 + c (n + 1) + n = sum_i r_ic
 * so that slots 2 .. are the gradient's sums in the class-major parameter layout [w_1 b_1 | .. | w_K b_K]; the
 * second stage is logreg_reduce_partials (reduce.cu). Value-only twins write width 2 (slots 0 and 1). Parameters on
 * the device: the same layout, K (n + 1) doubles. Labels are class indices 0 .. K-1 in the float label buffer.
 *
 * Two layouts:
 * - small K (logreg_softmax_fused, _value; K <= LR_SOFTMAX_SMALL_K = 16, n <= LR_SOFTMAX_SMALL_COLS = 256): a warp
 *   a row, grid-stride over rows by global warp index. Lane l holds columns l, l + 32, .. of its row in registers
 *   (X read from device memory once), W in shared memory (loaded once a block), the K logits by K xor butterflies
 *   (every lane then holds all K, in registers: the loops are unrolled over 16), the row's loss and K residuals
 *   computed by every lane alike (the same bits). Gradient accumulators: a K (n + 1) region of shared memory per
 *   warp, column j's entries owned by lane j % 32, the intercepts by lane 0 (no two lanes write one address). At the
 *   end the warps' regions are added in warp order, one thread an entry. Block: 32 x warps threads (the host picks
 *   warps, 1 .. 8, so that W + warps regions fit the shared memory); dynamic shared memory
 *   8 (K (n + 1) (1 + warps) + 2 warps) bytes (value-only: 8 (K (n + 1) + 2 warps)).
 * - any K (logreg_softmax_tiled_fused, _value; for K > 16 or n > 256): blockDim.x = 256 (LR_SOFTMAX_TILE_THREADS),
 *   block b owns the contiguous rows [from + b chunk, from + (b + 1) chunk), chunk = ceil((to - from) / gridDim.x),
 *   and walks them in tiles of LR_SOFTMAX_TILE_ROWS = 8 rows: the tile of X (8 n floats, read from device memory once)
 *   into shared memory; the tile's 8 K logits, one (row, class) pair a thread at a time, into the block's slice of
 *   `zbuf` (8 K doubles a block, global memory); the softmax of row r by warp r (max by butterfly, the sum of exps
 *   lane-strided then by butterfly); the residuals in place in zbuf; then each entry (c, j) of the gradient, owned
 *   by thread (c (n + 1) + j) % 256 for the whole launch, adds its 8 products in row order to the block's partial row
 *   in global memory. Dynamic shared memory 4 * 8 n bytes; static 256 doubles. Arithmetic-bound for large K: the
 *   layout is correct and deterministic; its speed is measured on a device.
 * Margins (logreg_softmax_margins): a warp a row, grid-stride; out[(i - from) K + c] = z_ic, the K logits one after
 *   another by lr_warp_logit (the row is read K times, from cache after the first).
 *
 * Deterministic: every sum's order is fixed by the launch shape (grid, block) and the row range alone; the block
 * partials are reduced in block order by logreg_reduce_partials. No atomics.
 */
#include "common.cuh"
#include "softmax_math.cuh"

#define LR_SOFTMAX_SLOT_LOSS 0
#define LR_SOFTMAX_SLOT_WSUM 1
#define LR_SOFTMAX_SLOT_GRAD 2
#define LR_SOFTMAX_SMALL_K 16
#define LR_SOFTMAX_SMALL_COLS 256
#define LR_SOFTMAX_TILE_ROWS 8
#define LR_SOFTMAX_TILE_THREADS 256

/*
 * The small-K row step of one warp: loads the row into xq (lane's columns), its K logits into z (every lane), and
 * returns the row's loss with z replaced by the derivatives p_c - [c = y] where `gradient`, left as logits otherwise.
 */
template <bool GRADIENT>
__device__ __forceinline__ double lr_softmax_small_row(const float *__restrict__ X, long long row, int n, int k, int y,
                                                       const double *sw, int lane, double (&xq)[LR_SOFTMAX_SMALL_COLS / 32],
                                                       double (&z)[LR_SOFTMAX_SMALL_K]) {
    const float *xr = X + row * (long long)n;
#pragma unroll
    for (int q = 0; q < LR_SOFTMAX_SMALL_COLS / 32; q++) {
        const int j = lane + 32 * q;
        xq[q] = j < n ? (double)__ldcs(xr + j) : 0.0;
    }
    const int stride = n + 1;
#pragma unroll
    for (int c = 0; c < LR_SOFTMAX_SMALL_K; c++) {
        if (c < k) {
            double s = 0.0;
#pragma unroll
            for (int q = 0; q < LR_SOFTMAX_SMALL_COLS / 32; q++) {
                const int j = lane + 32 * q;
                if (j < n) s = fma(sw[c * stride + j], xq[q], s);
            }
            z[c] = lr_warp_sum(s) + sw[c * stride + n];
        } else {
            z[c] = 0.0;
        }
    }
    if (GRADIENT) return lr_softmax_loss_and_derivative<LR_SOFTMAX_SMALL_K>(k, y, z);
    return lr_softmax_loss<LR_SOFTMAX_SMALL_K>(k, y, z);
}

template <bool GRADIENT>
__device__ __forceinline__ void lr_softmax_small(const float *__restrict__ X, const float *__restrict__ Y,
                                                 const float *__restrict__ W, long long from, long long to, int n, int k,
                                                 const double *__restrict__ params, double *__restrict__ partial) {
    LR_DYNAMIC_SHARED(double, smem);
    const int stride = n + 1;
    const int slots = k * stride;
    const int warps = blockDim.x >> 5;
    const int warp = threadIdx.x >> 5;
    const int lane = threadIdx.x & 31;
    double *sw = smem;                                   // W: slots doubles
    double *acc = smem + slots;                          // warps regions of slots doubles (gradient only)
    double *sums = smem + slots * (GRADIENT ? 1 + warps : 1);  // 2 doubles a warp: loss, weight
    for (int i = threadIdx.x; i < slots; i += blockDim.x) sw[i] = params[i];
    if (GRADIENT)
        for (int i = threadIdx.x; i < slots * warps; i += blockDim.x) acc[i] = 0.0;
    __syncthreads();
    double *mine = acc + (long long)warp * slots;
    const long long gwarp = ((long long)blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    const long long nwarps = ((long long)gridDim.x * blockDim.x) >> 5;
    double lossSum = 0.0, wSum = 0.0;
    double xq[LR_SOFTMAX_SMALL_COLS / 32];
    double z[LR_SOFTMAX_SMALL_K];
    for (long long row = from + gwarp; row < to; row += nwarps) {
        const int y = (int)__ldg(Y + row);
        const double w = (double)lr_weight(W, row);
        const double l = lr_softmax_small_row<GRADIENT>(X, row, n, k, y, sw, lane, xq, z);
        lossSum += w * l;
        wSum += w;
        if (GRADIENT) {
#pragma unroll
            for (int c = 0; c < LR_SOFTMAX_SMALL_K; c++) {
                if (c < k) {
                    const double r = w * z[c];
#pragma unroll
                    for (int q = 0; q < LR_SOFTMAX_SMALL_COLS / 32; q++) {
                        const int j = lane + 32 * q;
                        if (j < n) mine[c * stride + j] = fma(r, xq[q], mine[c * stride + j]);
                    }
                    if (lane == 0) mine[c * stride + n] += r;
                }
            }
        }
    }
    if (lane == 0) {
        sums[2 * warp] = lossSum;
        sums[2 * warp + 1] = wSum;
    }
    __syncthreads();
    const int width = GRADIENT ? LR_SOFTMAX_SLOT_GRAD + slots : LR_VALUE_WIDTH;
    double *out = partial + (long long)blockIdx.x * width;
    if (threadIdx.x == 0) {
        double a = 0.0, b = 0.0;
        for (int v = 0; v < warps; v++) {
            a += sums[2 * v];
            b += sums[2 * v + 1];
        }
        out[LR_SOFTMAX_SLOT_LOSS] = a;
        out[LR_SOFTMAX_SLOT_WSUM] = b;
    }
    if (GRADIENT) {
        for (int i = threadIdx.x; i < slots; i += blockDim.x) {
            double s = 0.0;
            for (int v = 0; v < warps; v++) s += acc[(long long)v * slots + i];
            out[LR_SOFTMAX_SLOT_GRAD + i] = s;
        }
    }
}

extern "C" __global__ void __launch_bounds__(256) logreg_softmax_fused(
        const float *__restrict__ X, const float *__restrict__ Y, const float *__restrict__ W, long long from,
        long long to, int n, int k, const double *__restrict__ params, double *__restrict__ partial) {
    lr_softmax_small<true>(X, Y, W, from, to, n, k, params, partial);
}

extern "C" __global__ void __launch_bounds__(256) logreg_softmax_value(
        const float *__restrict__ X, const float *__restrict__ Y, const float *__restrict__ W, long long from,
        long long to, int n, int k, const double *__restrict__ params, double *__restrict__ partial) {
    lr_softmax_small<false>(X, Y, W, from, to, n, k, params, partial);
}

/* Max over the 32 lanes of a warp (exact: the order does not matter, every lane gets the same value). */
__device__ __forceinline__ double lr_warp_max(double v) {
#pragma unroll
    for (int off = 16; off > 0; off >>= 1) v = fmax(v, __shfl_xor_sync(LR_FULL_MASK, v, off));
    return v;
}

template <bool GRADIENT>
__device__ __forceinline__ void lr_softmax_tiled(const float *__restrict__ X, const float *__restrict__ Y,
                                                 const float *__restrict__ W, long long from, long long to, int n, int k,
                                                 const double *__restrict__ params, double *__restrict__ zbuf,
                                                 double *__restrict__ partial) {
    LR_DYNAMIC_SHARED(float, xs);  // LR_SOFTMAX_TILE_ROWS x n
    __shared__ double scratch[LR_SOFTMAX_TILE_THREADS];
    const int t = threadIdx.x;
    const int warp = t >> 5;
    const int lane = t & 31;
    const int stride = n + 1;
    const long long slots = (long long)k * stride;
    const long long width = GRADIENT ? LR_SOFTMAX_SLOT_GRAD + slots : LR_VALUE_WIDTH;
    double *out = partial + (long long)blockIdx.x * width;
    double *zb = zbuf + (long long)blockIdx.x * LR_SOFTMAX_TILE_ROWS * k;
    const long long range = to - from;
    const long long chunk = (range + gridDim.x - 1) / gridDim.x;
    const long long lo = min(to, from + (long long)blockIdx.x * chunk);
    const long long hi = min(to, lo + chunk);
    if (GRADIENT)
        for (long long e = t; e < slots; e += blockDim.x) out[LR_SOFTMAX_SLOT_GRAD + e] = 0.0;  // each entry's owner
    double lossSum = 0.0, wSum = 0.0;
    for (long long r0 = lo; r0 < hi; r0 += LR_SOFTMAX_TILE_ROWS) {
        const int rows = (int)min((long long)LR_SOFTMAX_TILE_ROWS, hi - r0);
        __syncthreads();  // the previous tile's X and residuals are no longer read
        const float *xt = X + r0 * (long long)n;
        for (int i = t; i < rows * n; i += blockDim.x) xs[i] = __ldcs(xt + i);
        __syncthreads();
        for (int p = t; p < rows * k; p += blockDim.x) {
            const int r = p / k;
            const int c = p - r * k;
            const double *wc = params + (long long)c * stride;
            const float *xr = xs + r * n;
            double s = 0.0;
            for (int j = 0; j < n; j++) s = fma(__ldg(wc + j), (double)xr[j], s);
            zb[r * k + c] = s + __ldg(wc + n);
        }
        __syncthreads();
        if (warp < rows) {
            const long long row = r0 + warp;
            const int y = (int)__ldg(Y + row);
            const double w = (double)lr_weight(W, row);
            double *zr = zb + warp * k;
            const double zy = zr[y];
            __syncwarp();  // every lane has read z_y before any lane overwrites its logits with exps
            double m = -INFINITY;
            for (int c = lane; c < k; c += 32) m = fmax(m, zr[c]);
            m = lr_warp_max(m);
            double s = 0.0;
            for (int c = lane; c < k; c += 32) {
                const double e = exp(zr[c] - m);
                if (GRADIENT) zr[c] = e;  // read back by this lane alone
                s += e;
            }
            s = lr_warp_sum(s);
            if (GRADIENT)
                for (int c = lane; c < k; c += 32) zr[c] = w * (c == y ? zr[c] / s - 1.0 : zr[c] / s);
            if (lane == 0) {
                lossSum += w * ((m - zy) + log(s));
                wSum += w;
            }
        }
        if (GRADIENT) {
            __syncthreads();  // every row's residuals written
            for (long long e = t; e < slots; e += blockDim.x) {
                const int c = (int)(e / stride);
                const int j = (int)(e - (long long)c * stride);
                double a = out[LR_SOFTMAX_SLOT_GRAD + e];
                for (int r = 0; r < rows; r++) a = fma(zb[r * k + c], j < n ? (double)xs[r * n + j] : 1.0, a);
                out[LR_SOFTMAX_SLOT_GRAD + e] = a;
            }
        }
    }
    // Only lane 0 of each warp holds sums (the others hold 0).
    double v = lr_block_sum(lossSum, scratch);
    if (t == 0) out[LR_SOFTMAX_SLOT_LOSS] = v;
    v = lr_block_sum(wSum, scratch);
    if (t == 0) out[LR_SOFTMAX_SLOT_WSUM] = v;
}

extern "C" __global__ void __launch_bounds__(LR_SOFTMAX_TILE_THREADS) logreg_softmax_tiled_fused(
        const float *__restrict__ X, const float *__restrict__ Y, const float *__restrict__ W, long long from,
        long long to, int n, int k, const double *__restrict__ params, double *__restrict__ zbuf,
        double *__restrict__ partial) {
    lr_softmax_tiled<true>(X, Y, W, from, to, n, k, params, zbuf, partial);
}

extern "C" __global__ void __launch_bounds__(LR_SOFTMAX_TILE_THREADS) logreg_softmax_tiled_value(
        const float *__restrict__ X, const float *__restrict__ Y, const float *__restrict__ W, long long from,
        long long to, int n, int k, const double *__restrict__ params, double *__restrict__ zbuf,
        double *__restrict__ partial) {
    lr_softmax_tiled<false>(X, Y, W, from, to, n, k, params, zbuf, partial);
}

extern "C" __global__ void logreg_softmax_margins(const float *__restrict__ X, long long from, long long to, int n, int k,
                                                  const double *__restrict__ params, double *__restrict__ out) {
    const int lane = threadIdx.x & 31;
    const long long gwarp = ((long long)blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    const long long nwarps = ((long long)gridDim.x * blockDim.x) >> 5;
    for (long long row = from + gwarp; row < to; row += nwarps) {
        for (int c = 0; c < k; c++) {
            const double z = lr_warp_logit(X, row, n, params + (long long)c * (n + 1), lane);
            if (lane == 0) out[(row - from) * k + c] = z;
        }
    }
}
