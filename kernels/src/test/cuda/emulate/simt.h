/*
 * simt.h - a small host emulation of the CUDA execution model, enough to run logreg's kernels on the CPU:
 * one cooperative context (ucontext) per CUDA thread, blocks one after another, __syncthreads as a block barrier, warp shuffles through
 * a per-warp exchange array between two warp barriers, static __shared__ as function statics (blocks run one at a
 * time) and dynamic shared memory as one host buffer. Built with a plain C++20 compiler (no nvcc): it checks the
 * kernels' indexing, partitions and reductions, not the device's arithmetic (host libm replaces the device's).
 */
#ifndef LOGREG_SIMT_H
#define LOGREG_SIMT_H

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <ucontext.h>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __restrict__ __restrict
#define __launch_bounds__(...)
#define __shared__ static

struct simt_dim3 { unsigned x = 0, y = 0, z = 0; };
inline simt_dim3 threadIdx;  // the running thread's, set by the scheduler at each switch
inline simt_dim3 blockIdx;
inline simt_dim3 blockDim;
inline simt_dim3 gridDim;

struct alignas(16) float4 { float x, y, z, w; };
inline float4 make_float4(float x, float y, float z, float w) { return float4{x, y, z, w}; }
template <class T> inline T __ldg(const T *p) { return *p; }
template <class T> inline T __ldcs(const T *p) { return *p; }
inline long long min(long long a, long long b) { return a < b ? a : b; }

/*
 * Cooperative scheduler: each CUDA thread of the running block is a ucontext with its own stack; a thread runs until
 * it reaches a barrier (a warp barrier for shuffles, the block barrier for __syncthreads), where it yields until every
 * thread of that barrier has arrived. Only one host thread: fast enough, and deterministic.
 */
struct simt_barrier { int count = 0, arrived = 0; long generation = 0; };
struct simt_thread { ucontext_t ctx; std::vector<char> stack; bool done = false; unsigned tid = 0; };
inline ucontext_t simt_main;
inline std::vector<simt_thread> simt_threads;
inline int simt_running = -1;
inline simt_barrier simt_block_barrier;
inline std::vector<simt_barrier> simt_warp_barriers;
inline std::vector<double> simt_exchange_buf;
inline std::vector<double> simt_dynamic;
inline void (*simt_body)(void *) = nullptr;
inline void *simt_arg = nullptr;

inline void simt_yield() { swapcontext(&simt_threads[simt_running].ctx, &simt_main); }

inline void simt_wait(simt_barrier &b) {
    long gen = b.generation;
    if (++b.arrived == b.count) {
        b.arrived = 0;
        b.generation++;
        return;
    }
    while (b.generation == gen) simt_yield();
}

#define LR_DYNAMIC_SHARED(T, name) T *name = reinterpret_cast<T *>(simt_dynamic.data())

inline void __syncthreads() { simt_wait(simt_block_barrier); }

inline double simt_exchange(double v, int src_lane) {
    const unsigned t = threadIdx.x;
    simt_barrier &wb = simt_warp_barriers[t >> 5];
    simt_exchange_buf[t] = v;
    simt_wait(wb);
    const double r = simt_exchange_buf[(t & ~31u) + (src_lane & 31)];
    simt_wait(wb);
    return r;
}
inline double __shfl_xor_sync(unsigned, double v, int off) { return simt_exchange(v, (threadIdx.x & 31) ^ off); }
inline double __shfl_sync(unsigned, double v, int src) { return simt_exchange(v, src); }

inline void simt_entry() {
    simt_body(simt_arg);
    simt_threads[simt_running].done = true;
    // A thread that returns early leaves every barrier: the kernels here never sync after an early return.
}

template <class F> void simt_trampoline(void *f) { (*static_cast<F *>(f))(); }

/* Runs kernel() on grid x block threads (block a multiple of 32) with `smem` bytes of dynamic shared memory. */
template <class F>
void simt_launch(unsigned grid, unsigned block, size_t smem, F kernel) {
    gridDim.x = grid;
    blockDim.x = block;
    simt_dynamic.assign(smem / sizeof(double) + 1, std::nan(""));  // kernels must write before they read
    simt_body = &simt_trampoline<F>;
    simt_arg = &kernel;
    for (unsigned b = 0; b < grid; b++) {
        blockIdx.x = b;
        simt_block_barrier = simt_barrier{(int)block};
        simt_warp_barriers.assign(block / 32, simt_barrier{32});
        simt_exchange_buf.assign(block, 0.0);
        simt_threads.assign(block, simt_thread{});
        for (unsigned t = 0; t < block; t++) {
            simt_thread &th = simt_threads[t];
            th.tid = t;
            th.stack.resize(256 * 1024);
            getcontext(&th.ctx);
            th.ctx.uc_stack.ss_sp = th.stack.data();
            th.ctx.uc_stack.ss_size = th.stack.size();
            th.ctx.uc_link = &simt_main;
            makecontext(&th.ctx, simt_entry, 0);
        }
        for (bool live = true; live;) {
            live = false;
            for (unsigned t = 0; t < block; t++) {
                if (simt_threads[t].done) continue;
                live = true;
                simt_running = (int)t;
                threadIdx.x = t;
                swapcontext(&simt_main, &simt_threads[t].ctx);
            }
        }
        simt_running = -1;
    }
}

#endif
