/*
 * fused.cu - the fused pass: for rows i in [from, to)
 *   z_i = x_i . theta + b                       (float64 accumulation of float32 x and float64 theta)
 *   l_i = l(y_i, z_i), d_i = dl/dz(y_i, z_i)     (log loss or squared error, logreg_math.cuh)
 *   r_i = w_i d_i
 * and the per-block partial sums  sum w_i l_i,  sum w_i,  sum r_i,  sum r_i x_ij  (j < n)  (GRAD = true), or the
 * first two alone (value-only pass, GRAD = false). Each element of X is read from device memory once.
 *
 * Launch shape (narrow path, n <= 256, entry points logreg_{fused,value}_{s2,s4,s8,v1,v2,g4s2,g8s4,g2v1,g8v1}):
 *   1-D grid of G blocks (a fixed multiple of the SM count), blockDim.x = 256 (8 warps), dynamic shared memory
 *   8 * width doubles. A warp is 32/G groups of G lanes (G = 32 for s<K>, v<K>; 2, 4 or 8 for the g<G> variants of
 *   few columns), each group working on ROWS rows at a time (grid-stride over rows with 64-bit indices); lane l of a
 *   group owns columns l, l+G, ... (s<K>: K columns per lane) or the float4 chunks l, l+G, ... (v<K>: 16-byte loads,
 *   needs n % 4 == 0 and X 16-byte aligned). theta and the gradient accumulators for a lane's columns live in
 *   registers. A group's ROWS dot products are reduced across its lanes together (lr_group_sum_rows: ROWS - 1 +
 *   log2(G/ROWS) shuffles, not log2(G) ROWS; the same pairwise sums as one xor butterfly per row), leaving z of row q
 *   in G/ROWS of its lanes; the first of them computes sigma, l and r of row q (one exp, one log1p and one division,
 *   issued once per (32/G) ROWS rows of the warp, not once per row, with no divergent branch) and r is broadcast to
 *   the group with a shuffle; each lane adds r x_ij into its own accumulators. At the end the groups' accumulators,
 *   which cover the same columns, are added by an xor butterfly over the group bits.
 *   The _pf entry points (logreg_fused_v1_pf, ...) issue the loads of the warp's next ROWS rows before the
 *   arithmetic on the current ones (double-buffered registers), same results bit for bit.
 * Launch shape (block path, 512 < n <= 16,384): see lr_fused_block below.
 * Launch shape (wide path, 256 < n <= 512 and n > 16,384, logreg_{fused,value}_wide): warp per row; theta read through the read-only cache;
 *   the row is read once from device memory for the dot product and touched again, from L1/L2, to accumulate
 *   r x_ij. Accumulators per warp in shared memory (dynamic, warps * width doubles; the host raises the limit past
 *   48 KB where needed), or, where even one warp's accumulators do not fit, in the warp's own row of the partial
 *   buffer in global memory (logreg_fused_wide_global: one partial row per warp instead of per block).
 *
 * Deterministic: the rows a warp visits, the order it adds them in, the butterfly and the combination of warps
 * (warp 0 first, in shared memory) depend only on the launch shape; logreg_reduce_partials then adds the block
 * partials in block order. No atomics.
 */
#include "common.cuh"

/*
 * Lanes and rows of the narrow kernels. A warp splits into 32/G groups of G lanes (G a power of two, 32 for the
 * wide-row variants); each group works on ROWS rows at a time (ROWS <= G), so a warp has (32/G) ROWS rows in flight,
 * row r0 + q (32/G) + g being row q of group g (consecutive groups read consecutive rows: the warp's loads stay
 * contiguous). Lane `sub` of a group (lane % G) owns the columns lr_column<VEC, G>(k, sub), k < C.
 */
template <bool VEC, int G>
__device__ __forceinline__ int lr_column(int k, int sub) {
    // VEC: k = 4 * chunk + element; chunk c of sub-lane s is float4 number s + G c of the row.
    return VEC ? 4 * (sub + G * (k >> 2)) + (k & 3) : sub + G * k;
}

/* Writes this warp's accumulators into its row of shared memory, then one partial row per block, warps in order. */
__device__ __forceinline__ void lr_combine_warps(double *smem, int width, double *__restrict__ partial) {
    __syncthreads();
    const int warps = blockDim.x >> 5;
    for (int c = threadIdx.x; c < width; c += blockDim.x) {
        double s = 0.0;
        for (int wp = 0; wp < warps; wp++) s += smem[wp * width + c];
        partial[(long long)blockIdx.x * width + c] = s;
    }
}

/*
 * Sums ROWS per-lane values s[0..ROWS-1] (one per row of the group's rows in flight) over the G lanes of a group,
 * "transposed": at the xor offsets G/2, G/4, ... while more than one row is left, each lane keeps half of its rows and
 * sends the other half to its partner (ROWS/2 + ROWS/4 + ... + 1 shuffles instead of log2(G) ROWS), then an ordinary
 * butterfly over the remaining offsets. Returns the total of row lr_row_of_sub<ROWS, G>(sub); every lane of that
 * row's G/ROWS lanes gets it. Each stage adds the same pairs as ROWS separate xor butterflies would, and
 * a + b == b + a: the bits are those of one butterfly per row (lr_warp_sum where G = 32).
 */
template <int ROWS, int G>
__device__ __forceinline__ double lr_group_sum_rows(double (&s)[ROWS], int lane) {
    static_assert(ROWS >= 1 && ROWS <= G && (ROWS & (ROWS - 1)) == 0, "ROWS a power of two, at most G");
    static_assert(G >= 1 && G <= 32 && (G & (G - 1)) == 0, "G a power of two, at most 32");
    int offset = G / 2;
#pragma unroll
    for (int count = ROWS; count > 1; count >>= 1, offset >>= 1) {
        const int half = count >> 1;
        const bool upper = (lane & offset) != 0;  // this lane keeps rows [half, count) of the current ones
#pragma unroll
        for (int k = 0; k < half; k++) {
            const double keep = upper ? s[half + k] : s[k];
            const double send = upper ? s[k] : s[half + k];
            s[k] = keep + __shfl_xor_sync(LR_FULL_MASK, send, offset);
        }
    }
#pragma unroll
    for (; offset > 0; offset >>= 1) s[0] += __shfl_xor_sync(LR_FULL_MASK, s[0], offset);
    return s[0];
}

/* The row (of the group's ROWS) whose total lr_group_sum_rows leaves in sub-lane `sub`: G/ROWS lanes a row. */
template <int ROWS, int G>
__device__ __forceinline__ int lr_row_of_sub(int sub) {
    return sub / (G / ROWS);
}

/* theta for the thread's columns lr_column<VEC, G>(k, sub) (0 past n) and zeroed gradient accumulators. */
template <int C, bool VEC, int G>
__device__ __forceinline__ void lr_load_theta(double (&th)[C], double (&acc)[C], const double *__restrict__ params, int n,
                                              int sub) {
#pragma unroll
    for (int k = 0; k < C; k++) {
        const int j = lr_column<VEC, G>(k, sub);
        th[k] = j < n ? params[j] : 0.0;
        acc[k] = 0.0;
    }
}

/* The thread's share of each row's dot product: s[q] = sum_k th[k] x[q][k], in k order. */
template <int ROWS, int C>
__device__ __forceinline__ void lr_partial_dots(double (&s)[ROWS], const double (&th)[C], const float (&x)[ROWS][C]) {
#pragma unroll
    for (int q = 0; q < ROWS; q++) {
        double acc_q = 0.0;
#pragma unroll
        for (int k = 0; k < C; k++) acc_q = fma(th[k], (double)x[q][k], acc_q);
        s[q] = acc_q;
    }
}

/* Loads rows q = 0 .. ROWS-1 of group g (row r0 + q STRIDE + g, those below `to`; STRIDE = 32/G in a warp, 1 in
 * the block path) of the thread's columns (sub + G k) into x; zeros elsewhere. */
template <int K, bool VEC, int ROWS, int G, int STRIDE>
__device__ __forceinline__ void lr_load_rows(float (&x)[ROWS][VEC ? 4 * K : K], const float *__restrict__ X,
                                             long long r0, long long to, int n, int sub, int group) {
#pragma unroll
    for (int q = 0; q < ROWS; q++) {
        const long long row = r0 + q * STRIDE + group;
        const bool live = row < to;
        const float *xr = X + row * (long long)n;
        if (VEC) {
#pragma unroll
            for (int kk = 0; kk < K; kk++) {
                const int c = sub + G * kk;
                float4 v = make_float4(0.f, 0.f, 0.f, 0.f);
                if (live && 4 * c < n) v = __ldcs(reinterpret_cast<const float4 *>(xr) + c);
                x[q][4 * kk + 0] = v.x;
                x[q][4 * kk + 1] = v.y;
                x[q][4 * kk + 2] = v.z;
                x[q][4 * kk + 3] = v.w;
            }
        } else {
#pragma unroll
            for (int k = 0; k < K; k++) {
                const int j = sub + G * k;
                x[q][k] = (live && j < n) ? __ldcs(xr + j) : 0.0f;
            }
        }
    }
}

/*
 * PREFETCH: the loads of a warp's next rows are issued before the arithmetic on the current ones, so that a
 * warp keeps its bytes in flight while it computes (at the price of ROWS * C more registers). Same arithmetic in
 * the same order: the results are bit-identical to PREFETCH = false.
 */
template <int K, bool VEC, bool GRAD, int ROWS, int G, bool PREFETCH>
__device__ __forceinline__ void lr_fused_narrow(const float *__restrict__ X, const float *__restrict__ Y,
                                                const float *__restrict__ W, long long from, long long to, int n,
                                                const double *__restrict__ params, int loss,
                                                double *__restrict__ partial) {
    constexpr int C = VEC ? 4 * K : K;  // columns per lane
    constexpr int GROUPS = 32 / G;      // groups (rows side by side) in a warp
    constexpr int PER_ROW = G / ROWS;   // lanes holding each row's total after the group sum
    LR_DYNAMIC_SHARED(double, smem);
    const int lane = threadIdx.x & 31;
    const int sub = lane & (G - 1);
    const int group = lane / G;
    const int warp = threadIdx.x >> 5;
    const int warps = blockDim.x >> 5;
    const long long gwarp = (long long)blockIdx.x * warps + warp;
    const long long step = (long long)gridDim.x * warps * ROWS * GROUPS;
    const int width = GRAD ? n + 3 : LR_VALUE_WIDTH;

    double th[C];
    double acc[C];
    lr_load_theta<C, VEC, G>(th, acc, params, n, sub);
    const double b = params[n];
    double lossSum = 0.0, wSum = 0.0, rSum = 0.0;

    float x[ROWS][C];
    float xNext[ROWS][C];
    long long r0 = from + gwarp * ROWS * GROUPS;
    if (PREFETCH && r0 < to) lr_load_rows<K, VEC, ROWS, G, 32 / G>(xNext, X, r0, to, n, sub, group);
    for (; r0 < to; r0 += step) {
        // The first of the PER_ROW lanes that will hold z of row q of this group reads its label and weight.
        const int q = lr_row_of_sub<ROWS, G>(sub);
        const long long myRow = r0 + q * GROUPS + group;
        const bool mine = (sub & (PER_ROW - 1)) == 0 && myRow < to;
        const float yq = mine ? __ldg(Y + myRow) : 0.0f;
        const float wq = mine ? lr_weight(W, myRow) : 0.0f;
        if (PREFETCH) {
#pragma unroll
            for (int qq = 0; qq < ROWS; qq++) {
#pragma unroll
                for (int k = 0; k < C; k++) x[qq][k] = xNext[qq][k];
            }
            if (r0 + step < to) lr_load_rows<K, VEC, ROWS, G, 32 / G>(xNext, X, r0 + step, to, n, sub, group);
        } else {
            // All loads of the rows are issued before the first use: several rows in flight per warp.
            lr_load_rows<K, VEC, ROWS, G, 32 / G>(x, X, r0, to, n, sub, group);
        }
        // Dot products of the group's ROWS rows: each lane's share, then the transposed group sum (this lane gets z
        // of row q).
        double s[ROWS];
        lr_partial_dots<ROWS, C>(s, th, x);
        const double zq = lr_group_sum_rows<ROWS, G>(s, lane) + b;
        // sigma, l and r once per row, by the row's first lane: the warp issues the double-precision exp, log1p and
        // division once for its (32/G) ROWS rows (a warp instruction costs the same for 1 lane or 32), then r of
        // each row is broadcast from that lane to its group.
        double rq = 0.0;
        if (mine) {
            const double w = (double)wq;
            double v;
            const double d = lr_loss_and_derivative(loss, (double)yq, zq, &v);
            lossSum += w * v;
            wSum += w;
            if (GRAD) {
                rq = w * d;
                rSum += rq;
            }
        }
        if (GRAD) {
#pragma unroll
            for (int qq = 0; qq < ROWS; qq++) {
                const double r = __shfl_sync(LR_FULL_MASK, rq, group * G + qq * PER_ROW);  // 0 for a row past the end
#pragma unroll
                for (int k = 0; k < C; k++) acc[k] = fma(r, (double)x[qq][k], acc[k]);
            }
        }
    }
    // The scalar sums are spread over the rows' first lanes: add them across the warp (fixed butterfly order).
    lossSum = lr_warp_sum(lossSum);
    wSum = lr_warp_sum(wSum);
    if (GRAD) rSum = lr_warp_sum(rSum);

    double *mine = smem + warp * width;
    if (GRAD) {
        // Groups own the same columns: add their accumulators (xor butterfly over the group bits, fixed order; none
        // where G = 32), then group 0 writes them.
#pragma unroll
        for (int k = 0; k < C; k++) {
#pragma unroll
            for (int off = G; off < 32; off <<= 1) acc[k] += __shfl_xor_sync(LR_FULL_MASK, acc[k], off);
        }
        if (group == 0) {
#pragma unroll
            for (int k = 0; k < C; k++) {
                const int j = lr_column<VEC, G>(k, sub);
                if (j < n) mine[LR_SLOT_GRAD + j] = acc[k];
            }
        }
    }
    if (lane == 0) {  // after the butterfly every lane holds the same scalar sums
        mine[LR_SLOT_LOSS] = lossSum;
        mine[LR_SLOT_WSUM] = wSum;
        if (GRAD) mine[LR_SLOT_RSUM] = rSum;
    }
    lr_combine_warps(smem, width, partial);
}

/*
 * Block path (512 < n <= 16,384, entry points logreg_{fused,value}_{bv1,bv2,bs4,bs8,bv4,wv4,wv8}; hv1 for
 * 256 < n <= 512 where asked): the THREADS (128, 256 or 512) threads of a block work on T rows at a time (grid-stride over tiles of T rows); thread t owns columns t, t+256, ... (bs<K>: K columns)
 * or the float4 chunks t, t+256, ... (bv<K>), so that theta and the gradient accumulators stay in registers, as in
 * the narrow path, for rows far too wide for one warp's registers. A row's dot product is reduced within each warp by
 * the transposed sum (the T rows together), then the 8 warp totals are added in warp order in shared memory; thread
 * q < T computes the loss of row q and hands r back through shared memory. Each element of X is read once, into
 * registers, and used twice there. Why: the warp-per-row wide path re-reads each row from cache and keeps its
 * accumulators in shared memory, and ran at 0.24 of the read-only ceiling at n = 2,000 on an H100 (this path: 0.76;
 * n = 1,000: 0.50 and 0.89). Not below 513 columns: there most threads of the block would own no column (at n = 300,
 * 75 of 256 float4 lanes), and the warp-per-row path was the faster one (0.52 against 0.45).
 * Past 2,048 columns (bv4, wv4, wv8; issue #18: the warp-per-row path there ran at 0.24 of the read-only ceiling)
 * theta and the accumulators of 16 or 32 columns a thread no longer fit in registers beside the row: THETA_REG = false
 * reads theta through the read-only cache (8 bytes a column a row from L1, against 4 from HBM), and ACC_SMEM keeps the
 * accumulators in shared memory (thread t's column k at k THREADS + t: conflict-free) instead of registers.
 * Dynamic shared memory: (THREADS / 32 + 1) T doubles, plus C THREADS where ACC_SMEM and GRAD. Deterministic: fixed
 * warp sums, warps added in order, rows in order; where theta or the accumulators live changes no operation.
 */
template <int K, bool VEC, bool GRAD, int T, int THREADS, bool THETA_REG, bool ACC_SMEM, bool PREFETCH>
__device__ __forceinline__ void lr_fused_block(const float *__restrict__ X, const float *__restrict__ Y,
                                               const float *__restrict__ W, long long from, long long to, int n,
                                               const double *__restrict__ params, int loss,
                                               double *__restrict__ partial) {
    constexpr int C = VEC ? 4 * K : K;  // columns per thread
    constexpr int WARPS = THREADS / 32;
    static_assert(T >= 1 && T <= 32 && (T & (T - 1)) == 0, "T a power of two, at most 32");
    LR_DYNAMIC_SHARED(double, smem);
    double *warpTotals = smem;         // [WARPS][T]
    double *residuals = smem + WARPS * T;  // [T]
    double *accShared = smem + (WARPS + 1) * T;  // ACC_SMEM: [C][THREADS], thread t's column k at k THREADS + t
    const int t = threadIdx.x;
    const int lane = t & 31;
    const int warp = t >> 5;
    const int width = GRAD ? n + 3 : LR_VALUE_WIDTH;

    double th[C];
    double acc[C];
    lr_load_theta<C, VEC, THREADS>(th, acc, params, n, t);
    if (GRAD && ACC_SMEM) {
#pragma unroll
        for (int k = 0; k < C; k++) accShared[k * THREADS + t] = 0.0;  // the thread's own slots: no barrier needed
    }
    const double b = params[n];
    double lossSum = 0.0, wSum = 0.0, rSum = 0.0;  // in threads t < T

    const long long step = (long long)gridDim.x * T;
    float xNext[T][C];
    long long r0 = from + (long long)blockIdx.x * T;
    if (PREFETCH && r0 < to) lr_load_rows<K, VEC, T, THREADS, 1>(xNext, X, r0, to, n, t, 0);
    for (; r0 < to; r0 += step) {  // uniform across the block
        float x[T][C];
        if (PREFETCH) {
            // The next tile's loads are issued before this tile's barriers and loss: they are in flight while the block
            // waits (one block an SM for wv4 and wv8, where nothing else would cover that time). Same arithmetic.
#pragma unroll
            for (int q = 0; q < T; q++) {
#pragma unroll
                for (int k = 0; k < C; k++) x[q][k] = xNext[q][k];
            }
            if (r0 + step < to) lr_load_rows<K, VEC, T, THREADS, 1>(xNext, X, r0 + step, to, n, t, 0);
        } else {
            lr_load_rows<K, VEC, T, THREADS, 1>(x, X, r0, to, n, t, 0);
        }
        double s[T];
        if (THETA_REG) {
            lr_partial_dots<T, C>(s, th, x);
        } else {
            // theta through the read-only cache, one load a column for the T rows; the same fma chain in k order as
            // lr_partial_dots (th[k] is the same value whether it came from a register or from L1).
#pragma unroll
            for (int q = 0; q < T; q++) s[q] = 0.0;
#pragma unroll
            for (int k = 0; k < C; k++) {
                const int j = lr_column<VEC, THREADS>(k, t);
                const double thk = j < n ? __ldg(params + j) : 0.0;
#pragma unroll
                for (int q = 0; q < T; q++) s[q] = fma(thk, (double)x[q][k], s[q]);
            }
        }
        const double warpTotal = lr_group_sum_rows<T, 32>(s, lane);
        if ((lane & (32 / T - 1)) == 0) warpTotals[warp * T + lr_row_of_sub<T, 32>(lane)] = warpTotal;
        __syncthreads();
        if (t < T) {
            double z = 0.0;
            for (int wp = 0; wp < WARPS; wp++) z += warpTotals[wp * T + t];
            z += b;
            const long long row = r0 + t;
            double r = 0.0;
            if (row < to) {
                const double w = (double)lr_weight(W, row);
                double v;
                const double d = lr_loss_and_derivative(loss, (double)__ldg(Y + row), z, &v);
                lossSum += w * v;
                wSum += w;
                r = w * d;
                rSum += r;
            }
            residuals[t] = r;
        }
        // warpTotals are read and residuals written before any thread goes on; the next tile's writes to
        // warpTotals come after this barrier, its writes to residuals after the next one.
        __syncthreads();
        if (GRAD && !ACC_SMEM) {
#pragma unroll
            for (int q = 0; q < T; q++) {
                const double r = residuals[q];  // 0 for a row past the end
#pragma unroll
                for (int k = 0; k < C; k++) acc[k] = fma(r, (double)x[q][k], acc[k]);
            }
        } else if (GRAD) {  // the same fma chain a column, rows in order
#pragma unroll
            for (int k = 0; k < C; k++) {
                double a = accShared[k * THREADS + t];
#pragma unroll
                for (int q = 0; q < T; q++) a = fma(residuals[q], (double)x[q][k], a);
                accShared[k * THREADS + t] = a;
            }
        }
    }
    double *out = partial + (long long)blockIdx.x * width;
    if (GRAD) {
#pragma unroll
        for (int k = 0; k < C; k++) {
            const int j = lr_column<VEC, THREADS>(k, t);
            if (j < n) out[LR_SLOT_GRAD + j] = ACC_SMEM ? accShared[k * THREADS + t] : acc[k];
        }
    }
    if (warp == 0) {  // the scalar sums live in threads 0 .. T-1, all in warp 0
        lossSum = lr_warp_sum(lossSum);
        wSum = lr_warp_sum(wSum);
        rSum = lr_warp_sum(rSum);
        if (lane == 0) {
            out[LR_SLOT_LOSS] = lossSum;
            out[LR_SLOT_WSUM] = wSum;
            if (GRAD) out[LR_SLOT_RSUM] = rSum;
        }
    }
}

/*
 * Wide path. SMEM: accumulators of each warp in shared memory, one partial row per block. !SMEM: accumulators in
 * row `gwarp` of `partial` (one partial row per warp); only meaningful with GRAD.
 */
template <bool GRAD, bool SMEM>
__device__ __forceinline__ void lr_fused_wide(const float *__restrict__ X, const float *__restrict__ Y,
                                              const float *__restrict__ W, long long from, long long to, int n,
                                              const double *__restrict__ params, int loss,
                                              double *__restrict__ partial) {
    LR_DYNAMIC_SHARED(double, smem);
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    const int warps = blockDim.x >> 5;
    const long long gwarp = (long long)blockIdx.x * warps + warp;
    const long long nwarps = (long long)gridDim.x * warps;
    const int width = GRAD ? n + 3 : LR_VALUE_WIDTH;
    double *acc = SMEM ? smem + warp * width : partial + gwarp * width;
    if (GRAD) {
        for (int j = lane; j < n; j += 32) acc[LR_SLOT_GRAD + j] = 0.0;  // each lane owns its columns: no sync needed
    }
    const double b = params[n];
    double lossSum = 0.0, wSum = 0.0, rSum = 0.0;

    for (long long row = from + gwarp; row < to; row += nwarps) {
        const float *xr = X + row * (long long)n;
        const float yv = __ldg(Y + row);
        const float wv = lr_weight(W, row);
        double s = 0.0;
        int j = lane;
        // Four independent loads in flight per lane before their use.
        for (; j + 96 < n; j += 128) {
            const float a0 = __ldg(xr + j), a1 = __ldg(xr + j + 32), a2 = __ldg(xr + j + 64), a3 = __ldg(xr + j + 96);
            s = fma(__ldg(params + j), (double)a0, s);
            s = fma(__ldg(params + j + 32), (double)a1, s);
            s = fma(__ldg(params + j + 64), (double)a2, s);
            s = fma(__ldg(params + j + 96), (double)a3, s);
        }
        for (; j < n; j += 32) s = fma(__ldg(params + j), (double)__ldg(xr + j), s);
        const double z = lr_warp_sum(s) + b;
        const double w = (double)wv;
        double v;
        const double d = lr_loss_and_derivative(loss, (double)yv, z, &v);
        lossSum += w * v;
        wSum += w;
        if (GRAD) {
            const double r = w * d;
            rSum += r;
            // Second touch of the row: it was just read by this warp, so it comes from L1/L2, not HBM.
            for (int jj = lane; jj < n; jj += 32) acc[LR_SLOT_GRAD + jj] = fma(r, (double)__ldg(xr + jj), acc[LR_SLOT_GRAD + jj]);
        }
    }
    if (SMEM) {
        double *mine = smem + warp * width;
        if (lane == 0) {
            mine[LR_SLOT_LOSS] = lossSum;
            mine[LR_SLOT_WSUM] = wSum;
            if (GRAD) mine[LR_SLOT_RSUM] = rSum;
        }
        lr_combine_warps(smem, width, partial);
    } else if (lane == 0) {
        acc[LR_SLOT_LOSS] = lossSum;
        acc[LR_SLOT_WSUM] = wSum;
        acc[LR_SLOT_RSUM] = rSum;
    }
}

/* Each narrow variant twice: NAME (rows loaded, then used) and NAME_pf (the next rows prefetched; 2 blocks of 256
 * threads per SM guaranteed, i.e. at most 128 registers, since prefetching only pays with enough warps resident).
 * Arguments: K (columns, or float4 chunks where VEC, per lane), VEC, GRAD, ROWS (rows per group at a time), G (lanes
 * per row). The g<G> variants are for few columns: with a whole warp per row, a row of 8 floats kept 30 of 32 lanes
 * idle (7% of the read-only ceiling on an H100); with 2 lanes per row, 16 rows share the warp. */
#define LR_NARROW_ENTRY(NAME, K, VEC, GRAD, ROWS, G)                                                               \
    extern "C" __global__ void __launch_bounds__(256) NAME(                                                        \
        const float *__restrict__ X, const float *__restrict__ Y, const float *__restrict__ W, long long from,      \
        long long to, int n, const double *__restrict__ params, int loss, double *__restrict__ partial) {          \
        lr_fused_narrow<K, VEC, GRAD, ROWS, G, false>(X, Y, W, from, to, n, params, loss, partial);                \
    }                                                                                                              \
    extern "C" __global__ void __launch_bounds__(256, 2) NAME##_pf(                                                \
        const float *__restrict__ X, const float *__restrict__ Y, const float *__restrict__ W, long long from,      \
        long long to, int n, const double *__restrict__ params, int loss, double *__restrict__ partial) {          \
        lr_fused_narrow<K, VEC, GRAD, ROWS, G, true>(X, Y, W, from, to, n, params, loss, partial);                 \
    }

LR_NARROW_ENTRY(logreg_fused_g4s2, 2, false, true, 4, 4)
LR_NARROW_ENTRY(logreg_fused_g8s4, 4, false, true, 4, 8)
LR_NARROW_ENTRY(logreg_fused_s2, 2, false, true, 8, 32)
LR_NARROW_ENTRY(logreg_fused_s4, 4, false, true, 4, 32)
LR_NARROW_ENTRY(logreg_fused_s8, 8, false, true, 2, 32)
LR_NARROW_ENTRY(logreg_fused_g2v1, 1, true, true, 2, 2)
LR_NARROW_ENTRY(logreg_fused_g8v1, 1, true, true, 4, 8)
LR_NARROW_ENTRY(logreg_fused_v1, 1, true, true, 4, 32)
LR_NARROW_ENTRY(logreg_fused_v2, 2, true, true, 2, 32)
LR_NARROW_ENTRY(logreg_value_g4s2, 2, false, false, 4, 4)
LR_NARROW_ENTRY(logreg_value_g8s4, 4, false, false, 4, 8)
LR_NARROW_ENTRY(logreg_value_s2, 2, false, false, 8, 32)
LR_NARROW_ENTRY(logreg_value_s4, 4, false, false, 4, 32)
LR_NARROW_ENTRY(logreg_value_s8, 8, false, false, 2, 32)
LR_NARROW_ENTRY(logreg_value_g2v1, 1, true, false, 2, 2)
LR_NARROW_ENTRY(logreg_value_g8v1, 1, true, false, 4, 8)
LR_NARROW_ENTRY(logreg_value_v1, 1, true, false, 4, 32)
LR_NARROW_ENTRY(logreg_value_v2, 2, true, false, 2, 32)

/* Arguments: K, VEC, GRAD, T as in lr_fused_block; THREADS a block (blockDim.x must equal it), MIN_BLOCKS an SM
 * (__launch_bounds__), THETA_REG (theta in registers, or through the read-only cache), ACC_SMEM (gradient
 * accumulators in shared memory), PREFETCH (the next tile's rows loaded before this tile's barriers; no change to
 * any result). */
#define LR_BLOCK_ENTRY(NAME, K, VEC, GRAD, T, THREADS, MIN_BLOCKS, THETA_REG, ACC_SMEM, PREFETCH)                  \
    extern "C" __global__ void __launch_bounds__(THREADS, MIN_BLOCKS) NAME(                                        \
        const float *__restrict__ X, const float *__restrict__ Y, const float *__restrict__ W, long long from,      \
        long long to, int n, const double *__restrict__ params, int loss, double *__restrict__ partial) {          \
        lr_fused_block<K, VEC, GRAD, T, THREADS, THETA_REG, ACC_SMEM, PREFETCH>(X, Y, W, from, to, n, params, loss, partial); \
    }

LR_BLOCK_ENTRY(logreg_fused_bv1, 1, true, true, 8, 256, 2, true, false, false)
LR_BLOCK_ENTRY(logreg_fused_bv2, 2, true, true, 2, 256, 2, true, false, false)
LR_BLOCK_ENTRY(logreg_fused_bs4, 4, false, true, 8, 256, 2, true, false, false)
LR_BLOCK_ENTRY(logreg_fused_bs8, 8, false, true, 2, 256, 2, true, false, false)
LR_BLOCK_ENTRY(logreg_value_bv1, 1, true, false, 8, 256, 2, true, false, false)
LR_BLOCK_ENTRY(logreg_value_bv2, 2, true, false, 2, 256, 2, true, false, false)
LR_BLOCK_ENTRY(logreg_value_bs4, 4, false, false, 8, 256, 2, true, false, false)
LR_BLOCK_ENTRY(logreg_value_bs8, 8, false, false, 2, 256, 2, true, false, false)
/* Wide rows, n % 4 == 0 (the host pads), one row at a time, theta through the read-only cache (theta in registers as
 * well spilled on sm_90): bv4 2,048 < n <= 4,096 (256 threads, 16 columns a thread); wv4 4,096 < n <= 8,192 (512
 * threads, one block an SM); wv8 8,192 < n <= 16,384 (512 threads, 32 columns a thread, the fused pass's gradient
 * accumulators in shared memory, 32 * 512 doubles: in registers beside the row they spilled). All three prefetch the
 * next row: with one row at a time and one or two blocks an SM, the barriers and the loss of a row would otherwise
 * leave the SM with no load in flight. */
LR_BLOCK_ENTRY(logreg_fused_bv4, 4, true, true, 1, 256, 2, false, false, true)
LR_BLOCK_ENTRY(logreg_fused_wv4, 4, true, true, 1, 512, 1, false, false, true)
LR_BLOCK_ENTRY(logreg_fused_wv8, 8, true, true, 1, 512, 1, false, true, true)
LR_BLOCK_ENTRY(logreg_value_bv4, 4, true, false, 1, 256, 2, false, false, true)
LR_BLOCK_ENTRY(logreg_value_wv4, 4, true, false, 1, 512, 1, false, false, true)
LR_BLOCK_ENTRY(logreg_value_wv8, 8, true, false, 1, 512, 1, false, false, true)
/* Medium rows, 256 < n <= 512, n % 4 == 0 (the host pads): hv1, bv1's layout in blocks of 128 threads (4 an SM), so
 * that a row of 300 columns keeps 75 of 128 float4 lanes busy, not 75 of 256. Chosen only where CudaOptions asks
 * (mediumRowBlocks) until measured against the warp-per-row path (issue #18: 0.52 of the read-only ceiling at 300). */
LR_BLOCK_ENTRY(logreg_fused_hv1, 1, true, true, 8, 128, 4, true, false, false)
LR_BLOCK_ENTRY(logreg_value_hv1, 1, true, false, 8, 128, 4, true, false, false)

#define LR_WIDE_ENTRY(NAME, GRAD, SMEM)                                                                            \
    extern "C" __global__ void __launch_bounds__(256) NAME(                                                        \
        const float *__restrict__ X, const float *__restrict__ Y, const float *__restrict__ W, long long from,      \
        long long to, int n, const double *__restrict__ params, int loss, double *__restrict__ partial) {          \
        lr_fused_wide<GRAD, SMEM>(X, Y, W, from, to, n, params, loss, partial);                                    \
    }

LR_WIDE_ENTRY(logreg_fused_wide, true, true)
LR_WIDE_ENTRY(logreg_fused_wide_global, true, false)
LR_WIDE_ENTRY(logreg_value_wide, false, true)
