/*
 * sparse_build.cu - the transposed copy (CSC) of a CSR matrix, built on the device once per bind, for sparse.cu's
 * X^T r pass; every step's result is a function of the input alone (no floating-point arithmetic at all; the one
 * kind of atomic is an integer count, whose total does not depend on order):
 *   logreg_fill_ints:             p[k] = value, k < count
 *   logreg_sparse_column_counts:  counts[c] += 1 for each entry's column (integer atomicAdd: exact in any order)
 *   logreg_sparse_remap:          idx[k] = compact[idx[k]]  (column ids to the compact ids of the columns that occur,
 *                                 in the same order; the host forms `compact` from the counts)
 *   logreg_sparse_row_ids:        rowIds[k] = the row of entry k (from the row offsets; a warp a row)
 *   logreg_sort_digit_counts, logreg_sort_scatter: one pass of a stable least-significant-digit radix sort of the
 *                                 entries by column (8-bit digit (key >> shift) & 255), carrying (row, value): the
 *                                 entries of each column end in increasing row order, as in the CSR. Ceil(bits / 8)
 *                                 passes, bits those of the largest compact id.
 *
 * Radix pass, launch shape: grid = tiles = ceil(count / LR_SORT_TILE) exactly, blockDim.x = LR_SORT_THREADS = 256
 *   (one thread a digit), block t owning entries [t LR_SORT_TILE, (t + 1) LR_SORT_TILE). Digit counts: a histogram in
 *   shared memory (integer atomics), written digit-major: counts[d * tiles + t]. The host turns them into the
 *   exclusive prefix sums offsets[d * tiles + t] (the first position of digit d's entries of tile t in the output)
 *   and the scatter moves each entry to offsets + its rank among the entries of its digit before it in the tile:
 *   the tile in rounds of 256 entries; in a round a warp finds the lanes with its digit by 8 ballots (lanes in index
 *   order), the warps' counts per digit go through shared memory in warp order, and a running count per digit carries
 *   from round to round. So the order of equal keys is their input order: stable, and the same on every run.
 * Other kernels: grid-stride loops with 64-bit indices, any grid.
 */
#include "common.cuh"

#define LR_SORT_THREADS 256
#define LR_SORT_DIGITS 256
#define LR_SORT_TILE (LR_SORT_THREADS * 64)

extern "C" __global__ void logreg_fill_ints(int *__restrict__ p, long long count, int value) {
    for (long long k = (long long)blockIdx.x * blockDim.x + threadIdx.x; k < count; k += (long long)gridDim.x * blockDim.x) p[k] = value;
}

extern "C" __global__ void logreg_sparse_column_counts(const int *__restrict__ idx, long long nnz, int *__restrict__ counts) {
    for (long long k = (long long)blockIdx.x * blockDim.x + threadIdx.x; k < nnz; k += (long long)gridDim.x * blockDim.x) {
        atomicAdd(counts + __ldg(idx + k), 1);
    }
}

extern "C" __global__ void logreg_sparse_remap(int *__restrict__ idx, long long nnz, const int *__restrict__ compact) {
    for (long long k = (long long)blockIdx.x * blockDim.x + threadIdx.x; k < nnz; k += (long long)gridDim.x * blockDim.x) {
        idx[k] = __ldg(compact + idx[k]);
    }
}

extern "C" __global__ void logreg_sparse_row_ids(const long long *__restrict__ rowOff, long long rows, int *__restrict__ rowIds) {
    const int lane = threadIdx.x & 31;
    const long long gwarp = ((long long)blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    const long long nwarps = ((long long)gridDim.x * blockDim.x) >> 5;
    for (long long row = gwarp; row < rows; row += nwarps) {
        const long long end = rowOff[row + 1];
        for (long long k = rowOff[row] + lane; k < end; k += 32) rowIds[k] = (int)row;
    }
}

extern "C" __global__ void __launch_bounds__(LR_SORT_THREADS) logreg_sort_digit_counts(const int *__restrict__ keys, long long count,
                                                                                       int shift, int *__restrict__ counts) {
    __shared__ int histogram[LR_SORT_DIGITS];
    const long long tile = blockIdx.x;
    histogram[threadIdx.x] = 0;
    __syncthreads();
    const long long start = tile * LR_SORT_TILE;
    const long long end = start + LR_SORT_TILE < count ? start + LR_SORT_TILE : count;
    for (long long i = start + threadIdx.x; i < end; i += LR_SORT_THREADS) atomicAdd(histogram + ((__ldg(keys + i) >> shift) & 255), 1);
    __syncthreads();
    counts[(long long)threadIdx.x * gridDim.x + tile] = histogram[threadIdx.x];
}

/* The lanes of this warp whose digit equals this lane's (valid lanes only), by one ballot per digit bit. */
__device__ __forceinline__ unsigned lr_same_digit(int digit, bool valid) {
    unsigned peers = __ballot_sync(LR_FULL_MASK, valid);
#pragma unroll
    for (int bit = 0; bit < 8; bit++) {
        const bool set = ((digit >> bit) & 1) != 0;
        const unsigned b = __ballot_sync(LR_FULL_MASK, set);
        peers &= set ? b : ~b;
    }
    return valid ? peers : 0u;
}

extern "C" __global__ void __launch_bounds__(LR_SORT_THREADS) logreg_sort_scatter(
        const int *__restrict__ keysIn, const int *__restrict__ rowsIn, const float *__restrict__ valsIn, long long count, int shift,
        const long long *__restrict__ offsets, int *__restrict__ keysOut, int *__restrict__ rowsOut, float *__restrict__ valsOut) {
    __shared__ long long next[LR_SORT_DIGITS];                       // digit d's next output position for this tile
    __shared__ int before[LR_SORT_THREADS / 32][LR_SORT_DIGITS];     // a round's count per (warp, digit), then its prefix
    const int t = threadIdx.x;
    const int lane = t & 31;
    const int warp = t >> 5;
    const long long tile = blockIdx.x;
    next[t] = offsets[(long long)t * gridDim.x + tile];
    const long long start = tile * LR_SORT_TILE;
    const long long end = start + LR_SORT_TILE < count ? start + LR_SORT_TILE : count;
    for (long long r0 = start; r0 < end; r0 += LR_SORT_THREADS) {
        for (int w = 0; w < LR_SORT_THREADS / 32; w++) before[w][t] = 0;
        __syncthreads();
        const long long i = r0 + t;
        const bool valid = i < end;
        const int key = valid ? __ldg(keysIn + i) : 0;
        const int digit = (key >> shift) & 255;
        const unsigned peers = lr_same_digit(digit, valid);
        const int rank = __popc(peers & ((1u << lane) - 1u));  // lanes before this one with its digit
        if (valid && rank == 0) before[warp][digit] = __popc(peers);
        __syncthreads();
        int placed = 0;  // thread t: digit t's entries in this round, the warps' counts turned into their prefix
        for (int w = 0; w < LR_SORT_THREADS / 32; w++) {
            const int c = before[w][t];
            before[w][t] = placed;
            placed += c;
        }
        __syncthreads();
        if (valid) {
            const long long pos = next[digit] + before[warp][digit] + rank;
            rowsOut[pos] = __ldg(rowsIn + i);
            valsOut[pos] = __ldg(valsIn + i);
            if (keysOut != nullptr) keysOut[pos] = key;
        }
        __syncthreads();
        next[t] += placed;
    }
}
