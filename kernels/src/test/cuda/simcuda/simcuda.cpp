/*
 * simcuda.cpp - a simulated CUDA driver: a libcuda.so.1 that runs logreg's kernels on the CPU under simt.h.
 *
 * Why: the GPU backend's host code (JCuda calls, argument lists, grid and buffer sizes, contexts, the lifecycle of
 * device memory, the factory's self-test, the GPU benchmark's harness) cannot run on a machine without an NVIDIA
 * GPU, and GPU time is scarce. With this library first on LD_LIBRARY_PATH, JCuda's real native bindings load it in
 * place of the NVIDIA driver, and every GPU test runs here, in CI, against the same kernel sources (compiled for the
 * host, so the arithmetic is the host's libm, not the device's). It tests the Java side and the kernels' indexing;
 * it says nothing about speed or about the device's arithmetic.
 *
 * What it implements (the functions logreg calls; every other function JCuda imports is a stub that returns
 * CUDA_ERROR_NOT_SUPPORTED and says so on stderr):
 *   - one device, "logreg simcuda (CPU emulation, not a GPU)", compute capability 9.0, driver version 13000;
 *     SIMCUDA_SMS multiprocessors (default 2, so grids stay small) and SIMCUDA_MEMORY_BYTES of memory (default 1 GiB);
 *   - the primary context (retain/release counted; releasing the last reference frees what the context still owns,
 *     as the driver does, and reports it on stderr as a leak), a per-thread current context: calls that need one fail
 *     with CUDA_ERROR_INVALID_CONTEXT on a thread that has none, as on a real device;
 *   - device memory as mmap'ed regions that end at a PROT_NONE guard page (a kernel reading past the end of a buffer
 *     faults instead of reading garbage), filled with NaN bytes (0xFF) at allocation (a read of unwritten memory shows);
 *     copies must lie inside one live allocation (else CUDA_ERROR_INVALID_VALUE);
 *   - modules: an image must be PTX text or a fatbin, and a function is found only where its name is in the image
 *     (so a name the Java side lists but the build lost is caught) and in the emulation's table below;
 *   - launches: 1-D grids and blocks, block a multiple of 32 and within the kernel's __launch_bounds__, dynamic shared
 *     memory over 48 KiB only after cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES), every pointer argument null or
 *     inside a live allocation (checked at the call); run when their stream runs (below), blocks one after another
 *     (deterministic), each kernel's threads first to last on its odd-numbered launches and last to first on its even
 *     ones (so that two identical calls, which the tests require to give the same bits, also run under two schedules);
 *   - streams, events, async copies and registered host memory (simcuda_streams.h, simcuda_streams_api.h):
 *     cuStreamCreate (flags 0 or CU_STREAM_NON_BLOCKING), Destroy, Synchronize, Query, WaitEvent; cuEventCreate, Record,
 *     Synchronize, Query, Destroy, ElapsedTime (host time between the records' running); cuMemcpyHtoDAsync, DtoHAsync,
 *     DtoDAsync; cuMemHostRegister / cuMemHostUnregister (an unknown pointer: CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED; an
 *     overlap: ..._ALREADY_REGISTERED; a range left registered at the context's release is reported like a leak).
 *     Launches, async copies with a page-locked host side and event records are QUEUED on their stream and run, in
 *     order, only at a synchronization point (the list is in simcuda_streams.h's header), so host code that races the
 *     device (refills a staging buffer before waiting for its copy) fails at every run. An async copy with a pageable
 *     host side is synchronous, as on a device. A queued operation that fails (a copy fault on request) returns its
 *     error from the call that made it run.
 * Faults on request, for the tests of what the backend says and frees when things go wrong (environment variables):
 *   SIMCUDA_DEVICES=0               no device (cuInit fails with CUDA_ERROR_NO_DEVICE, as the driver does);
 *   SIMCUDA_DRIVER_VERSION=12080    an older driver (cuDriverGetVersion; default 13000);
 *   SIMCUDA_CORRUPT_SUMS=1          logreg_reduce_partials' sum j is scaled by (1 + 1e-3 (j + 1)): wrong sums;
 *   SIMCUDA_FAIL_LAUNCH=N           the N-th cuLaunchKernel (from 1) and every later one fail with
 *                                   CUDA_ERROR_LAUNCH_FAILED, as after a device fault; the error is sticky, as on a GPU:
 *                                   the context is poisoned (below);
 *   SIMCUDA_FAIL_ALLOC=N            the N-th cuMemAlloc (from 1) alone fails with CUDA_ERROR_OUT_OF_MEMORY (not sticky:
 *                                   the next one succeeds where memory is free);
 *   SIMCUDA_FAIL_HOST_ALLOC=N       the N-th pinned host allocation (cuMemAllocHost or cuMemHostAlloc) alone fails with
 *                                   CUDA_ERROR_OUT_OF_MEMORY;
 *   SIMCUDA_FAIL_COPY=N             the N-th copy (cuMemcpyHtoD, DtoH, DtoD and their Async forms, all counted together
 *                                   at their calls) alone fails with CUDA_ERROR_INVALID_VALUE (the one error the driver's
 *                                   documentation lists for a copy past the lifecycle ones) and copies nothing; not
 *                                   sticky. A queued async copy is accepted at its call and fails when it runs: the call
 *                                   that ran it (cuStreamSynchronize, say) returns the error;
 *   SIMCUDA_FAIL_HOST_REGISTER=N    the N-th cuMemHostRegister alone fails with CUDA_ERROR_OUT_OF_MEMORY (the limit on
 *                                   page-locked memory);
 *   SIMCUDA_SAY_PAGEABLE=1          say on stderr each async copy whose host side is pageable (done at the call);
 *   SIMCUDA_FAULT_FILE=PATH         faults chosen at run time, so that one process can fail each call in turn (a sweep):
 *                                   PATH holds one line "KIND N [anything]", KIND one of alloc, host-alloc, copy, launch,
 *                                   host-register;
 *                                   the N-th such call from the moment the file's text last changed fails as above (a
 *                                   launch: that one alone, and it poisons the context). Read at each counted call; an
 *                                   absent or empty file asks for nothing; any change to the text (a round number after
 *                                   N, say) restarts the counts. The variables above apply as well.
 * A sticky error poisons the context, as a device fault does on a GPU: from then on every call that needs the context
 * (copies, allocations and frees, launches, synchronization, cuMemGetInfo, unloading the module, destroying the stream)
 * returns that error (queued work is dropped, never run), until the last reference to the primary context is released,
 * which frees what the context still owns (device and pinned memory, registered host ranges, modules, streams, events;
 * said on stderr) and lets the next retain make a fresh one. (NVIDIA's documentation is harsher: after such an error
 * the process must be restarted. The backend relies on neither.)
 * Thread-safe: one lock around every call; queued work runs under it, on the thread whose call made it run.
 * Build: simcuda.sh (g++ -std=c++17, no nvcc needed).
 */
#include "../emulate/simt.h"
#include "../../../main/cuda/logreg.cu"

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>
#include <sys/mman.h>
#include <unistd.h>

namespace {

// ---- the driver API's types and codes, as cuda.h declares them (values from JCuda's CUresult and friends) ----
using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
struct Context {
    bool alive = true;
    int sticky = 0;  // a sticky error (a failed launch): every later call that needs this context returns it
};
struct Module { std::string image; bool fatbin; };
struct Function;
using CUcontext = Context *;
using CUmodule = Module *;
using CUfunction = Function *;
using CUstream = void *;
struct Event;
using CUevent = Event *;

constexpr CUresult SUCCESS = 0, INVALID_VALUE = 1, OUT_OF_MEMORY = 2, NOT_INITIALIZED = 3, NO_DEVICE = 100, INVALID_DEVICE = 101,
                   INVALID_IMAGE = 200, INVALID_CONTEXT = 201, INVALID_HANDLE = 400, NOT_FOUND = 500,
                   NOT_READY = 600, HOST_MEMORY_ALREADY_REGISTERED = 712, HOST_MEMORY_NOT_REGISTERED = 713,
                   LAUNCH_FAILED = 719, NOT_SUPPORTED = 801;
constexpr int ATTR_MAX_THREADS_PER_BLOCK = 1, ATTR_MAX_SHARED_PER_BLOCK = 8, ATTR_WARP_SIZE = 10, ATTR_SM_COUNT = 16,
              ATTR_CC_MAJOR = 75, ATTR_CC_MINOR = 76, ATTR_MAX_SHARED_PER_SM = 81, ATTR_MAX_SHARED_OPTIN = 97;
constexpr int FUNC_ATTR_MAX_DYNAMIC_SHARED = 8;
constexpr int DEFAULT_SHARED = 48 * 1024;
constexpr int OPTIN_SHARED = 227 * 1024;   // H100 / H200
constexpr int SHARED_PER_SM = 228 * 1024;
constexpr size_t ALIGN = 256;              // cuMemAlloc's alignment
const char *const DEVICE_NAME = "logreg simcuda (CPU emulation, not a GPU)";

// ---- the emulated kernels: launch any extern "C" kernel from a kernelParams array, checking pointer arguments ----
struct Function {
    const char *name;
    int maxThreads;  // the kernel's __launch_bounds__ (1024 where it has none)
    // Checks the arguments and makes *run, the launch with their values (queued work outlives the params array).
    bool (*prepare)(const Function &, unsigned grid, unsigned block, size_t smem, void **params, std::function<void()> *run);
    int dynamicSharedLimit = DEFAULT_SHARED;
    unsigned long long launches = 0;  // of this kernel: odd ones run their threads in reverse order
};

std::mutex lock;
std::map<unsigned long long, size_t> allocations;  // device address -> bytes asked for
std::map<void *, std::pair<void *, size_t>> mappings;  // device or pinned address -> (mmap base, mmap length)
size_t allocatedBytes = 0;
thread_local Context *current = nullptr;
Context *primary = nullptr;
int primaryRefs = 0;
bool initialized = false;
std::set<Module *> modules;
std::set<void *> pinned;  // live page-locked host allocations (they belong to the context, as on the driver)

// ---- faults on request (see the header): the kinds of call counted, their variables and fault-file names ----
enum FaultKind { FAULT_ALLOC, FAULT_HOST_ALLOC, FAULT_COPY, FAULT_LAUNCH, FAULT_HOST_REGISTER, FAULT_KINDS };
const char *const FAULT_VARIABLE[FAULT_KINDS] = {"SIMCUDA_FAIL_ALLOC", "SIMCUDA_FAIL_HOST_ALLOC", "SIMCUDA_FAIL_COPY",
                                                 "SIMCUDA_FAIL_LAUNCH", "SIMCUDA_FAIL_HOST_REGISTER"};
const char *const FAULT_NAME[FAULT_KINDS] = {"alloc", "host-alloc", "copy", "launch", "host-register"};
unsigned long long calls[FAULT_KINDS];      // of each kind since the library loaded
unsigned long long fileCalls[FAULT_KINDS];  // of each kind since the fault file's text last changed
std::string faultFileText;

void say(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    std::fputs("simcuda: ", stderr);
    std::vfprintf(stderr, fmt, ap);
    std::fputc('\n', stderr);
    std::fflush(stderr);
    va_end(ap);
}

unsigned long long envNumber(const char *name, unsigned long long fallback, bool zeroAllowed = false) {
    const char *v = std::getenv(name);
    if (v == nullptr || *v == '\0') return fallback;
    char *end = nullptr;
    unsigned long long n = std::strtoull(v, &end, 10);
    if (*end != '\0' || (n == 0 && !zeroAllowed)) {
        say("%s=%s is not a %s whole number; using %llu", name, v, zeroAllowed ? "non-negative" : "positive", fallback);
        return fallback;
    }
    return n;
}

int smCount() { return (int)envNumber("SIMCUDA_SMS", 2); }
size_t totalMemory() { return (size_t)envNumber("SIMCUDA_MEMORY_BYTES", 1ULL << 30); }

/* The fault file's text ("" where it is absent or unreadable). */
std::string readFaultFile(const char *path) {
    std::string text;
    if (FILE *f = std::fopen(path, "r")) {
        char buf[256];
        size_t got;
        while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, got);
        std::fclose(f);
    }
    return text;
}

/*
 * Counts one call of {@code kind} and says whether it must fail on request (SIMCUDA_FAIL_*, SIMCUDA_FAULT_FILE);
 * {@code call} names it in the message on stderr. Called under the lock, after the call's own checks, so that a fault
 * stands in for what would have been a success.
 */
bool faultRequested(FaultKind kind, const char *call) {
    const unsigned long long n = ++calls[kind];
    const unsigned long long k = envNumber(FAULT_VARIABLE[kind], 0, true);
    // A failed launch leaves the device faulted, so every later launch fails too; the other faults are one call each.
    if (k != 0 && (kind == FAULT_LAUNCH ? n >= k : n == k)) {
        say("%s: call %llu of its kind fails on request (%s=%llu)", call, n, FAULT_VARIABLE[kind], k);
        return true;
    }
    const char *path = std::getenv("SIMCUDA_FAULT_FILE");
    if (path == nullptr || *path == '\0') return false;
    std::string text = readFaultFile(path);
    if (text != faultFileText) {
        faultFileText = text;
        std::fill(fileCalls, fileCalls + FAULT_KINDS, 0ULL);
    }
    const unsigned long long m = ++fileCalls[kind];
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) return false;
    char name[32] = {0};
    unsigned long long target = 0;
    int kindIndex = -1;
    if (std::sscanf(text.c_str(), "%31s %llu", name, &target) == 2) {
        for (int i = 0; i < FAULT_KINDS; i++) {
            if (std::strcmp(name, FAULT_NAME[i]) == 0) kindIndex = i;
        }
    }
    if (kindIndex < 0 || target == 0) {
        if (m == 1) say("SIMCUDA_FAULT_FILE %s: \"%s\" is not \"KIND N\" (KIND alloc, host-alloc, copy, launch or host-register; N >= 1)", path, text.c_str());
        return false;
    }
    if (kindIndex != kind || m != target) return false;
    say("%s: call %llu of its kind since %s changed fails on request (\"%s %llu\")", call, m, path, name, target);
    return true;
}

/* The live allocation holding [p, p + bytes), or allocations.end(). */
std::map<unsigned long long, size_t>::iterator holding(unsigned long long p, size_t bytes) {
    auto it = allocations.upper_bound(p);
    if (it == allocations.begin()) return allocations.end();
    --it;
    if (p < it->first || p + bytes > it->first + it->second || p + bytes < p) return allocations.end();
    return it;
}

/* Memory whose last byte is followed by a PROT_NONE page, filled with 0xFF (NaN as float and as double). */
void *guardedAlloc(size_t bytes) {
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    const size_t body = (bytes + ALIGN - 1) / ALIGN * ALIGN;
    const size_t span = (body + page - 1) / page * page + page;
    void *base = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) return nullptr;
    char *guard = static_cast<char *>(base) + span - page;
    mprotect(guard, page, PROT_NONE);
    void *p = guard - body;
    std::memset(p, 0xFF, body);
    mappings[p] = {base, span};
    return p;
}

void guardedFree(void *p) {
    auto m = mappings.find(p);
    munmap(m->second.first, m->second.second);
    mappings.erase(m);
}

bool pointerArgument(const Function &f, int index, const void *p) {
    if (p == nullptr || holding((unsigned long long)p, 1) != allocations.end()) return true;
    say("%s: argument %d (%p) is neither null nor inside a live device allocation", f.name, index, p);
    return false;
}

template <class... A, size_t... I>
bool prepareWith(void (*kernel)(A...), const Function &f, unsigned grid, unsigned block, size_t smem, void **params,
                 std::function<void()> *run, std::index_sequence<I...>) {
    std::tuple<A...> args{*static_cast<const A *>(params[I])...};
    bool ok = true;
    auto checkOne = [&](auto value, int index) {
        if constexpr (std::is_pointer_v<decltype(value)>) ok = pointerArgument(f, index, value) && ok;
    };
    (checkOne(std::get<I>(args), (int)I), ...);
    if (!ok) return false;
    *run = [kernel, args, grid, block, smem] { simt_launch(grid, block, smem, [&] { std::apply(kernel, args); }); };
    return true;
}

template <auto Kernel> struct Launcher;
template <class... A, void (*Kernel)(A...)> struct Launcher<Kernel> {
    static bool prepare(const Function &f, unsigned grid, unsigned block, size_t smem, void **params, std::function<void()> *run) {
        return prepareWith(Kernel, f, grid, block, smem, params, run, std::index_sequence_for<A...>{});
    }
};

#define SIMCUDA_KERNEL(NAME, MAX_THREADS) Function{#NAME, MAX_THREADS, &Launcher<&NAME>::prepare}
#define SIMCUDA_NARROW(NAME) SIMCUDA_KERNEL(NAME, 256), SIMCUDA_KERNEL(NAME##_pf, 256)

Function kernels[] = {
    SIMCUDA_NARROW(logreg_fused_s2), SIMCUDA_NARROW(logreg_fused_s4),
    SIMCUDA_NARROW(logreg_fused_s8), SIMCUDA_NARROW(logreg_fused_v1), SIMCUDA_NARROW(logreg_fused_v2),
    SIMCUDA_NARROW(logreg_value_s2), SIMCUDA_NARROW(logreg_value_s4),
    SIMCUDA_NARROW(logreg_value_s8), SIMCUDA_NARROW(logreg_value_v1), SIMCUDA_NARROW(logreg_value_v2),
    SIMCUDA_NARROW(logreg_fused_g4s2), SIMCUDA_NARROW(logreg_fused_g8s4), SIMCUDA_NARROW(logreg_fused_g2v1),
    SIMCUDA_NARROW(logreg_fused_g8v1), SIMCUDA_NARROW(logreg_value_g4s2), SIMCUDA_NARROW(logreg_value_g8s4),
    SIMCUDA_NARROW(logreg_value_g2v1), SIMCUDA_NARROW(logreg_value_g8v1),
    SIMCUDA_KERNEL(logreg_fused_bv1, 256), SIMCUDA_KERNEL(logreg_fused_bv2, 256),
    SIMCUDA_KERNEL(logreg_fused_bs4, 256), SIMCUDA_KERNEL(logreg_fused_bs8, 256), SIMCUDA_KERNEL(logreg_value_bv1, 256),
    SIMCUDA_KERNEL(logreg_value_bv2, 256), SIMCUDA_KERNEL(logreg_value_bs4, 256),
    SIMCUDA_KERNEL(logreg_value_bs8, 256),
    SIMCUDA_KERNEL(logreg_fused_bv4, 256), SIMCUDA_KERNEL(logreg_fused_wv4, 512), SIMCUDA_KERNEL(logreg_fused_wv8, 512),
    SIMCUDA_KERNEL(logreg_value_bv4, 256), SIMCUDA_KERNEL(logreg_value_wv4, 512), SIMCUDA_KERNEL(logreg_value_wv8, 512),
    SIMCUDA_KERNEL(logreg_fused_hv1, 128), SIMCUDA_KERNEL(logreg_value_hv1, 128),
    SIMCUDA_KERNEL(logreg_fused_wide, 256), SIMCUDA_KERNEL(logreg_fused_wide_global, 256),
    SIMCUDA_KERNEL(logreg_value_wide, 256), SIMCUDA_KERNEL(logreg_reduce_partials, LR_REDUCE_THREADS),
    SIMCUDA_KERNEL(logreg_margins, 1024), SIMCUDA_KERNEL(logreg_tp_residual, 256),
    SIMCUDA_KERNEL(logreg_tp_xtr, 1024), SIMCUDA_KERNEL(logreg_blas_residual, 256),
    SIMCUDA_KERNEL(logreg_weight_sum, 256), SIMCUDA_KERNEL(logreg_read_sum, 256),
    SIMCUDA_KERNEL(logreg_curvature, 1024), SIMCUDA_KERNEL(logreg_hessian_tiles, 256),
    SIMCUDA_KERNEL(logreg_softmax_fused, 256), SIMCUDA_KERNEL(logreg_softmax_value, 256),
    SIMCUDA_KERNEL(logreg_softmax_tiled_fused, LR_SOFTMAX_TILE_THREADS),
    SIMCUDA_KERNEL(logreg_softmax_tiled_value, LR_SOFTMAX_TILE_THREADS), SIMCUDA_KERNEL(logreg_softmax_margins, 1024),
    SIMCUDA_KERNEL(logreg_sparse_rows_g8, LR_SPARSE_THREADS), SIMCUDA_KERNEL(logreg_sparse_rows_g32, LR_SPARSE_THREADS),
    SIMCUDA_KERNEL(logreg_sparse_xtr_tiles, LR_XTR_THREADS), SIMCUDA_KERNEL(logreg_sparse_xtr_fixup, 1024),
    SIMCUDA_KERNEL(logreg_sparse_tile_columns, 1024), SIMCUDA_KERNEL(logreg_fill_ints, 1024),
    SIMCUDA_KERNEL(logreg_sparse_column_counts, 1024), SIMCUDA_KERNEL(logreg_sparse_remap, 1024),
    SIMCUDA_KERNEL(logreg_sparse_row_ids, 1024), SIMCUDA_KERNEL(logreg_sort_digit_counts, LR_SORT_THREADS),
    SIMCUDA_KERNEL(logreg_sort_scatter, LR_SORT_THREADS), SIMCUDA_KERNEL(logreg_sparse_softmax_rows_g8, LR_SPARSE_THREADS),
    SIMCUDA_KERNEL(logreg_sparse_softmax_rows_g32, LR_SPARSE_THREADS),
    SIMCUDA_KERNEL(logreg_column_moments, LR_MOMENTS_THREADS), SIMCUDA_KERNEL(logreg_column_moments_sum, LR_MOMENTS_THREADS),
};

bool imageHasEntry(const Module &m, const char *name) {
    if (m.fatbin) return m.image.find(std::string(name) + '\0') != std::string::npos;  // its ELF symbol tables
    return m.image.find(std::string(".entry ") + name + "(") != std::string::npos;
}

CUresult needContext(const char *call) {
    if (!initialized) {
        say("%s before cuInit", call);
        return NOT_INITIALIZED;
    }
    if (current == nullptr || !current->alive) {
        say("%s on a thread with no current context (cuCtxSetCurrent first)", call);
        return INVALID_CONTEXT;
    }
    return current->sticky;  // SUCCESS, or the sticky error that poisoned the context
}

#include "simcuda_streams.h"

void freeEverything() {
    releaseStreams();  // first: queued work must not run on memory freed below
    if (!allocations.empty() || !pinned.empty()) {
        say("primary context released with %zu device allocations (%zu bytes) and %zu pinned host allocations still live%s: freed",
            allocations.size(), allocatedBytes, pinned.size(), primary->sticky != 0 ? " (after a sticky error)" : "");
    }
    for (auto &a : allocations) guardedFree((void *)a.first);
    allocations.clear();
    allocatedBytes = 0;
    for (void *p : pinned) guardedFree(p);
    pinned.clear();
    for (Module *m : modules) delete m;
    modules.clear();
}

}  // namespace

#define API extern "C" __attribute__((visibility("default")))

API CUresult cuInit(unsigned flags) {
    std::lock_guard<std::mutex> g(lock);
    if (flags != 0) return INVALID_VALUE;
    if (envNumber("SIMCUDA_DEVICES", 1, true) == 0) return NO_DEVICE;  // what the driver says on a machine without a GPU
    initialized = true;
    return SUCCESS;
}

API CUresult cuDriverGetVersion(int *version) {
    if (version == nullptr) return INVALID_VALUE;
    *version = (int)envNumber("SIMCUDA_DRIVER_VERSION", 13000);
    return SUCCESS;
}

API CUresult cuDeviceGetCount(int *count) {
    std::lock_guard<std::mutex> g(lock);
    if (!initialized) return NOT_INITIALIZED;
    if (count == nullptr) return INVALID_VALUE;
    *count = (int)std::min(1ULL, envNumber("SIMCUDA_DEVICES", 1, true));
    return SUCCESS;
}

API CUresult cuDeviceGet(CUdevice *device, int ordinal) {
    std::lock_guard<std::mutex> g(lock);
    if (!initialized) return NOT_INITIALIZED;
    if (device == nullptr) return INVALID_VALUE;
    if (ordinal != 0 || envNumber("SIMCUDA_DEVICES", 1, true) == 0) return INVALID_DEVICE;
    *device = 0;
    return SUCCESS;
}

API CUresult cuDeviceGetName(char *name, int length, CUdevice device) {
    if (name == nullptr || length <= 0) return INVALID_VALUE;
    if (device != 0) return INVALID_DEVICE;
    std::snprintf(name, (size_t)length, "%s", DEVICE_NAME);
    return SUCCESS;
}

API CUresult cuDeviceGetAttribute(int *value, int attribute, CUdevice device) {
    if (value == nullptr) return INVALID_VALUE;
    if (device != 0) return INVALID_DEVICE;
    switch (attribute) {
        case ATTR_MAX_THREADS_PER_BLOCK: *value = 1024; return SUCCESS;
        case ATTR_MAX_SHARED_PER_BLOCK: *value = DEFAULT_SHARED; return SUCCESS;
        case ATTR_WARP_SIZE: *value = 32; return SUCCESS;
        case ATTR_SM_COUNT: *value = smCount(); return SUCCESS;
        case ATTR_CC_MAJOR: *value = 9; return SUCCESS;
        case ATTR_CC_MINOR: *value = 0; return SUCCESS;
        case ATTR_MAX_SHARED_PER_SM: *value = SHARED_PER_SM; return SUCCESS;
        case ATTR_MAX_SHARED_OPTIN: *value = OPTIN_SHARED; return SUCCESS;
        default: say("cuDeviceGetAttribute(%d) is not emulated", attribute); return NOT_SUPPORTED;
    }
}

API CUresult cuDevicePrimaryCtxRetain(CUcontext *context, CUdevice device) {
    std::lock_guard<std::mutex> g(lock);
    if (!initialized) return NOT_INITIALIZED;
    if (context == nullptr) return INVALID_VALUE;
    if (device != 0) return INVALID_DEVICE;
    if (primary == nullptr || !primary->alive) primary = new Context();  // the old one stays allocated: threads may name it
    primaryRefs++;
    *context = primary;
    return SUCCESS;
}

API CUresult cuDevicePrimaryCtxRelease_v2(CUdevice device) {
    std::lock_guard<std::mutex> g(lock);
    if (device != 0) return INVALID_DEVICE;
    if (primaryRefs == 0) {
        say("cuDevicePrimaryCtxRelease without a matching retain");
        return INVALID_CONTEXT;
    }
    if (--primaryRefs == 0) {
        freeEverything();
        primary->alive = false;
    }
    return SUCCESS;
}

API CUresult cuCtxSetCurrent(CUcontext context) {
    std::lock_guard<std::mutex> g(lock);
    if (context != nullptr && !context->alive) return INVALID_CONTEXT;
    current = context;
    return SUCCESS;
}

API CUresult cuCtxGetCurrent(CUcontext *context) {
    if (context == nullptr) return INVALID_VALUE;
    *context = current != nullptr && current->alive ? current : nullptr;
    return SUCCESS;
}

API CUresult cuCtxSynchronize() {
    std::lock_guard<std::mutex> g(lock);
    if (CUresult rc = needContext("cuCtxSynchronize")) return rc;
    return drainAll();
}

API CUresult cuModuleLoadDataEx(CUmodule *module, const void *image, unsigned numOptions, int *, void **) {
    std::lock_guard<std::mutex> g(lock);
    if (CUresult rc = needContext("cuModuleLoadDataEx")) return rc;
    if (module == nullptr || image == nullptr) return INVALID_VALUE;
    if (numOptions != 0) say("cuModuleLoadDataEx: %u JIT options ignored", numOptions);
    const unsigned char *bytes = static_cast<const unsigned char *>(image);
    std::string text;
    uint32_t magic;
    std::memcpy(&magic, bytes, 4);
    if (magic == 0xBA55ED50u) {  // fatbin: u32 magic, u16 version, u16 header size, u64 payload size
        uint16_t header;
        uint64_t payload;
        std::memcpy(&header, bytes + 6, 2);
        std::memcpy(&payload, bytes + 8, 8);
        text.assign(reinterpret_cast<const char *>(bytes), header + payload);
    } else {
        text.assign(reinterpret_cast<const char *>(bytes));
        if (text.find(".entry ") == std::string::npos) {
            say("cuModuleLoadDataEx: the image is neither a fatbin nor PTX with an .entry");
            return INVALID_IMAGE;
        }
    }
    Module *m = new Module{std::move(text), magic == 0xBA55ED50u};
    modules.insert(m);
    *module = m;
    return SUCCESS;
}

API CUresult cuModuleLoadData(CUmodule *module, const void *image) {
    return cuModuleLoadDataEx(module, image, 0, nullptr, nullptr);
}

API CUresult cuModuleUnload(CUmodule module) {
    std::lock_guard<std::mutex> g(lock);
    if (CUresult rc = needContext("cuModuleUnload")) return rc;
    if (modules.count(module) == 0) return INVALID_HANDLE;
    CUresult rc = drainAll();  // its kernels' queued launches run first
    modules.erase(module);
    delete module;
    return rc;
}

API CUresult cuModuleGetFunction(CUfunction *function, CUmodule module, const char *name) {
    std::lock_guard<std::mutex> g(lock);
    if (CUresult rc = needContext("cuModuleGetFunction")) return rc;
    if (function == nullptr || name == nullptr) return INVALID_VALUE;
    if (modules.count(module) == 0) return INVALID_HANDLE;
    if (!imageHasEntry(*module, name)) {
        say("cuModuleGetFunction: no entry point %s in the loaded image", name);
        return NOT_FOUND;
    }
    for (Function &f : kernels) {
        if (std::strcmp(f.name, name) == 0) {
            *function = &f;
            return SUCCESS;
        }
    }
    say("cuModuleGetFunction: %s is in the image but not in simcuda's kernel table (add it to simcuda.cpp)", name);
    return NOT_FOUND;
}

static bool knownFunction(CUfunction f) {
    for (Function &k : kernels) {
        if (&k == f) return true;
    }
    return false;
}

API CUresult cuFuncSetAttribute(CUfunction function, int attribute, int value) {
    std::lock_guard<std::mutex> g(lock);
    if (CUresult rc = needContext("cuFuncSetAttribute")) return rc;
    if (!knownFunction(function)) return INVALID_HANDLE;
    if (attribute != FUNC_ATTR_MAX_DYNAMIC_SHARED) {
        say("cuFuncSetAttribute(%s, %d) is not emulated", function->name, attribute);
        return NOT_SUPPORTED;
    }
    if (value < 0 || value > OPTIN_SHARED) return INVALID_VALUE;
    function->dynamicSharedLimit = value;
    return SUCCESS;
}

// {"logreg_fused_s2", 91}, ...: generated by simcuda.sh from kernels/ptxas-sm90.txt.
struct KernelRegisters {
    const char *name;
    int registers;
};
const KernelRegisters REGISTERS_SM90[] = {
#include "registers.inc"
};

/** Registers a thread of {@code kernel} on sm_90; 255 (the most a thread can have) where the report lacks it. */
int registersOf(const char *kernel) {
    for (const KernelRegisters &k : REGISTERS_SM90) {
        if (std::strcmp(k.name, kernel) == 0) return k.registers;
    }
    say("occupancy: no sm_90 register count for %s in ptxas-sm90.txt; assuming 255", kernel);
    return 255;
}

API CUresult cuOccupancyMaxActiveBlocksPerMultiprocessor(int *blocks, CUfunction function, int blockSize, size_t smem) {
    std::lock_guard<std::mutex> g(lock);
    if (CUresult rc = needContext("cuOccupancyMaxActiveBlocksPerMultiprocessor")) return rc;
    if (blocks == nullptr || !knownFunction(function)) return INVALID_VALUE;
    if (blockSize <= 0 || blockSize > function->maxThreads) {
        *blocks = 0;
        return SUCCESS;
    }
    // The H100's limits: 65536 registers an SM, allocated to warps in units of 256 (8 a thread), 64 warps, 32 blocks,
    // 228 KiB shared; each kernel's registers a thread are its sm_90 count from the committed ptxas report.
    const int warpsPerBlock = (blockSize + 31) / 32;
    const int regsPerWarp = (registersOf(function->name) + 7) / 8 * 8 * 32;
    const int warpsByRegisters = 65536 / regsPerWarp;
    int n = std::min(32, std::min(64 / warpsPerBlock, warpsByRegisters / warpsPerBlock));
    if (smem > 0) n = std::min<int>(n, (int)(SHARED_PER_SM / (smem + 1024)));
    *blocks = std::max(0, n);
    return SUCCESS;
}

API CUresult cuLaunchKernel(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                            unsigned smem, CUstream stream, void **params, void **extra) {
    std::lock_guard<std::mutex> g(lock);
    if (CUresult rc = needContext("cuLaunchKernel")) return rc;
    if (!knownFunction(f)) return INVALID_HANDLE;
    Stream *s = streamOf(stream);
    if (s == nullptr) return INVALID_HANDLE;
    if (params == nullptr || extra != nullptr) {
        say("cuLaunchKernel(%s): kernelParams must be given and extra null", f->name);
        return INVALID_VALUE;
    }
    if (gx == 0 || gy != 1 || gz != 1 || by != 1 || bz != 1) {
        say("cuLaunchKernel(%s): grid %ux%ux%u, block %ux%ux%u: the emulation takes 1-D launches only", f->name, gx, gy, gz, bx, by, bz);
        return INVALID_VALUE;
    }
    if (bx == 0 || bx % 32 != 0 || (int)bx > f->maxThreads) {
        say("cuLaunchKernel(%s): block of %u threads (must be a multiple of 32, at most %d)", f->name, bx, f->maxThreads);
        return INVALID_VALUE;
    }
    if ((int)smem > f->dynamicSharedLimit) {
        say("cuLaunchKernel(%s): %u bytes of dynamic shared memory, %d allowed (cuFuncSetAttribute raises it)", f->name, smem,
            f->dynamicSharedLimit);
        return INVALID_VALUE;
    }
    char call[160];
    std::snprintf(call, sizeof call, "cuLaunchKernel(%s)", f->name);
    if (faultRequested(FAULT_LAUNCH, call)) {
        current->sticky = LAUNCH_FAILED;  // as after a device fault: the context is unusable from now on
        discardQueues();
        return LAUNCH_FAILED;
    }
    Op op{Op::LAUNCH, call};
    op.function = f;
    if (!f->prepare(*f, gx, bx, smem, params, &op.kernel)) return INVALID_VALUE;
    if (envNumber("SIMCUDA_CORRUPT_SUMS", 0, true) != 0 && std::strcmp(f->name, "logreg_reduce_partials") == 0) {
        double *out = *static_cast<double **>(params[3]);
        const int width = *static_cast<int *>(params[2]);
        op.kernel = [run = std::move(op.kernel), out, width] {
            run();
            for (int j = 0; j < width; j++) out[j] *= 1.0 + 1e-3 * (j + 1);  // not uniform: the ratios the host forms change
        };
    }
    return enqueue(s, std::move(op));  // runs at the stream's next synchronization point
}

API CUresult cuMemAlloc_v2(CUdeviceptr *p, size_t bytes) {
    std::lock_guard<std::mutex> g(lock);
    if (CUresult rc = needContext("cuMemAlloc")) return rc;
    if (p == nullptr || bytes == 0) return INVALID_VALUE;
    if (faultRequested(FAULT_ALLOC, "cuMemAlloc")) return OUT_OF_MEMORY;
    if (bytes > totalMemory() - allocatedBytes) return OUT_OF_MEMORY;
    void *m = guardedAlloc(bytes);
    if (m == nullptr) return OUT_OF_MEMORY;
    allocations[(unsigned long long)m] = bytes;
    allocatedBytes += bytes;
    *p = (unsigned long long)m;
    return SUCCESS;
}

API CUresult cuMemFree_v2(CUdeviceptr p) {
    std::lock_guard<std::mutex> g(lock);
    if (CUresult rc = needContext("cuMemFree")) return rc;
    auto it = allocations.find(p);
    if (it == allocations.end()) {
        say("cuMemFree(0x%llx): not the start of a live allocation", p);
        return INVALID_VALUE;
    }
    CUresult rc = drainAll();  // as the driver, it waits for the device: queued work using it runs first
    allocatedBytes -= it->second;
    guardedFree((void *)p);
    allocations.erase(it);
    return rc;
}

API CUresult cuMemGetInfo_v2(size_t *free, size_t *total) {
    std::lock_guard<std::mutex> g(lock);
    if (CUresult rc = needContext("cuMemGetInfo")) return rc;
    if (free == nullptr || total == nullptr) return INVALID_VALUE;
    *total = totalMemory();
    *free = *total - allocatedBytes;
    return SUCCESS;
}

static CUresult hostAlloc(const char *call, void **p, size_t bytes) {
    std::lock_guard<std::mutex> g(lock);
    if (CUresult rc = needContext(call)) return rc;
    if (p == nullptr || bytes == 0) return INVALID_VALUE;
    if (faultRequested(FAULT_HOST_ALLOC, call)) return OUT_OF_MEMORY;
    void *m = guardedAlloc(bytes);
    if (m == nullptr) return OUT_OF_MEMORY;
    pinned.insert(m);
    *p = m;
    return SUCCESS;
}

API CUresult cuMemAllocHost_v2(void **p, size_t bytes) { return hostAlloc("cuMemAllocHost", p, bytes); }

API CUresult cuMemHostAlloc(void **p, size_t bytes, unsigned) { return hostAlloc("cuMemHostAlloc", p, bytes); }

API CUresult cuMemFreeHost(void *p) {
    std::lock_guard<std::mutex> g(lock);
    if (CUresult rc = needContext("cuMemFreeHost")) return rc;
    if (pinned.count(p) == 0) {
        say("cuMemFreeHost(%p): not live pinned host memory", p);
        return INVALID_VALUE;
    }
    CUresult rc = drainAll();  // as the driver, it waits for the device: a queued copy from it runs first
    pinned.erase(p);
    guardedFree(p);
    return rc;
}

/* The checks every copy makes at its call: the device side(s) inside one live allocation. */
static CUresult checkCopy(const char *call, void *dst, const void *src, size_t bytes, bool dstDevice, bool srcDevice) {
    if (dst == nullptr || src == nullptr) return INVALID_VALUE;
    if (bytes == 0) return SUCCESS;
    if (dstDevice && holding((unsigned long long)dst, bytes) == allocations.end()) {
        say("%s: destination [%p, +%zu) is not inside one live device allocation", call, dst, bytes);
        return INVALID_VALUE;
    }
    if (srcDevice && holding((unsigned long long)src, bytes) == allocations.end()) {
        say("%s: source [%p, +%zu) is not inside one live device allocation", call, src, bytes);
        return INVALID_VALUE;
    }
    return SUCCESS;
}

/* A synchronous copy: work on the legacy default stream, after every blocking stream's earlier work, done at the call. */
static CUresult copy(const char *call, void *dst, const void *src, size_t bytes, bool dstDevice, bool srcDevice) {
    std::lock_guard<std::mutex> g(lock);
    if (CUresult rc = needContext(call)) return rc;
    if (CUresult rc = checkCopy(call, dst, src, bytes, dstDevice, srcDevice)) return rc;
    if (bytes == 0) return SUCCESS;
    CUresult earlier = drainForLegacy();
    if (faultRequested(FAULT_COPY, call)) return INVALID_VALUE;
    std::memmove(dst, src, bytes);
    return earlier;
}

API CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src, size_t bytes) {
    return copy("cuMemcpyHtoD", (void *)dst, src, bytes, true, false);
}

API CUresult cuMemcpyDtoH_v2(void *dst, CUdeviceptr src, size_t bytes) {
    return copy("cuMemcpyDtoH", dst, (const void *)src, bytes, false, true);
}

API CUresult cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes) {
    return copy("cuMemcpyDtoD", (void *)dst, (const void *)src, bytes, true, true);
}

static const char *errorName(CUresult rc) {
    switch (rc) {
        case SUCCESS: return "CUDA_SUCCESS";
        case INVALID_VALUE: return "CUDA_ERROR_INVALID_VALUE";
        case OUT_OF_MEMORY: return "CUDA_ERROR_OUT_OF_MEMORY";
        case NOT_INITIALIZED: return "CUDA_ERROR_NOT_INITIALIZED";
        case NO_DEVICE: return "CUDA_ERROR_NO_DEVICE";
        case INVALID_DEVICE: return "CUDA_ERROR_INVALID_DEVICE";
        case INVALID_IMAGE: return "CUDA_ERROR_INVALID_IMAGE";
        case INVALID_CONTEXT: return "CUDA_ERROR_INVALID_CONTEXT";
        case INVALID_HANDLE: return "CUDA_ERROR_INVALID_HANDLE";
        case NOT_FOUND: return "CUDA_ERROR_NOT_FOUND";
        case NOT_READY: return "CUDA_ERROR_NOT_READY";
        case HOST_MEMORY_ALREADY_REGISTERED: return "CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED";
        case HOST_MEMORY_NOT_REGISTERED: return "CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED";
        case LAUNCH_FAILED: return "CUDA_ERROR_LAUNCH_FAILED";
        case NOT_SUPPORTED: return "CUDA_ERROR_NOT_SUPPORTED";
        default: return nullptr;
    }
}

API CUresult cuGetErrorName(CUresult rc, const char **name) {
    if (name == nullptr) return INVALID_VALUE;
    *name = errorName(rc);
    return *name == nullptr ? INVALID_VALUE : SUCCESS;
}

API CUresult cuGetErrorString(CUresult rc, const char **text) { return cuGetErrorName(rc, text); }

#include "simcuda_streams_api.h"

/* Every other function JCuda imports (generated by simcuda.sh from jcuda-12.6.0-driver-imports.txt). */
#include "stubs.inc"
