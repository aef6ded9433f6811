/*
 * emulate_test.cpp - runs every logreg kernel on the CPU under simt.h (one host thread per CUDA thread) and checks
 * its sums against plain host loops: the fused and value-only passes of every layout (each narrow variant, the wide
 * shared-memory and global-accumulator paths), the two-pass path, the cuBLAS residual step, margins, weight and read
 * sums, the Hessian's curvature and tile kernels, the ordered reduction, and the softmax kernels (small-K and tiled
 * layouts, value-only twins, K margins, against long double sums); several grid sizes, row ranges, weights. Also checks that two runs are
 * bit-identical, all of it under two thread schedules (first to last, last to first). This verifies indexing,
 * partitions, reductions and barriers without a GPU (the arithmetic is the host's).
 * Build: g++ -std=c++17 -O1 emulate_test.cpp. Exit status 0 when every check passes.
 */
#include "simt.h"
#include "../../../main/cuda/logreg.cu"

#include <cstdio>
#include <cstring>
#include <random>
#include <string>

static int failures = 0;
static int checks = 0;

struct Data {
    long long m;
    int n;
    std::vector<float> x, y, w;
    bool weighted;
};

static Data make(long long m, int n, bool weighted, unsigned seed) {
    std::mt19937_64 g(seed);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    Data d{m, n, {}, {}, {}, weighted};
    d.x.resize(m * n);
    d.y.resize(m);
    d.w.resize(m);
    for (auto &v : d.x) v = (float)(2 * u(g));
    for (long long i = 0; i < m; i++) {
        d.y[i] = u(g) > 0 ? 1.0f : 0.0f;
        d.w[i] = weighted ? (i % 13 == 0 ? 0.0f : (float)(1.5 + u(g))) : 1.0f;
    }
    return d;
}

/* Host sums over [from, to): slot 0 loss, 1 weight, 2 residual, 3.. gradient; long double accumulation. */
static std::vector<long double> host_sums(const Data &d, const std::vector<double> &p, long long from, long long to, int loss) {
    std::vector<long double> s(d.n + 3, 0.0L);
    for (long long i = from; i < to; i++) {
        long double z = p[d.n];
        for (int j = 0; j < d.n; j++) z += (long double)p[j] * d.x[i * d.n + j];
        double v;
        double dd = lr_loss_and_derivative(loss, d.y[i], (double)z, &v);
        long double w = d.w[i];
        s[0] += w * v;
        s[1] += w;
        s[2] += w * dd;
        for (int j = 0; j < d.n; j++) s[3 + j] += w * dd * d.x[i * d.n + j];
    }
    return s;
}

static void expect(bool ok, const std::string &what) {
    checks++;
    if (!ok) {
        failures++;
        printf("FAIL %s\n", what.c_str());
    }
}

static void compare(const std::vector<double> &got, const std::vector<long double> &want, int width, const std::string &what) {
    long double scale = 0;
    for (int c = 0; c < width; c++) scale = std::max(scale, fabsl(want[c]));
    for (int c = 0; c < width; c++) {
        long double err = fabsl((long double)got[c] - want[c]);
        if (!(err <= 1e-12L * (scale + 1))) {
            expect(false, what + " slot " + std::to_string(c) + ": got " + std::to_string(got[c]) + " want " + std::to_string((double)want[c]));
            return;
        }
    }
    expect(true, what);
}

static std::vector<double> reduce(const std::vector<double> &partial, long long rows, int width) {
    std::vector<double> out(width, std::nan(""));
    const int cw = lr_reduce_columns(width);
    unsigned grid = (width + cw - 1) / cw;
    simt_launch(grid, LR_REDUCE_THREADS, 0, [&] { logreg_reduce_partials(partial.data(), rows, width, out.data()); });
    return out;
}

typedef void (*Kernel)(const float *, const float *, const float *, long long, long long, int, const double *, int, double *);

/* The narrow entry point for n (and in *pf its prefetching twin), or null where n is too wide. */
static const char *narrow(int n, bool grad, Kernel *k, Kernel *pf) {
    struct E { int maxn; bool vec; Kernel fg, fv, fgp, fvp; const char *name; };
#define LR_E(MAXN, VEC, V) {MAXN, VEC, logreg_fused_##V, logreg_value_##V, logreg_fused_##V##_pf, logreg_value_##V##_pf, #V}
    // The same choice as FusedKernelTable.narrowKernel: the first entry that fits.
    static const E table[] = {LR_E(8, true, g2v1),  LR_E(32, true, g8v1),  LR_E(128, true, v1),
                              LR_E(256, true, v2),  LR_E(8, false, g4s2),  LR_E(32, false, g8s4),
                              LR_E(64, false, s2),  LR_E(128, false, s4),  LR_E(256, false, s8)};
#undef LR_E
    for (const E &e : table) {
        if (e.vec && n % 4 != 0) continue;
        if (n <= e.maxn) {
            *k = grad ? e.fg : e.fv;
            *pf = grad ? e.fgp : e.fvp;
            return e.name;
        }
    }
    return nullptr;
}

/*
 * The block entry point for n (512 < n <= 16,384; past 2,048 only n % 4 == 0, which the host pads to; hv1 for
 * 256 < n <= 512, n % 4 == 0, which CudaOptions.mediumRowBlocks selects), its T, its
 * threads a block and its dynamic shared memory (bytes); null elsewhere. The same choice as FusedKernelTable.blockKernel
 * and FusedPlan.blockPlan.
 */
static const char *block(int n, bool grad, Kernel *k, int *rowsAtATime, int *threads, int *smem) {
    struct E { int maxn; bool vec; Kernel fg, fv; int t, threads, accColumns; const char *name; };
#define LR_E(MAXN, VEC, V, T, THREADS, ACC) {MAXN, VEC, logreg_fused_##V, logreg_value_##V, T, THREADS, ACC, #V}
    static const E table[] = {LR_E(512, true, hv1, 8, 128, 0),
                              LR_E(1024, true, bv1, 8, 256, 0),  LR_E(2048, true, bv2, 2, 256, 0),
                              LR_E(1024, false, bs4, 8, 256, 0), LR_E(2048, false, bs8, 2, 256, 0),
                              LR_E(4096, true, bv4, 1, 256, 0),  LR_E(8192, true, wv4, 1, 512, 0),
                              LR_E(16384, true, wv8, 1, 512, 32)};
#undef LR_E
    if (n <= 256 || n > 16384) return nullptr;
    for (const E &e : table) {
        if ((e.maxn == 512) != (n <= 512)) continue;  // hv1 alone below 513 columns, and only there
        if (e.vec && n % 4 != 0) continue;
        if (n <= e.maxn) {
            *k = grad ? e.fg : e.fv;
            *rowsAtATime = e.t;
            *threads = e.threads;
            *smem = 8 * ((e.threads / 32 + 1) * e.t + (grad ? e.accColumns * e.threads : 0));
            return e.name;
        }
    }
    return nullptr;
}

static void all_checks() {
    // Every layout, full and partly filled: g4s2 (5, 8 scalar), g2v1 (4, 8), g8s4 (19, 31), g8v1 (12, 32), s2, v1, v2,
    // s4, s8, the block path (bv1 516 and 1000, bs4 513 and 1001, bv2 2048, bs8 2047; bv4 2052, 3000, 4096; wv4 4100,
    // 8192; wv8 8196, 16384; hv1 300, 512; 2049 and 257 only the wide paths, the host pads it to 2052) and the wide paths (shared-memory
    // and global accumulators: every n > 256 runs them too; the Java side picks the shared one for 257 .. 512).
    const int ns[] = {4, 5, 7, 8, 12, 19, 31, 32, 33, 100, 127, 128, 200, 255, 257, 300, 513, 516, 1000, 1001, 2047, 2048,
                      2049, 2052, 3000, 4096, 4100, 8192, 8196, 16384, 512};
    const unsigned grids[] = {3};  // every warp takes several steps (see below for warps with no row)
    for (int n : ns) {
        for (int weighted = n == 7 ? 0 : 1; weighted <= 1; weighted++) {  // unweighted (null W) once: it is one branch
            Data d = make(203, n, weighted, 1000u * n + weighted);
            std::vector<double> p(n + 1);
            std::mt19937_64 g(n);
            std::uniform_real_distribution<double> u(-1.0, 1.0);
            for (auto &v : p) v = u(g) / std::sqrt((double)n);
            const float *W = weighted ? d.w.data() : nullptr;
            const int loss = (n % 2 == 0) ? LOGREG_LOSS_MSE : LOGREG_LOSS_LOG;
            const long long ranges[][2] = {{0, d.m}, {17, 190}};
            for (auto &r : ranges) {
                std::vector<long double> want = host_sums(d, p, r[0], r[1], loss);
                for (unsigned grid : grids) {
                    std::string tag = "n=" + std::to_string(n) + (weighted ? " weighted" : "") + " rows [" + std::to_string(r[0]) + "," +
                                      std::to_string(r[1]) + ") grid " + std::to_string(grid);
                    const int width = n + 3;
                    // fused, value-only
                    for (int grad = 1; grad >= 0; grad--) {
                        Kernel k, kpf;
                        const char *name = narrow(n, grad, &k, &kpf);
                        int wd = grad ? width : 2;
                        std::vector<double> partial;
                        long long rows;
                        if (name) {
                            partial.assign((size_t)grid * wd, std::nan(""));
                            simt_launch(grid, 256, 8 * wd * 8, [&] { k(d.x.data(), d.y.data(), W, r[0], r[1], n, p.data(), loss, partial.data()); });
                            rows = grid;
                        } else {
                            int warps = grad ? 3 : 8;  // a block of 3 warps (not a power of two) for the shared-memory path
                            partial.assign((size_t)grid * wd, std::nan(""));
                            simt_launch(grid, 32 * warps, warps * wd * 8, [&] {
                                (grad ? logreg_fused_wide : logreg_value_wide)(d.x.data(), d.y.data(), W, r[0], r[1], n, p.data(), loss, partial.data());
                            });
                            rows = grid;
                            name = "wide";
                        }
                        std::vector<double> got = reduce(partial, rows, wd);
                        compare(got, want, wd, std::string(grad ? "fused " : "value ") + name + " " + tag);
                        // bit-identical on a second run
                        std::vector<double> again(partial.size(), std::nan(""));
                        if (name[0] != 'w') {
                            simt_launch(grid, 256, 8 * wd * 8, [&] { k(d.x.data(), d.y.data(), W, r[0], r[1], n, p.data(), loss, again.data()); });
                            expect(std::memcmp(again.data(), partial.data(), 8 * partial.size()) == 0, std::string("bit-identical ") + name + " " + tag);
                            std::vector<double> prefetched(partial.size(), std::nan(""));
                            simt_launch(grid, 256, 8 * wd * 8, [&] { kpf(d.x.data(), d.y.data(), W, r[0], r[1], n, p.data(), loss, prefetched.data()); });
                            expect(std::memcmp(prefetched.data(), partial.data(), 8 * partial.size()) == 0,
                                   std::string("prefetching twin bit-identical ") + name + "_pf " + tag);
                        }
                    }
                    // block path (256 < n <= 2048): one partial row per block, bit-identical on a second run
                    for (int grad = 1; grad >= 0; grad--) {
                        Kernel k;
                        int t, threads, smem;
                        const char *name = block(n, grad, &k, &t, &threads, &smem);
                        if (!name) continue;
                        int wd = grad ? width : 2;
                        std::vector<double> partial((size_t)grid * wd, std::nan(""));
                        simt_launch(grid, threads, smem, [&] { k(d.x.data(), d.y.data(), W, r[0], r[1], n, p.data(), loss, partial.data()); });
                        compare(reduce(partial, grid, wd), want, wd, std::string(grad ? "fused " : "value ") + name + " " + tag);
                        std::vector<double> again(partial.size(), std::nan(""));
                        simt_launch(grid, threads, smem, [&] { k(d.x.data(), d.y.data(), W, r[0], r[1], n, p.data(), loss, again.data()); });
                        expect(std::memcmp(again.data(), partial.data(), 8 * partial.size()) == 0, std::string("bit-identical ") + name + " " + tag);
                    }
                    if (n > 256) {  // wide global-accumulator path: one partial row per warp
                        std::vector<double> partial((size_t)grid * 8 * width, std::nan(""));
                        simt_launch(grid, 256, 0, [&] { logreg_fused_wide_global(d.x.data(), d.y.data(), W, r[0], r[1], n, p.data(), loss, partial.data()); });
                        compare(reduce(partial, grid * 8LL, width), want, width, "fused wide_global " + tag);
                    }
                    // two-pass
                    {
                        std::vector<double> partial((size_t)grid * width, std::nan(""));
                        std::vector<double> rbuf(r[1] - r[0], std::nan(""));
                        simt_launch(grid, 256, 0, [&] { logreg_tp_residual(d.x.data(), d.y.data(), W, r[0], r[1], n, p.data(), loss, rbuf.data(), partial.data()); });
                        unsigned block = std::min(256, (n + 31) / 32 * 32);
                        simt_launch(grid, block, 0, [&] { logreg_tp_xtr(d.x.data(), r[0], r[1], n, rbuf.data(), partial.data()); });
                        compare(reduce(partial, grid, width), want, width, "two-pass " + tag);
                    }
                    // cuBLAS residual step, given float32 z computed here as Sgemv would
                    {
                        long long count = r[1] - r[0];
                        std::vector<float> zf(count), rf(count);
                        for (long long i = 0; i < count; i++) {
                            double z = 0;
                            for (int j = 0; j < n; j++) z += p[j] * d.x[(r[0] + i) * n + j];
                            zf[i] = (float)z;
                        }
                        std::vector<double> partial((size_t)grid * 3, std::nan(""));
                        simt_launch(grid, 256, 0, [&] { logreg_blas_residual(zf.data(), d.y.data(), W, r[0], count, p.data(), n, loss, rf.data(), partial.data()); });
                        std::vector<double> got = reduce(partial, grid, 3);
                        long double gw = 0;
                        for (long long i = r[0]; i < r[1]; i++) gw += d.w[i];
                        expect(fabsl(got[1] - gw) <= 1e-12L * gw, "blas residual weight sum " + tag);
                        expect(fabsl(got[0] - want[0]) <= 1e-5L * fabsl(want[0]), "blas residual loss (float32 z) " + tag);
                    }
                    // margins, weight sum
                    {
                        std::vector<double> z(r[1] - r[0], std::nan(""));
                        simt_launch(grid, 256, 0, [&] { logreg_margins(d.x.data(), r[0], r[1], n, p.data(), z.data()); });
                        bool ok = true;
                        for (long long i = r[0]; i < r[1] && ok; i++) {
                            long double zz = p[n];
                            for (int j = 0; j < n; j++) zz += (long double)p[j] * d.x[i * n + j];
                            ok = fabsl(z[i - r[0]] - zz) <= 1e-12L * (1 + fabsl(zz));
                        }
                        expect(ok, "margins " + tag);
                        if (weighted) {
                            std::vector<double> partial(grid, std::nan(""));
                            simt_launch(grid, 256, 0, [&] { logreg_weight_sum(W, r[0], r[1], partial.data()); });
                            compare(reduce(partial, grid, 1), std::vector<long double>{want[1]}, 1, "weight sum " + tag);
                        }
                    }
                }
            }
            // read-only pass over all of X (largest multiple of 4 floats)
            long long count = (d.m * n) & ~3LL;
            long double s = 0;
            for (long long i = 0; i < count; i++) s += d.x[i];
            std::vector<double> partial(2, std::nan(""));
            simt_launch(2, 256, 0, [&] { logreg_read_sum(d.x.data(), count, partial.data()); });
            compare(reduce(partial, 2, 1), std::vector<long double>{s}, 1, "read sum n=" + std::to_string(n));
        }
    }
    // Narrow kernels on 9 blocks: some warps get no row at all, others one step (the prefetch's edges).
    for (int n : {7, 33, 100, 128, 200, 255}) {
        Data d = make(203, n, true, 77u * n);
        std::vector<double> p(n + 1);
        for (int j = 0; j <= n; j++) p[j] = std::sin(j + 1.0) / std::sqrt((double)n);
        for (int grad = 1; grad >= 0; grad--) {
            Kernel k, kpf;
            const char *name = narrow(n, grad, &k, &kpf);
            const int wd = grad ? n + 3 : 2;
            std::vector<double> a((size_t)9 * wd, std::nan("")), b((size_t)9 * wd, std::nan(""));
            simt_launch(9, 256, 8 * wd * 8, [&] { k(d.x.data(), d.y.data(), d.w.data(), 0, d.m, n, p.data(), LOGREG_LOSS_LOG, a.data()); });
            simt_launch(9, 256, 8 * wd * 8, [&] { kpf(d.x.data(), d.y.data(), d.w.data(), 0, d.m, n, p.data(), LOGREG_LOSS_LOG, b.data()); });
            const std::string tag = std::string(grad ? "fused " : "value ") + name + " n=" + std::to_string(n) + " grid 9";
            compare(reduce(a, 9, wd), host_sums(d, p, 0, d.m, LOGREG_LOSS_LOG), wd, tag);
            expect(std::memcmp(a.data(), b.data(), 8 * a.size()) == 0, tag + ": prefetching twin bit-identical");
        }
    }
    // The Hessian: curvature, tiles over 3 row chunks (the last one short), the chunks reduced in order, against a
    // long double (1/M) sum c_i x~ x~^T, both losses; n = 31 fills one tile with the intercept, 32 spills it into a
    // second, 70 needs three tiles a side (6 pairs).
    for (int n : {1, 31, 32, 70}) {
        for (int loss = LOGREG_LOSS_LOG; loss <= LOGREG_LOSS_MSE; loss++) {
            Data d = make(203, n, true, 91u * n + loss);
            std::vector<double> p(n + 1);
            for (int j = 0; j <= n; j++) p[j] = std::cos(j + 2.0) / std::sqrt((double)n);
            std::vector<double> c(d.m, std::nan(""));
            simt_launch(5, 256, 0, [&] { logreg_curvature(d.x.data(), d.y.data(), d.w.data(), 0, d.m, n, p.data(), loss, c.data()); });
            const int dim = n + 1;
            const int tiles = (dim + LR_HESSIAN_TILE - 1) / LR_HESSIAN_TILE;
            const int pairs = tiles * (tiles + 1) / 2;
            const long long chunkRows = 96;  // 3 chunks of 203 rows: 96, 96, 11
            const long long chunks = (d.m + chunkRows - 1) / chunkRows;
            const int width = pairs * LR_HESSIAN_TILE * LR_HESSIAN_TILE;
            std::vector<double> partial((size_t)chunks * width, std::nan(""));
            simt_launch((unsigned)(pairs * chunks), 256, 0, [&] {
                logreg_hessian_tiles(d.x.data(), c.data(), d.m, n, tiles, chunkRows, partial.data());
            });
            std::vector<double> sums = reduce(partial, chunks, width);
            std::vector<long double> want(width, 0.0L);
            std::vector<long double> ci(d.m);  // w_i l''(y_i, z_i), z_i in long double
            for (long long i = 0; i < d.m; i++) {
                long double z = p[n];
                for (int j = 0; j < n; j++) z += (long double)p[j] * d.x[i * n + j];
                ci[i] = (long double)d.w[i] * lr_second_derivative(loss, d.y[i], (double)z);
            }
            int pp = 0;
            for (int I = 0; I < tiles; I++) {
                for (int J = I; J < tiles; J++, pp++) {
                    for (int a = 0; a < LR_HESSIAN_TILE; a++) {
                        for (int b = 0; b < LR_HESSIAN_TILE; b++) {
                            const int ra = I * LR_HESSIAN_TILE + a, cb = J * LR_HESSIAN_TILE + b;
                            const int slot = pp * LR_HESSIAN_TILE * LR_HESSIAN_TILE + LR_HESSIAN_TILE * a + b;
                            if (ra > n || cb > n) continue;  // padding: must be 0 (checked against want = 0)
                            long double h = 0;
                            for (long long i = 0; i < d.m; i++) {
                                const long double xa = ra < n ? d.x[i * n + ra] : 1.0L, xb = cb < n ? d.x[i * n + cb] : 1.0L;
                                h += ci[i] * xa * xb;
                            }
                            want[slot] = h;
                        }
                    }
                }
            }
            compare(sums, want, width, "hessian n=" + std::to_string(n) + (loss == LOGREG_LOSS_MSE ? " mse" : " log"));
            std::vector<double> again((size_t)chunks * width, std::nan(""));
            simt_launch((unsigned)(pairs * chunks), 256, 0, [&] {
                logreg_hessian_tiles(d.x.data(), c.data(), d.m, n, tiles, chunkRows, again.data());
            });
            expect(std::memcmp(again.data(), partial.data(), 8 * partial.size()) == 0, "hessian bit-identical n=" + std::to_string(n));
        }
    }
    // The reduction alone: widths around the 32-column block and rows around the row lanes, against a long double
    // sum (value) and against the kernel's documented order redone on the host (bits).
    for (int width : {1, 2, 3, 7, 31, 32, 33, 64, 131, 300}) {
        for (long long rows : {1LL, 2LL, 7LL, 8LL, 9LL, 255LL, 256LL, 257LL, 1000LL}) {
            std::mt19937_64 g(width * 7919ULL + rows);
            std::uniform_real_distribution<double> u(-1.0, 1.0);
            std::vector<double> partial(rows * width);
            for (auto &v : partial) v = u(g) * 1e3;
            std::vector<double> got = reduce(partial, rows, width);
            std::vector<long double> want(width, 0.0L);
            for (long long b = 0; b < rows; b++)
                for (int c = 0; c < width; c++) want[c] += partial[b * width + c];
            const std::string tag = "reduce width=" + std::to_string(width) + " rows=" + std::to_string(rows);
            compare(got, want, width, tag);
            const int cw = lr_reduce_columns(width);
            int lanes = 1;
            while (2 * lanes * cw <= LR_REDUCE_THREADS) lanes *= 2;
            bool same = true;
            for (int c = 0; c < width; c++) {
                std::vector<double> lane(lanes, 0.0);
                for (int l = 0; l < lanes; l++)
                    for (long long b = l; b < rows; b += lanes) lane[l] += partial[b * width + c];
                for (int h = lanes / 2; h > 0; h /= 2)
                    for (int l = 0; l < h; l++) lane[l] += lane[l + h];
                if (std::memcmp(&lane[0], &got[c], sizeof(double)) != 0) same = false;
            }
            expect(same, tag + ": the documented order, bit for bit");
        }
    }
}

/* Host sums of the softmax data term over [from, to), long double: slot 0 loss, 1 weight, 2 + c (n + 1) + j gradient. */
static std::vector<long double> softmax_host_sums(const Data &d, int k, const std::vector<double> &p, long long from, long long to) {
    const int n = d.n, stride = n + 1;
    std::vector<long double> s(2 + (size_t)k * stride, 0.0L), z(k);
    for (long long i = from; i < to; i++) {
        long double m = -INFINITY;
        for (int c = 0; c < k; c++) {
            long double a = p[c * stride + n];
            for (int j = 0; j < n; j++) a += (long double)p[c * stride + j] * d.x[i * n + j];
            z[c] = a;
            m = std::max(m, a);
        }
        long double e = 0;
        for (int c = 0; c < k; c++) e += expl(z[c] - m);
        const int y = (int)d.y[i];
        const long double w = d.w[i];
        s[0] += w * ((m - z[y]) + logl(e));
        s[1] += w;
        for (int c = 0; c < k; c++) {
            const long double r = w * (expl(z[c] - m) / e - (c == y ? 1.0L : 0.0L));
            for (int j = 0; j < n; j++) s[2 + c * stride + j] += r * d.x[i * n + j];
            s[2 + c * stride + n] += r;
        }
    }
    return s;
}

/*
 * The softmax kernels (softmax.cu): the small-K layout (8 warps and 3, a block that is not a power of two) and the
 * tiled one, fused and value-only, margins; K across the small bound (3, 10, 16; the tiled layout also 17, 40, 100),
 * widths inside one lane's columns and past them, row ranges with a short last tile, weights; a second run
 * bit-identical.
 */
static void softmax_checks() {
    for (int n : {5, 33, 128, 300}) {
        for (int k : {3, 10, 16, 17, 40, 100}) {
            if (n == 300 && k > 17) continue;  // the tiled layout's width is covered; keep the emulation short
            Data d = make(203, n, true, 31u * n + k);
            std::mt19937_64 g(7u * n + k);
            std::uniform_real_distribution<double> u(-1.0, 1.0);
            for (long long i = 0; i < d.m; i++) d.y[i] = (float)(g() % k);
            const int stride = n + 1;
            const int slots = k * stride;
            std::vector<double> p(slots);
            for (auto &v : p) v = 2 * u(g) / std::sqrt((double)n);
            const long long ranges[][2] = {{0, d.m}, {17, 190}};
            for (auto &r : ranges) {
                const std::vector<long double> want = softmax_host_sums(d, k, p, r[0], r[1]);
                const std::string tag = "softmax n=" + std::to_string(n) + " K=" + std::to_string(k) + " rows [" + std::to_string(r[0]) +
                                        "," + std::to_string(r[1]) + ")";
                const unsigned grid = 3;
                const int width = 2 + slots;
                if (k <= LR_SOFTMAX_SMALL_K && n <= LR_SOFTMAX_SMALL_COLS) {
                    for (int warps : {8, 3}) {
                        const size_t smem = 8 * ((size_t)slots * (1 + warps) + 2 * warps);
                        std::vector<double> a((size_t)grid * width, std::nan("")), b(a.size(), std::nan(""));
                        simt_launch(grid, 32 * warps, smem, [&] { logreg_softmax_fused(d.x.data(), d.y.data(), d.w.data(), r[0], r[1], n, k, p.data(), a.data()); });
                        const std::string t = "small fused " + tag + " warps " + std::to_string(warps);
                        compare(reduce(a, grid, width), want, width, t);
                        simt_launch(grid, 32 * warps, smem, [&] { logreg_softmax_fused(d.x.data(), d.y.data(), d.w.data(), r[0], r[1], n, k, p.data(), b.data()); });
                        expect(std::memcmp(a.data(), b.data(), 8 * a.size()) == 0, "bit-identical " + t);
                        std::vector<double> v((size_t)grid * 2, std::nan(""));
                        simt_launch(grid, 32 * warps, 8 * ((size_t)slots + 2 * warps), [&] {
                            logreg_softmax_value(d.x.data(), d.y.data(), d.w.data(), r[0], r[1], n, k, p.data(), v.data());
                        });
                        compare(reduce(v, grid, 2), want, 2, "small value " + tag + " warps " + std::to_string(warps));
                    }
                }
                {
                    const size_t smem = 4 * (size_t)LR_SOFTMAX_TILE_ROWS * n;
                    std::vector<double> zbuf((size_t)grid * LR_SOFTMAX_TILE_ROWS * k, std::nan(""));
                    std::vector<double> a((size_t)grid * width, std::nan("")), b(a.size(), std::nan(""));
                    simt_launch(grid, LR_SOFTMAX_TILE_THREADS, smem, [&] {
                        logreg_softmax_tiled_fused(d.x.data(), d.y.data(), d.w.data(), r[0], r[1], n, k, p.data(), zbuf.data(), a.data());
                    });
                    compare(reduce(a, grid, width), want, width, "tiled fused " + tag);
                    simt_launch(grid, LR_SOFTMAX_TILE_THREADS, smem, [&] {
                        logreg_softmax_tiled_fused(d.x.data(), d.y.data(), d.w.data(), r[0], r[1], n, k, p.data(), zbuf.data(), b.data());
                    });
                    expect(std::memcmp(a.data(), b.data(), 8 * a.size()) == 0, "bit-identical tiled fused " + tag);
                    std::vector<double> v((size_t)grid * 2, std::nan(""));
                    simt_launch(grid, LR_SOFTMAX_TILE_THREADS, smem, [&] {
                        logreg_softmax_tiled_value(d.x.data(), d.y.data(), d.w.data(), r[0], r[1], n, k, p.data(), zbuf.data(), v.data());
                    });
                    compare(reduce(v, grid, 2), want, 2, "tiled value " + tag);
                }
                {
                    std::vector<double> z((size_t)(r[1] - r[0]) * k, std::nan(""));
                    simt_launch(grid, 256, 0, [&] { logreg_softmax_margins(d.x.data(), r[0], r[1], n, k, p.data(), z.data()); });
                    bool ok = true;
                    for (long long i = r[0]; i < r[1] && ok; i++) {
                        for (int c = 0; c < k && ok; c++) {
                            long double zz = p[c * stride + n];
                            for (int j = 0; j < n; j++) zz += (long double)p[c * stride + j] * d.x[i * n + j];
                            ok = fabsl(z[(i - r[0]) * k + c] - zz) <= 1e-12L * (1 + fabsl(zz));
                        }
                    }
                    expect(ok, "softmax margins " + tag);
                }
            }
        }
    }
}

#include "emulate_sparse.h"
#include "emulate_column_stats.h"

int main() {
    // Every check twice: threads scheduled first to last, then last to first between barriers; a missing barrier
    // (a read of another thread's write that the kernel does not order) fails under one of the two.
    all_checks();
    softmax_checks();
    sparse_checks();
    column_stats_checks();
    simt_reverse_order = true;
    all_checks();
    softmax_checks();
    sparse_checks();
    column_stats_checks();
    printf("%s: %d of %d emulated kernel checks failed (both thread orders)\n", failures ? "FAILED" : "OK", failures, checks);
    return failures ? 1 : 0;
}
