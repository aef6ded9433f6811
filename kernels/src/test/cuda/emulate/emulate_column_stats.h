/*
 * emulate_column_stats.h - column_stats.cu under the emulation, included by emulate_test.cpp: the chunks' column sums
 * and their chunk-order sum against ColumnStatistics' dense pass redone on the host (its chunkSums and of(), the same
 * operations in the same order), compared bit for bit; rows padded to more columns than n (the data term's layout),
 * weighted (some 0) and not, fences that cut blocks (a one-row chunk), a grid smaller than the chunks x n threads
 * (the grid-stride loop), row counts around the kernel's batch of LR_MOMENTS_BATCH rows.
 */

/* ColumnStatistics.of's sums: per chunk, per column in row order (rows of weight 0 skipped), chunks added in order. */
static std::vector<double> host_column_sums(const std::vector<float> &x, const std::vector<float> *w, int n, int cols,
                                            const std::vector<long long> &fences) {
    std::vector<double> total(1 + 3 * n, 0.0);
    std::vector<double> shift(n);
    for (int j = 0; j < n; j++) shift[j] = x[j];
    for (size_t k = 0; k + 1 < fences.size(); k++) {
        std::vector<double> part(1 + 3 * n, 0.0);
        for (long long i = fences[k]; i < fences[k + 1]; i++) {
            const double wi = w ? (double)(*w)[i] : 1.0;
            if (wi == 0) continue;
            part[0] += wi;
            for (int j = 0; j < n; j++) {
                const double v = x[i * cols + j];
                const double d = v - shift[j];
                const volatile double wd = wi * d, wdd = wd * d, wv = wi * v, wvv = wv * v;  // no FMA: the JVM's rounding
                part[1 + j] += wd;
                part[1 + n + j] += wdd;
                part[1 + 2 * n + j] += wvv;
            }
        }
        for (int c = 0; c < 1 + 3 * n; c++) total[c] += part[c];
    }
    return total;
}

static void column_stats_checks() {
    struct Case { int n, cols; std::vector<long long> fences; bool weighted; unsigned grid; };
    const Case cases[] = {
        {1, 1, {0, 5, 6, 30}, true, 1},          // a one-row chunk; one block, grid-stride over 3 threads
        {7, 8, {0, 9, 17, 18, 40}, false, 1},    // padded rows, batches of 8 and a remainder
        {7, 8, {0, 9, 17, 18, 40}, true, 2},
        {33, 36, {0, 16, 32, 33, 100}, true, 1}, // 4 chunks x 33 columns: 132 threads of one block
        {129, 132, {0, 50, 51, 120}, true, 2},   // 387 threads, a grid of 2 blocks: every thread some work
        {300, 300, {0, 3, 10}, false, 1},        // 600 threads on a grid of 1: the grid-stride loop
    };
    for (const Case &c : cases) {
        const long long rows = c.fences.back();
        std::mt19937_64 g(c.n * 131ULL + rows);
        std::normal_distribution<double> u(0.0, 1.0);
        std::vector<float> x((size_t)rows * c.cols, 0.0f), w(rows);
        for (long long i = 0; i < rows; i++) {
            for (int j = 0; j < c.n; j++) x[i * c.cols + j] = (float)(i == 0 ? 1e4 + u(g) : 1000.0 * (j % 5) + u(g) * (1 + j % 3));
            w[i] = i % 7 == 3 ? 0.0f : (float)(1.5 + u(g) * 0.3);
        }
        const std::vector<float> *wp = c.weighted ? &w : nullptr;
        const long long chunks = (long long)c.fences.size() - 1;
        const int width = 1 + 3 * c.n;
        std::vector<double> partial((size_t)chunks * width, std::nan("")), sums(width, std::nan(""));
        simt_launch(c.grid, LR_MOMENTS_THREADS, 0, [&] {
            logreg_column_moments(x.data(), c.weighted ? w.data() : nullptr, c.fences.data(), chunks, c.n, c.cols, partial.data());
        });
        simt_launch(1, LR_MOMENTS_THREADS, 0, [&] { logreg_column_moments_sum(partial.data(), chunks, width, sums.data()); });
        const std::vector<double> want = host_column_sums(x, wp, c.n, c.cols, c.fences);
        const std::string tag = "column moments n=" + std::to_string(c.n) + " cols=" + std::to_string(c.cols) + " rows="
                                + std::to_string(rows) + (c.weighted ? " weighted" : "") + " grid " + std::to_string(c.grid);
        expect(std::memcmp(sums.data(), want.data(), 8 * (size_t)width) == 0, tag + ": the host's bits");
    }
}
