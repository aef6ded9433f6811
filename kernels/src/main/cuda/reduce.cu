/*
 * reduce.cu - the second, small kernel of every deterministic reduction:
 *   out[c] = sum_{b = 0 .. rows-1} partial[b * width + c]      for c < width
 * added in increasing b, one thread per column c.
 *
 * Launch shape: 1-D grid, ceil(width / blockDim.x) blocks of any blockDim.x (the host uses 256); no shared memory.
 * Deterministic: the order of the additions is fixed (block partials in block order). No atomics.
 */
#include "common.cuh"

extern "C" __global__ void logreg_reduce_partials(const double *__restrict__ partial, long long rows, int width,
                                                  double *__restrict__ out) {
    const int c = blockIdx.x * blockDim.x + threadIdx.x;
    if (c >= width) return;
    double s = 0.0;
    for (long long b = 0; b < rows; b++) s += partial[b * width + c];
    out[c] = s;
}
