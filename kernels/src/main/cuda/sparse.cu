/*
 * sparse.cu - the binary data term over sparse (CSR) rows, in two kernels per value+gradient evaluation:
 *   rows pass (logreg_sparse_rows_g8, _g32), for rows i in [from, to), over the row's nonzeros k alone:
 *     z_i = sum_k theta[col_k] x_k + b              (float64 products and sum of float32 x and float64 theta)
 *     l_i = l(y_i, z_i),  r_i = w_i dl/dz(y_i, z_i)  (logreg_math.cuh: log loss or squared error)
 *   into per-block partials  sum w_i l_i,  sum w_i,  sum r_i  (width LR_SPARSE_WIDTH = 3, reduced by reduce.cu) and
 *   r_i into rowOut[i] (0 for the rows outside [from, to), so that the next kernel reads every row);
 *   X^T r pass (logreg_sparse_xtr_tiles, then logreg_sparse_xtr_fixup) over the transposed copy (CSC, built at bind
 *   by sparse_build.cu):
 *     g_c = sum_{k in column c} rowIn[row_k stride] x_k     in increasing row order within fixed tiles (below)
 *   (stride 1 here; K for the multinomial term, sparse_softmax.cu, one pass a class)
 *   into g[c], one double a column, no partial vector per block: the parameter vector and the gradient of 10^7
 *   features take 80 MB each on the device.
 * Other modes of the rows kernel (the uniform argument `mode`): value only (no rowOut), margins (z_i into
 *   rowOut[i - from]), curvature (c_i = w_i l''(y_i, z_i) into rowOut[i]) and the Hessian-vector product's first half
 *   (params = v: u_i = x_i . v + v_n, q_i = curv[i] u_i into rowOut[i], partials sum w_i and sum q_i; X^T q follows).
 * Columns are the term's compact column ids (only columns with a nonzero; the host maps them back), `cols` of them,
 *   the intercept at params[cols].
 *
 * Launch shape, rows pass: 1-D grid (a fixed multiple of the SM count, or fewer blocks for a short range),
 *   blockDim.x = LR_SPARSE_THREADS = 256, no dynamic shared memory. A warp is 32/G groups of G lanes, each group one
 *   row at a time (grid-stride over rows by warp, 64-bit indices): lane l of a group adds the row's nonzeros l, l+G,
 *   ... in order, then the group's xor butterfly; every lane of the group then holds z and computes the row's math
 *   (the same bits), the group's first lane keeps the sums. G = 8 for short rows, 32 for long ones (host's choice).
 * Launch shape, X^T r: the CSC is seen as the merge of two sorted lists, the `cols` column ends (colOff[c + 1]) and
 *   the nnz entries (merge path, Merrill & Garland 2016), cols + nnz items; block t takes items
 *   [t LR_XTR_TILE, (t + 1) LR_XTR_TILE), LR_XTR_TILE = 256 threads x LR_XTR_ITEMS = 8 (so the work per block is fixed
 *   whatever the column lengths: a column of millions of entries spans many blocks, thousands of short columns share
 *   one). tileCol[t] (logreg_sparse_tile_columns, once at bind) is the column where block t starts. A block stages its
 *   products rowIn[row_k] x_k (float64, one rounding, as the reference backend's r * x) and its column ends in shared
 *   memory (static, 16 LR_XTR_TILE bytes), thread s walks its 8 items in order, adding products into a running
 *   sum and, at each column end, writing the sum of a column that began in its items to g; a fixed segmented scan
 *   over the block's threads (warp shuffles, then warps in order) gives each thread the running sum carried in from
 *   the threads before it. A column that began in an earlier block leaves its part in this block in head[t]; every
 *   block leaves its running sum at its end in tail[t]; logreg_sparse_xtr_fixup (a warp per block that ends such a
 *   column) adds tail[t0 .. t-1] lane-strided and by butterfly, then head[t], into g.
 *
 * Deterministic: every sum's order is fixed by the launch shape and the data's shape (row lengths, column lengths),
 * never by timing; no atomics of any kind here. Where the reference backend adds a column's products in row order
 * one after another, this adds them in row order within each thread's items and then by the fixed trees above.
 */
#include "common.cuh"

#define LR_SPARSE_VALUE 0
#define LR_SPARSE_GRADIENT 1
#define LR_SPARSE_MARGINS 2
#define LR_SPARSE_CURVATURE 3
#define LR_SPARSE_HESSIAN_VECTOR 4
#define LR_SPARSE_WIDTH 3
#define LR_SPARSE_THREADS 256
#define LR_XTR_THREADS 256
#define LR_XTR_ITEMS 8
#define LR_XTR_TILE (LR_XTR_THREADS * LR_XTR_ITEMS)

template <int G>
__device__ __forceinline__ void lr_sparse_rows(
        const long long *__restrict__ rowOff, const int *__restrict__ idx, const float *__restrict__ val,
        const float *__restrict__ Y, const float *__restrict__ W, long long rows, long long from, long long to,
        const double *__restrict__ params, int cols, int loss, int mode, const double *__restrict__ curv,
        double *__restrict__ rowOut, double *__restrict__ partial) {
    __shared__ double scratch[LR_SPARSE_THREADS];
    constexpr int PER_WARP = 32 / G;  // rows a warp has in flight, one per group
    const int lane = threadIdx.x & 31;
    const int sub = lane & (G - 1);
    const long long warp = ((long long)blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    const long long warps = ((long long)gridDim.x * blockDim.x) >> 5;
    // The gradient and the Hessian-vector product read rowOut for every row in the X^T pass: zeros outside the range.
    const bool everyRow = mode == LR_SPARSE_GRADIENT || mode == LR_SPARSE_HESSIAN_VECTOR;
    const long long lo = everyRow ? 0 : from;
    const long long hi = everyRow ? rows : to;
    const long long outBase = mode == LR_SPARSE_MARGINS ? from : 0;
    const double b = params[cols];
    double lossSum = 0.0, wSum = 0.0, rSum = 0.0;
    // The loop bound is the warp's, so that every lane takes part in every shuffle.
    for (long long base = lo + warp * PER_WARP; base < hi; base += warps * PER_WARP) {
        const long long row = base + lane / G;
        const bool live = row < hi;
        const bool inRange = live && row >= from && row < to;
        double s = 0.0;
        if (inRange) {
            const long long end = rowOff[row + 1];
#pragma unroll 4
            for (long long k = rowOff[row] + sub; k < end; k += G) s = fma(__ldg(params + __ldg(idx + k)), (double)__ldcs(val + k), s);
        }
#pragma unroll
        for (int off = G >> 1; off > 0; off >>= 1) s += __shfl_xor_sync(LR_FULL_MASK, s, off);
        if (!live) continue;
        double out = 0.0;
        if (inRange) {
            const double z = s + b;
            if (mode == LR_SPARSE_MARGINS) {
                out = z;
            } else {
                const double w = (double)lr_weight(W, row);
                if (mode == LR_SPARSE_HESSIAN_VECTOR) {
                    out = curv[row] * z;  // z is x_i . v + v_n here
                    wSum += w;
                    rSum += out;
                } else if (mode == LR_SPARSE_CURVATURE) {
                    out = w * lr_second_derivative(loss, (double)__ldg(Y + row), z);
                } else {
                    double v;
                    const double d = lr_loss_and_derivative(loss, (double)__ldg(Y + row), z, &v);
                    out = w * d;
                    lossSum += w * v;
                    wSum += w;
                    rSum += out;
                }
            }
        }
        if (sub == 0 && rowOut != nullptr && (inRange || everyRow)) rowOut[row - outBase] = out;
    }
    if (partial == nullptr) return;  // uniform: an argument
    // Every lane of a group holds its rows' sums; the group's first lane alone contributes (a select, not 0 * x: inf).
    double t = lr_block_sum(sub == 0 ? lossSum : 0.0, scratch);
    if (threadIdx.x == 0) partial[(long long)blockIdx.x * LR_SPARSE_WIDTH + LR_SLOT_LOSS] = t;
    t = lr_block_sum(sub == 0 ? wSum : 0.0, scratch);
    if (threadIdx.x == 0) partial[(long long)blockIdx.x * LR_SPARSE_WIDTH + LR_SLOT_WSUM] = t;
    t = lr_block_sum(sub == 0 ? rSum : 0.0, scratch);
    if (threadIdx.x == 0) partial[(long long)blockIdx.x * LR_SPARSE_WIDTH + LR_SLOT_RSUM] = t;
}

#define LR_SPARSE_ROWS_ENTRY(G)                                                                                          \
    extern "C" __global__ void __launch_bounds__(LR_SPARSE_THREADS) logreg_sparse_rows_g##G(                            \
            const long long *__restrict__ rowOff, const int *__restrict__ idx, const float *__restrict__ val,           \
            const float *__restrict__ Y, const float *__restrict__ W, long long rows, long long from, long long to,     \
            const double *__restrict__ params, int cols, int loss, int mode, const double *__restrict__ curv,           \
            double *__restrict__ rowOut, double *__restrict__ partial) {                                               \
        lr_sparse_rows<G>(rowOff, idx, val, Y, W, rows, from, to, params, cols, loss, mode, curv, rowOut, partial);  \
    }
LR_SPARSE_ROWS_ENTRY(8)
LR_SPARSE_ROWS_ENTRY(32)

/*
 * Merge path split of diagonal d (Merrill & Garland): how many of the first d items of the merge of the column ends
 * colOff[1..cols] with the entries 0 .. nnz-1 are column ends. Column end c comes before entry j iff colOff[c+1] <= j.
 */
__host__ __device__ __forceinline__ long long lr_merge_split(const long long *__restrict__ colOff, long long cols, long long nnz,
                                                              long long d) {
    long long lo = d - nnz > 0 ? d - nnz : 0;
    long long hi = d < cols ? d : cols;
    while (lo < hi) {
        const long long pivot = (lo + hi) >> 1;
        if (colOff[pivot + 1] <= d - pivot - 1) lo = pivot + 1; else hi = pivot;
    }
    return lo;
}

/* tileCol[t] = the merge split of diagonal min(t LR_XTR_TILE, cols + nnz), t = 0 .. tiles: once at bind. */
extern "C" __global__ void logreg_sparse_tile_columns(const long long *__restrict__ colOff, int cols, long long nnz, long long tiles,
                                                      int *__restrict__ tileCol) {
    const long long total = (long long)cols + nnz;
    for (long long t = (long long)blockIdx.x * blockDim.x + threadIdx.x; t <= tiles; t += (long long)gridDim.x * blockDim.x) {
        const long long d = t * LR_XTR_TILE < total ? t * LR_XTR_TILE : total;
        tileCol[t] = (int)lr_merge_split(colOff, cols, nnz, d);
    }
}

/* (flag, value) of the segmented scan: a ⊕ b = (a.f | b.f, b.f ? b.v : a.v + b.v), earlier operand first. */
struct lr_carry {
    int f;
    double v;
};

__device__ __forceinline__ lr_carry lr_carry_combine(lr_carry a, lr_carry b) {
    return lr_carry{a.f | b.f, b.f ? b.v : a.v + b.v};
}

extern "C" __global__ void __launch_bounds__(LR_XTR_THREADS) logreg_sparse_xtr_tiles(
        const long long *__restrict__ colOff, const int *__restrict__ cscRows, const float *__restrict__ cscVals,
        const double *__restrict__ rowIn, int stride, int cols, long long nnz, const int *__restrict__ tileCol, double *__restrict__ g,
        double *__restrict__ head, double *__restrict__ tail) {
    __shared__ long long ends[LR_XTR_TILE];  // column ends of the block's columns, relative to its first entry
    __shared__ double prod[LR_XTR_TILE];         // the block's entries' products
    __shared__ lr_carry warpTotal[LR_XTR_THREADS / 32];
    const long long t = blockIdx.x;
    const long long total = (long long)cols + nnz;
    const long long d0 = t * LR_XTR_TILE;
    const long long d1 = d0 + LR_XTR_TILE < total ? d0 + LR_XTR_TILE : total;
    const int i0 = tileCol[t];
    const int i1 = tileCol[t + 1];
    const long long j0 = d0 - i0;
    const int endsHere = i1 - i0;               // column ends among the block's items
    const int entriesHere = (int)(d1 - i1 - j0);  // entries among them
    for (int k = threadIdx.x; k < endsHere; k += blockDim.x) ends[k] = colOff[i0 + k + 1] - j0;
    for (int k = threadIdx.x; k < entriesHere; k += blockDim.x) {
        prod[k] = __ldg(rowIn + (long long)__ldcs(cscRows + j0 + k) * stride) * (double)__ldcs(cscVals + j0 + k);
    }
    __syncthreads();
    // This thread's items [dl, dl + LR_XTR_ITEMS) of the block, from its own split of the block's lists.
    const int length = (int)(d1 - d0);
    const int dl = threadIdx.x * LR_XTR_ITEMS;
    int lo = dl - entriesHere > 0 ? dl - entriesHere : 0;
    int hi = dl < endsHere ? dl : endsHere;
    while (lo < hi) {
        const int pivot = (lo + hi) >> 1;
        if (ends[pivot] <= dl - pivot - 1) lo = pivot + 1; else hi = pivot;
    }
    int i = lo;
    int j = dl - lo;
    double sum = 0.0;
    bool ended = false;   // whether this thread passed a column end
    double first = 0.0;   // its sum up to its first column end
    int firstColumn = -1;
    for (int it = 0; it < LR_XTR_ITEMS && dl + it < length; it++) {
        if (i < endsHere && ends[i] <= j) {
            if (!ended) {
                ended = true;
                first = sum;
                firstColumn = i0 + i;
            } else {
                g[i0 + i] = sum;  // the column began and ended in this thread's items: complete
            }
            sum = 0.0;
            i++;
        } else {
            sum += prod[j];
            j++;
        }
    }
    // Inclusive segmented scan of (ended, sum after the last column end) over the block's threads.
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    lr_carry mine{ended ? 1 : 0, sum};
    lr_carry inc = mine;
#pragma unroll
    for (int off = 1; off < 32; off <<= 1) {
        const int f = __shfl_up_sync(LR_FULL_MASK, inc.f, off);
        const double v = __shfl_up_sync(LR_FULL_MASK, inc.v, off);
        if (lane >= off) inc = lr_carry_combine(lr_carry{f, v}, inc);
    }
    lr_carry exc{__shfl_up_sync(LR_FULL_MASK, inc.f, 1), __shfl_up_sync(LR_FULL_MASK, inc.v, 1)};
    if (lane == 0) exc = lr_carry{0, 0.0};
    if (lane == 31) warpTotal[warp] = inc;
    __syncthreads();
    lr_carry before{0, 0.0};  // the warps before this one, in order
    for (int w = 0; w < warp; w++) before = lr_carry_combine(before, warpTotal[w]);
    exc = lr_carry_combine(before, exc);
    if (ended) {
        const double v = exc.v + first;  // the running sum carried in, then this thread's part
        // No column end before this one in the block: the column is the block's first, begun here or earlier.
        if (exc.f == 0 && colOff[firstColumn] < j0) head[t] = v; else g[firstColumn] = v;
    }
    if (threadIdx.x == blockDim.x - 1) tail[t] = lr_carry_combine(exc, mine).v;
}

extern "C" __global__ void logreg_sparse_xtr_fixup(const long long *__restrict__ colOff, int cols, long long tiles,
                                                   const int *__restrict__ tileCol, const double *__restrict__ head,
                                                   const double *__restrict__ tail, double *__restrict__ g) {
    const int lane = threadIdx.x & 31;
    const long long gwarp = ((long long)blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    const long long nwarps = ((long long)gridDim.x * blockDim.x) >> 5;
    for (long long t = 1 + gwarp; t < tiles; t += nwarps) {
        const int i0 = tileCol[t];
        if (tileCol[t + 1] == i0 || i0 >= cols) continue;  // no column ends in block t
        const long long j0 = t * LR_XTR_TILE - i0;
        const long long start = colOff[i0];
        if (start >= j0) continue;  // column i0 began in block t: written there
        const long long t0 = (i0 + start) / LR_XTR_TILE;  // the block of its first entry
        double s = 0.0;
        for (long long u = t0 + lane; u < t; u += 32) s += tail[u];
        s = lr_warp_sum(s);
        if (lane == 0) g[i0] = s + head[t];
    }
}
