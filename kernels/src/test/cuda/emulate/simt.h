/*
 * simt.h - a small host emulation of the CUDA execution model, enough to run logreg's kernels on the CPU:
 * one cooperative context (its own stack) per CUDA thread, blocks one after another, __syncthreads as a block barrier, warp shuffles through
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
#include <memory>
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
/* The device's single-rounding arithmetic: the product goes through a volatile, so that no host compiler fuses it
 * with the sum that follows into an FMA (which the device code forbids by using these). */
inline double __dmul_rn(double a, double b) { volatile double p = a * b; return p; }
inline double __dadd_rn(double a, double b) { return a + b; }
inline double __dsub_rn(double a, double b) { return a - b; }

/*
 * Cooperative scheduler: each CUDA thread of the running block has its own stack; a thread runs until it reaches a
 * barrier (a warp barrier for shuffles, the block barrier for __syncthreads), where it yields until every thread of
 * that barrier has arrived. Only one host thread at a time: deterministic.
 *
 * On x86-64 a switch is simt_switch below: it saves the six callee-saved registers on the current stack and moves the
 * stack pointer (the System V ABI asks no more of a call). swapcontext, the portable fallback, also saves the signal
 * mask with a system call each time; the emulated kernels switch at every shuffle, and that call took half the time.
 */
#if defined(__x86_64__)
#define SIMT_FAST_SWITCH 1
/* simt_switch(save, load): push rbp, rbx, r12-r15; *save = rsp; rsp = load; pop them; ret (resumes what `load` saved). */
extern "C" void simt_switch(void **save, void *load);
asm(".text\n.weak simt_switch\n.hidden simt_switch\n.type simt_switch, @function\nsimt_switch:\n"
    "pushq %rbp\npushq %rbx\npushq %r12\npushq %r13\npushq %r14\npushq %r15\n"
    "movq %rsp, (%rdi)\nmovq %rsi, %rsp\n"
    "popq %r15\npopq %r14\npopq %r13\npopq %r12\npopq %rbx\npopq %rbp\nret\n"
    ".size simt_switch, .-simt_switch\n");

/* A fresh stack that simt_switch "resumes" into entry(): six zero registers, then entry's address for the ret, then
 * an unused return-address slot, so that entry starts with rsp = 8 (mod 16) as after a call. */
inline void *simt_prepare_stack(char *stack, size_t bytes, void (*entry)()) {
    void **sp = reinterpret_cast<void **>(reinterpret_cast<uintptr_t>(stack + bytes) & ~uintptr_t(15));
    *--sp = nullptr;
    *--sp = reinterpret_cast<void *>(entry);
    for (int i = 0; i < 6; i++) *--sp = nullptr;
    return sp;
}
#else
#define SIMT_FAST_SWITCH 0
#endif

struct simt_barrier { int count = 0, arrived = 0; long generation = 0; };
struct simt_thread {
    void *sp = nullptr;  // SIMT_FAST_SWITCH: the saved stack pointer
    ucontext_t ctx;      // otherwise
    char *stack = nullptr;
    bool done = false;
    unsigned tid = 0;
};
/* Stacks are allocated once (uninitialised) and reused by every block: fresh zeroed stacks per block cost more than the
 * kernels themselves. */
constexpr size_t SIMT_STACK_BYTES = 256 * 1024;
inline std::vector<std::unique_ptr<char[]>> simt_stacks;
inline void *simt_main_sp;
inline ucontext_t simt_main_ctx;
inline std::vector<simt_thread> simt_threads;
inline int simt_running = -1;
inline simt_barrier simt_block_barrier;
inline std::vector<simt_barrier> simt_warp_barriers;
inline std::vector<double> simt_exchange_buf;
inline std::vector<double> simt_dynamic;
inline void (*simt_body)(void *) = nullptr;
inline void *simt_arg = nullptr;
/* Run a block's threads from the last to the first between barriers (default: first to last). A kernel that reads
 * another thread's write without a barrier between them gives a different answer under one of the two orders. */
inline bool simt_reverse_order = false;

inline void simt_yield() {
#if SIMT_FAST_SWITCH
    simt_switch(&simt_threads[simt_running].sp, simt_main_sp);
#else
    swapcontext(&simt_threads[simt_running].ctx, &simt_main_ctx);
#endif
}

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
inline double __shfl_up_sync(unsigned, double v, unsigned delta) {
    const unsigned lane = threadIdx.x & 31;
    return simt_exchange(v, lane >= delta ? lane - delta : lane);
}
/* Ints travel through the double exchange exactly (every int is a double). */
inline int __shfl_up_sync(unsigned mask, int v, unsigned delta) { return (int)__shfl_up_sync(mask, (double)v, delta); }
/* Bit l set where lane l's predicate is true (every lane of the warp must call it, as on the device). */
inline unsigned __ballot_sync(unsigned, int predicate) {
    const unsigned t = threadIdx.x;
    simt_barrier &wb = simt_warp_barriers[t >> 5];
    simt_exchange_buf[t] = predicate ? 1.0 : 0.0;
    simt_wait(wb);
    unsigned bits = 0;
    for (unsigned l = 0; l < 32; l++) bits |= (simt_exchange_buf[(t & ~31u) + l] != 0.0 ? 1u : 0u) << l;
    simt_wait(wb);
    return bits;
}
inline int __popc(unsigned x) { return __builtin_popcount(x); }
/* One host thread runs at a time and switches only at barriers: a plain read-modify-write is atomic here. */
inline int atomicAdd(int *p, int v) {
    const int old = *p;
    *p = old + v;
    return old;
}
/* A warp's barrier: orders the lanes' shared and global memory accesses, as __syncwarp does on the device. */
inline void __syncwarp(unsigned = 0xffffffffu) { simt_wait(simt_warp_barriers[threadIdx.x >> 5]); }

inline void simt_entry() {
    simt_body(simt_arg);
    simt_threads[simt_running].done = true;
    // A thread that returns early leaves every barrier: the kernels here never sync after an early return.
#if SIMT_FAST_SWITCH
    simt_yield();  // never resumed: the scheduler skips finished threads
#endif
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
        while (simt_stacks.size() < block) simt_stacks.emplace_back(new char[SIMT_STACK_BYTES]);
        for (unsigned t = 0; t < block; t++) {
            simt_thread &th = simt_threads[t];
            th.tid = t;
            th.stack = simt_stacks[t].get();
#if SIMT_FAST_SWITCH
            th.sp = simt_prepare_stack(th.stack, SIMT_STACK_BYTES, simt_entry);
#else
            getcontext(&th.ctx);
            th.ctx.uc_stack.ss_sp = th.stack;
            th.ctx.uc_stack.ss_size = SIMT_STACK_BYTES;
            th.ctx.uc_link = &simt_main_ctx;
            makecontext(&th.ctx, simt_entry, 0);
#endif
        }
        for (bool live = true; live;) {
            live = false;
            for (unsigned i = 0; i < block; i++) {
                const unsigned t = simt_reverse_order ? block - 1 - i : i;
                if (simt_threads[t].done) continue;
                live = true;
                simt_running = (int)t;
                threadIdx.x = t;
#if SIMT_FAST_SWITCH
                simt_switch(&simt_main_sp, simt_threads[t].sp);
#else
                swapcontext(&simt_main_ctx, &simt_threads[t].ctx);
#endif
            }
        }
        simt_running = -1;
    }
}

#endif
