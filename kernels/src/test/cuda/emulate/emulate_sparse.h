/*
 * emulate_sparse.h - the sparse kernels (sparse.cu, sparse_build.cu) under simt.h, included by emulate_test.cpp:
 * the transposed copy built as CudaSparseTerm builds it (column counts, compact ids, row ids, radix passes with the
 * host's prefix sums) against a host stable counting sort, bit for bit; then the rows pass in every mode and the
 * X^T r tiles and fixup against long double host sums, on CSR sets with empty rows, a row holding every column, a
 * column in nearly every row (it spans several X^T blocks), 2^24 columns with a handful of nonzeros, weights (some 0),
 * row ranges, G = 8 and 32 lanes a row, several grids; every result computed twice must be the same bits.
 */
#include <algorithm>
#include <map>

struct Csr {
    long long m;
    int n;
    std::vector<long long> off;
    std::vector<int> idx;
    std::vector<float> val;
    std::vector<float> y, w;
};

/*
 * Seeded CSR rows: lengths 0 .. maxLen (row 3 empty, row 5 every column where `fullRow`), columns drawn with
 * power-law frequencies (column 0 in about 90% of rows: it spans several X^T blocks on the larger sets), or uniformly
 * where `uniform` (many distinct columns).
 */
static Csr make_csr(long long m, int n, int maxLen, bool fullRow, unsigned seed, bool uniform = false) {
    std::mt19937_64 g(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    Csr c{m, n, {0}, {}, {}, {}, {}};
    for (long long i = 0; i < m; i++) {
        std::vector<int> cols;
        if (fullRow && i == 5) {
            for (int j = 0; j < n; j++) cols.push_back(j);
        } else if (i != 3) {
            const int len = (int)(u(g) * (maxLen + 1));
            if (u(g) < 0.9) cols.push_back(0);
            for (int k = 0; k < len; k++) cols.push_back((int)std::min<double>(n - 1, std::floor(std::pow(u(g), uniform ? 1.0 : 3.0) * n)));
            std::sort(cols.begin(), cols.end());
            cols.erase(std::unique(cols.begin(), cols.end()), cols.end());
        }
        for (int j : cols) {
            c.idx.push_back(j);
            c.val.push_back((float)(4 * u(g) - 2));
        }
        c.off.push_back((long long)c.idx.size());
        c.y.push_back(u(g) < 0.5 ? 1.0f : 0.0f);
        c.w.push_back(i % 11 == 0 ? 0.0f : (float)(0.5 + 2 * u(g)));
    }
    return c;
}

/* The device-side structures of a bound sparse term (CudaSparseTerm's bind, step by step through the kernels). */
struct Bound {
    int cols;                    // compact columns (those with a nonzero)
    std::vector<int> columnIds;  // compact id -> column
    std::vector<int> idx;        // CSR indices as compact ids
    std::vector<long long> colOff;
    std::vector<int> cscRows;
    std::vector<float> cscVals;
    long long tiles;
    std::vector<int> tileCol;
};

static Bound bind_sparse(const Csr &c) {
    const long long nnz = (long long)c.idx.size();
    Bound b;
    b.idx = c.idx;
    std::vector<int> counts(c.n, -7);
    simt_launch(3, 256, 0, [&] { logreg_fill_ints(counts.data(), c.n, 0); });
    simt_launch(2, 256, 0, [&] { logreg_sparse_column_counts(b.idx.data(), nnz, counts.data()); });
    std::vector<int> compact(c.n, -1);  // the host's part: ids of the columns that occur, in column order
    b.colOff.push_back(0);
    for (int j = 0; j < c.n; j++) {
        if (counts[j] == 0) continue;
        compact[j] = (int)b.columnIds.size();
        b.columnIds.push_back(j);
        b.colOff.push_back(b.colOff.back() + counts[j]);
    }
    b.cols = (int)b.columnIds.size();
    if (b.cols < c.n) simt_launch(2, 256, 0, [&] { logreg_sparse_remap(b.idx.data(), nnz, compact.data()); });
    std::vector<int> rows(nnz, -1), keysA(nnz), keysB(nnz), rowsA(nnz), rowsB(nnz);
    std::vector<float> valsA(nnz), valsB(nnz);
    simt_launch(2, 256, 0, [&] { logreg_sparse_row_ids(c.off.data(), c.m, rows.data()); });
    int bits = 0;
    while (bits < 31 && (1LL << bits) < b.cols) bits++;
    const int passes = (bits + 7) / 8;
    const long long tiles = (nnz + LR_SORT_TILE - 1) / LR_SORT_TILE;
    const int *keysIn = b.idx.data(), *rowsIn = rows.data();
    const float *valsIn = c.val.data();
    b.cscRows = rows;  // no pass where there is one column: the CSR order is the CSC order
    b.cscVals = c.val;
    for (int p = 0; p < passes; p++) {
        std::vector<int> dc((size_t)LR_SORT_DIGITS * tiles, -1);
        simt_launch((unsigned)tiles, LR_SORT_THREADS, 0, [&] { logreg_sort_digit_counts(keysIn, nnz, 8 * p, dc.data()); });
        std::vector<long long> offsets(dc.size());
        long long running = 0;
        for (size_t k = 0; k < dc.size(); k++) {
            offsets[k] = running;
            running += dc[k];
        }
        int *ko = p % 2 == 0 ? keysA.data() : keysB.data();
        int *ro = p % 2 == 0 ? rowsA.data() : rowsB.data();
        float *vo = p % 2 == 0 ? valsA.data() : valsB.data();
        simt_launch((unsigned)tiles, LR_SORT_THREADS, 0, [&] {
            logreg_sort_scatter(keysIn, rowsIn, valsIn, nnz, 8 * p, offsets.data(), p + 1 < passes ? ko : nullptr, ro, vo);
        });
        keysIn = ko;
        rowsIn = ro;
        valsIn = vo;
        b.cscRows.assign(ro, ro + nnz);
        b.cscVals.assign(vo, vo + nnz);
    }
    b.tiles = ((long long)b.cols + nnz + LR_XTR_TILE - 1) / LR_XTR_TILE;
    b.tileCol.assign(b.tiles + 1, -1);
    simt_launch(1, 64, 0, [&] { logreg_sparse_tile_columns(b.colOff.data(), b.cols, nnz, b.tiles, b.tileCol.data()); });
    return b;
}

/* X^T in: g[c] for the compact columns, by the tiles and the fixup; `in` read with `stride` from `offset`. */
static std::vector<double> xtr(const Bound &b, const std::vector<double> &in, int stride = 1, int offset = 0) {
    const long long nnz = (long long)b.cscRows.size();
    std::vector<double> g(b.cols, std::nan("")), head(b.tiles, std::nan("")), tail(b.tiles, std::nan(""));
    simt_launch((unsigned)b.tiles, LR_XTR_THREADS, 0, [&] {
        logreg_sparse_xtr_tiles(b.colOff.data(), b.cscRows.data(), b.cscVals.data(), in.data() + offset, stride, b.cols, nnz, b.tileCol.data(),
                                g.data(), head.data(), tail.data());
    });
    simt_launch(2, 128, 0, [&] { logreg_sparse_xtr_fixup(b.colOff.data(), b.cols, b.tiles, b.tileCol.data(), head.data(), tail.data(), g.data()); });
    return g;
}

typedef void (*SparseRows)(const long long *, const int *, const float *, const float *, const float *, long long, long long, long long,
                           const double *, int, int, int, const double *, double *, double *);

/* Every check on one set; `thorough`: two grids and both losses (else one grid, the log loss: the larger sets). */
/* The transposed copy against a host stable counting sort by column, bit for bit; built twice, the same. */
static Bound csc_check(const Csr &c, const std::string &name) {
    const long long nnz = (long long)c.idx.size();
    const Bound b = bind_sparse(c);
    {
        std::vector<long long> start(c.n + 1, 0);
        for (int j : c.idx) start[j + 1]++;
        for (int j = 0; j < c.n; j++) start[j + 1] += start[j];
        std::vector<int> rows(nnz);
        std::vector<float> vals(nnz);
        for (long long i = 0; i < c.m; i++) {
            for (long long k = c.off[i]; k < c.off[i + 1]; k++) {
                const long long p = start[c.idx[k]]++;
                rows[p] = (int)i;
                vals[p] = c.val[k];
            }
        }
        expect(rows == b.cscRows && std::memcmp(vals.data(), b.cscVals.data(), 4 * nnz) == 0, "CSC by radix passes " + name);
        const Bound again = bind_sparse(c);
        expect(again.cscRows == b.cscRows && again.tileCol == b.tileCol && again.idx == b.idx, "CSC built twice the same " + name);
    }
    return b;
}

static void sparse_case(const Csr &c, const std::string &name, bool thorough) {
    const Bound b = csc_check(c, name);
    std::mt19937_64 gen(c.m * 31 + c.n);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::vector<double> p(b.cols + 1), v(b.cols + 1);
    for (auto &x : p) x = u(gen);
    for (auto &x : v) x = u(gen);
    struct Entry { SparseRows k; int lanes; };
    const Entry entries[] = {{logreg_sparse_rows_g8, 8}, {logreg_sparse_rows_g32, 32}};
    const long long ranges[][2] = {{0, c.m}, {c.m / 3, c.m - 2}};
    for (const Entry &e : entries) {
        for (auto &r : ranges) {
            for (unsigned grid : {1u, 5u}) {
                if (!thorough && grid == 1) continue;
                for (int loss : {LOGREG_LOSS_LOG, LOGREG_LOSS_MSE}) {
                    if (!thorough && loss != LOGREG_LOSS_LOG) continue;
                    const std::string tag = name + " G=" + std::to_string(e.lanes) + " rows [" + std::to_string(r[0]) + "," +
                                            std::to_string(r[1]) + ") grid " + std::to_string(grid) + " loss " + std::to_string(loss);
                    // Host: z, loss, residual, gradient over the range; long double.
                    std::vector<long double> want(3 + b.cols, 0.0L), z(c.m, 0.0L);
                    for (long long i = 0; i < c.m; i++) {
                        long double s = p[b.cols];
                        for (long long k = c.off[i]; k < c.off[i + 1]; k++) s += (long double)p[b.idx[k]] * c.val[k];
                        z[i] = s;
                        if (i < r[0] || i >= r[1]) continue;
                        double val;
                        const double d = lr_loss_and_derivative(loss, c.y[i], (double)s, &val);
                        want[0] += (long double)c.w[i] * val;
                        want[1] += c.w[i];
                        want[2] += (long double)c.w[i] * d;
                        for (long long k = c.off[i]; k < c.off[i + 1]; k++) want[3 + b.idx[k]] += (long double)c.w[i] * d * c.val[k];
                    }
                    std::vector<double> res(c.m, std::nan("")), part(3 * grid, std::nan(""));
                    simt_launch(grid, LR_SPARSE_THREADS, 0, [&] {
                        e.k(c.off.data(), b.idx.data(), c.val.data(), c.y.data(), c.w.data(), c.m, r[0], r[1], p.data(), b.cols, loss,
                            LR_SPARSE_GRADIENT, nullptr, res.data(), part.data());
                    });
                    std::vector<double> got = reduce(part, grid, 3);
                    const std::vector<double> g = xtr(b, res);
                    got.insert(got.end(), g.begin(), g.end());
                    compare(got, want, 3 + b.cols, "sparse gradient " + tag);
                    std::vector<double> res2(c.m, std::nan("")), part2(3 * grid, std::nan(""));
                    simt_launch(grid, LR_SPARSE_THREADS, 0, [&] {
                        e.k(c.off.data(), b.idx.data(), c.val.data(), c.y.data(), c.w.data(), c.m, r[0], r[1], p.data(), b.cols, loss,
                            LR_SPARSE_GRADIENT, nullptr, res2.data(), part2.data());
                    });
                    const std::vector<double> g2 = xtr(b, res2);
                    expect(std::memcmp(part.data(), part2.data(), 8 * part.size()) == 0 && std::memcmp(g.data(), g2.data(), 8 * g.size()) == 0,
                           "bit-identical sparse gradient " + tag);
                    std::vector<double> vpart(3 * grid, std::nan(""));
                    simt_launch(grid, LR_SPARSE_THREADS, 0, [&] {
                        e.k(c.off.data(), b.idx.data(), c.val.data(), c.y.data(), c.w.data(), c.m, r[0], r[1], p.data(), b.cols, loss,
                            LR_SPARSE_VALUE, nullptr, nullptr, vpart.data());
                    });
                    compare(reduce(vpart, grid, 3), want, 2, "sparse value " + tag);
                    if (loss != LOGREG_LOSS_LOG || grid != 5) continue;
                    // Margins of the range; the curvature and the Hessian-vector product over all rows.
                    std::vector<double> zs(r[1] - r[0], std::nan(""));
                    simt_launch(grid, LR_SPARSE_THREADS, 0, [&] {
                        e.k(c.off.data(), b.idx.data(), c.val.data(), c.y.data(), c.w.data(), c.m, r[0], r[1], p.data(), b.cols, loss,
                            LR_SPARSE_MARGINS, nullptr, zs.data(), nullptr);
                    });
                    bool ok = true;
                    for (long long i = r[0]; i < r[1]; i++) ok = ok && fabsl(zs[i - r[0]] - z[i]) <= 1e-12L * (1 + fabsl(z[i]));
                    expect(ok, "sparse margins " + tag);
                    if (r[0] != 0) continue;
                    std::vector<double> curv(c.m, std::nan("")), q(c.m, std::nan("")), hpart(3 * grid, std::nan(""));
                    simt_launch(grid, LR_SPARSE_THREADS, 0, [&] {
                        e.k(c.off.data(), b.idx.data(), c.val.data(), c.y.data(), c.w.data(), c.m, 0, c.m, p.data(), b.cols, loss,
                            LR_SPARSE_CURVATURE, nullptr, curv.data(), nullptr);
                    });
                    simt_launch(grid, LR_SPARSE_THREADS, 0, [&] {
                        e.k(c.off.data(), b.idx.data(), c.val.data(), c.y.data(), c.w.data(), c.m, 0, c.m, v.data(), b.cols, loss,
                            LR_SPARSE_HESSIAN_VECTOR, curv.data(), q.data(), hpart.data());
                    });
                    std::vector<long double> hv(3 + b.cols, 0.0L);
                    for (long long i = 0; i < c.m; i++) {
                        const long double ci = (long double)c.w[i] * lr_second_derivative(loss, c.y[i], (double)z[i]);
                        long double ui = v[b.cols];
                        for (long long k = c.off[i]; k < c.off[i + 1]; k++) ui += (long double)v[b.idx[k]] * c.val[k];
                        hv[1] += c.w[i];
                        hv[2] += ci * ui;
                        for (long long k = c.off[i]; k < c.off[i + 1]; k++) hv[3 + b.idx[k]] += ci * ui * c.val[k];
                    }
                    std::vector<double> hgot = reduce(hpart, grid, 3);
                    hgot[0] = 0.0;
                    const std::vector<double> hg = xtr(b, q);
                    hgot.insert(hgot.end(), hg.begin(), hg.end());
                    compare(hgot, hv, 3 + b.cols, "sparse Hessian-vector " + tag);
                }
            }
        }
    }
}

typedef void (*SparseSoftmaxRows)(const long long *, const int *, const float *, const float *, const float *, long long, long long,
                                  long long, const double *, int, int, int, const double *, double *, double *);

/*
 * The multinomial rows pass (sparse_softmax.cu) for K classes, then K X^T passes (stride K) and the intercepts by
 * logreg_reduce_partials over the row values, against long double host sums; margins; a second run bit-identical.
 */
static void sparse_softmax_case(const Csr &c0, int k, const std::string &name) {
    Csr c = c0;
    std::mt19937_64 gen(17u * k + c.m);
    for (auto &y : c.y) y = (float)(gen() % k);
    const Bound b = bind_sparse(c);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    const int stride = b.cols + 1;
    std::vector<double> p((size_t)k * stride);
    for (auto &x : p) x = u(gen);
    struct Entry { SparseSoftmaxRows f; int lanes; };
    const Entry entries[] = {{logreg_sparse_softmax_rows_g8, 8}, {logreg_sparse_softmax_rows_g32, 32}};
    const long long ranges[][2] = {{0, c.m}, {c.m / 4, c.m - 3}};
    for (const Entry &e : entries) {
        for (auto &r : ranges) {
            const std::string tag = name + " K=" + std::to_string(k) + " G=" + std::to_string(e.lanes) + " rows [" + std::to_string(r[0]) + "," +
                                    std::to_string(r[1]) + ")";
            // Host: slot 0 loss, 1 weight, then the gradient class-major (compact columns, then the intercept).
            std::vector<long double> want(2 + (size_t)k * stride, 0.0L), zs;
            for (long long i = r[0]; i < r[1]; i++) {
                std::vector<long double> z(k);
                for (int cl = 0; cl < k; cl++) {
                    z[cl] = p[(size_t)cl * stride + b.cols];
                    for (long long q = c.off[i]; q < c.off[i + 1]; q++) z[cl] += (long double)p[(size_t)cl * stride + b.idx[q]] * c.val[q];
                    zs.push_back(z[cl]);
                }
                long double m = z[0];
                for (int cl = 1; cl < k; cl++) m = std::max(m, z[cl]);
                long double s = 0;
                for (int cl = 0; cl < k; cl++) s += expl(z[cl] - m);
                const int y = (int)c.y[i];
                want[0] += c.w[i] * ((m - z[y]) + logl(s));
                want[1] += c.w[i];
                for (int cl = 0; cl < k; cl++) {
                    const long double ri = c.w[i] * (expl(z[cl] - m) / s - (cl == y ? 1.0L : 0.0L));
                    for (long long q = c.off[i]; q < c.off[i + 1]; q++) want[2 + (size_t)cl * stride + b.idx[q]] += ri * c.val[q];
                    want[2 + (size_t)cl * stride + b.cols] += ri;
                }
            }
            std::vector<double> rowv((size_t)c.m * k, std::nan("")), part(3 * 5, std::nan(""));
            simt_launch(5, LR_SPARSE_THREADS, 0, [&] {
                e.f(c.off.data(), b.idx.data(), c.val.data(), c.y.data(), c.w.data(), c.m, r[0], r[1], p.data(), b.cols, k, LR_SPARSE_GRADIENT,
                    nullptr, rowv.data(), part.data());
            });
            std::vector<double> sums = reduce(part, 5, 3), got(2 + (size_t)k * stride);
            got[0] = sums[0];
            got[1] = sums[1];
            const std::vector<double> icpt = reduce(rowv, c.m, k);
            for (int cl = 0; cl < k; cl++) {
                const std::vector<double> g = xtr(b, rowv, k, cl);
                for (int q = 0; q < b.cols; q++) got[2 + (size_t)cl * stride + q] = g[q];
                got[2 + (size_t)cl * stride + b.cols] = icpt[cl];
            }
            compare(got, want, (int)got.size(), "sparse softmax gradient " + tag);
            std::vector<double> rowv2((size_t)c.m * k, std::nan("")), part2(3 * 5, std::nan(""));
            simt_launch(5, LR_SPARSE_THREADS, 0, [&] {
                e.f(c.off.data(), b.idx.data(), c.val.data(), c.y.data(), c.w.data(), c.m, r[0], r[1], p.data(), b.cols, k, LR_SPARSE_GRADIENT,
                    nullptr, rowv2.data(), part2.data());
            });
            expect(std::memcmp(rowv.data(), rowv2.data(), 8 * rowv.size()) == 0 && std::memcmp(part.data(), part2.data(), 8 * part.size()) == 0,
                   "bit-identical sparse softmax rows " + tag);
            std::vector<double> vpart(3 * 5, std::nan(""));
            simt_launch(5, LR_SPARSE_THREADS, 0, [&] {
                e.f(c.off.data(), b.idx.data(), c.val.data(), c.y.data(), c.w.data(), c.m, r[0], r[1], p.data(), b.cols, k, LR_SPARSE_VALUE,
                    nullptr, rowv2.data(), vpart.data());
            });
            compare(reduce(vpart, 5, 3), want, 2, "sparse softmax value " + tag);
            std::vector<double> zgot((size_t)(r[1] - r[0]) * k, std::nan(""));
            simt_launch(5, LR_SPARSE_THREADS, 0, [&] {
                e.f(c.off.data(), b.idx.data(), c.val.data(), c.y.data(), c.w.data(), c.m, r[0], r[1], p.data(), b.cols, k, LR_SPARSE_MARGINS,
                    nullptr, zgot.data(), nullptr);
            });
            bool ok = zgot.size() == zs.size();
            for (size_t q = 0; ok && q < zs.size(); q++) ok = fabsl(zgot[q] - zs[q]) <= 1e-12L * (1 + fabsl(zs[q]));
            expect(ok, "sparse softmax margins " + tag);
            if (r[0] != 0) continue;
            // Hessian-vector product over all rows: p at the parameters, then q_ic = w p_ic (u_ic - sum_e p_ie u_ie).
            std::vector<double> v(p.size());
            for (auto &x : v) x = u(gen);
            std::vector<double> probs((size_t)c.m * k, std::nan("")), q((size_t)c.m * k, std::nan("")), hpart(3 * 5, std::nan(""));
            simt_launch(5, LR_SPARSE_THREADS, 0, [&] {
                e.f(c.off.data(), b.idx.data(), c.val.data(), c.y.data(), c.w.data(), c.m, 0, c.m, p.data(), b.cols, k, LR_SPARSE_CURVATURE,
                    nullptr, probs.data(), nullptr);
            });
            simt_launch(5, LR_SPARSE_THREADS, 0, [&] {
                e.f(c.off.data(), b.idx.data(), c.val.data(), c.y.data(), c.w.data(), c.m, 0, c.m, v.data(), b.cols, k,
                    LR_SPARSE_HESSIAN_VECTOR, probs.data(), q.data(), hpart.data());
            });
            std::vector<long double> hv(2 + (size_t)k * stride, 0.0L);
            size_t zi = 0;
            for (long long i = 0; i < c.m; i++) {
                std::vector<long double> pz(k), uz(k);
                long double mx = -INFINITY, se = 0, pu = 0;
                for (int cl = 0; cl < k; cl++) mx = std::max(mx, zs[zi + cl]);
                for (int cl = 0; cl < k; cl++) se += expl(zs[zi + cl] - mx);
                for (int cl = 0; cl < k; cl++) {
                    pz[cl] = expl(zs[zi + cl] - mx) / se;
                    uz[cl] = v[(size_t)cl * stride + b.cols];
                    for (long long t = c.off[i]; t < c.off[i + 1]; t++) uz[cl] += (long double)v[(size_t)cl * stride + b.idx[t]] * c.val[t];
                    pu += pz[cl] * uz[cl];
                }
                zi += k;
                hv[1] += c.w[i];
                for (int cl = 0; cl < k; cl++) {
                    const long double qi = c.w[i] * pz[cl] * (uz[cl] - pu);
                    for (long long t = c.off[i]; t < c.off[i + 1]; t++) hv[2 + (size_t)cl * stride + b.idx[t]] += qi * c.val[t];
                    hv[2 + (size_t)cl * stride + b.cols] += qi;
                }
            }
            std::vector<double> hsums = reduce(hpart, 5, 3), hgot(2 + (size_t)k * stride);
            hgot[0] = 0.0;
            hgot[1] = hsums[1];
            const std::vector<double> hicpt = reduce(q, c.m, k);
            for (int cl = 0; cl < k; cl++) {
                const std::vector<double> g = xtr(b, q, k, cl);
                for (int t = 0; t < b.cols; t++) hgot[2 + (size_t)cl * stride + t] = g[t];
                hgot[2 + (size_t)cl * stride + b.cols] = hicpt[cl];
            }
            compare(hgot, hv, (int)hgot.size(), "sparse softmax Hessian-vector " + tag);
        }
    }
}

static void sparse_checks() {
    sparse_case(make_csr(60, 40, 12, true, 1u), "small (empty row, full row)", true);
    sparse_case(make_csr(700, 3000, 60, true, 2u), "700 x 3000 (column 0 spans blocks)", false);
    sparse_case(make_csr(2500, 1 << 20, 12, false, 3u), "2500 x 2^20 (two sort tiles, two radix passes)", false);
    csc_check(make_csr(1000, 1 << 20, 160, false, 6u, true), "1000 x 2^20 uniform (three radix passes)");
    Csr few = make_csr(9, 1 << 24, 0, false, 4u);  // a handful of nonzeros over 2^24 columns
    few.idx.assign({0, 77, 1 << 23, (1 << 24) - 1});
    few.val.assign({1.5f, -2.0f, 0.25f, 3.0f});
    few.off.assign({0, 0, 1, 1, 1, 2, 2, 3, 4, 4});
    sparse_case(few, "9 x 2^24, four nonzeros", false);
    Csr one = make_csr(40, 1, 1, false, 5u);  // one column: no radix pass
    sparse_case(one, "40 x 1", true);
    sparse_softmax_case(make_csr(60, 40, 12, true, 7u), 3, "small (empty row, full row)");
    sparse_softmax_case(make_csr(300, 3000, 40, false, 8u), 10, "300 x 3000 (column 0 spans blocks)");
}
