/*
 * logreg.cu - the one translation unit nvcc compiles into logreg.ptx (and logreg.fatbin): it includes every kernel
 * source, each of which opens with the formula it computes, its launch shape and its determinism.
 * Every entry point is extern "C" (stable, unmangled names) and listed in dev.logreg.gpu.CudaKernels.
 */
#include "fused.cu"
#include "reduce.cu"
#include "margins.cu"
#include "twopass.cu"
#include "blas.cu"
#include "aux.cu"
#include "hessian.cu"
#include "softmax.cu"
#include "sparse.cu"
#include "sparse_build.cu"
#include "sparse_softmax.cu"
#include "column_stats.cu"
