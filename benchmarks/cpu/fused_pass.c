/*
 * The fused log-loss value+gradient pass of logreg's CPU kernels, written in C as fast as the contract lets it be,
 * to answer one question with a measurement: is 0.8 of the STREAM read ceiling reachable on this machine at all
 * with float32 rows and float64 products and sums (the product's contract), or is the pass bound by its arithmetic
 * whatever language it is written in?
 *
 * Per row: z = theta . x + b in float64 (x widened exactly), the exact log loss and its derivative from one exp and
 * one log (as FusedKernel.pointwise), then grad += r * x in float64. Four rows at a time share each load of theta
 * and of the gradient, as the Java kernels do; each dot product keeps VL float64 lane sums (the widest vector the
 * compiler targets: GCC vector extensions, so AVX-512, AVX2 or SSE from -march=native), then the tail columns.
 * Beside it, in the same run and over the same rows: a read-only pass (the ceiling: every float summed into
 * float64 lanes, one add a float), the pass without the loss (r = z - y: the arithmetic of the two sweeps alone),
 * and each of them again over rows resident in the L2 cache (arithmetic with memory out of the way).
 *
 * Not logreg's result bits (its own kernels' orders are in their docs); only its arithmetic, for timing.
 *
 * Build: gcc -O3 -march=native -fopenmp fused_pass.c -lm -o fused_pass
 * Usage: fused_pass [rows (default 1000000)] [cols (default 100)] [repetitions (default 15)]
 * Output: per pass and thread count the median and best time and GB/s of X read, and the ratio to the read-only
 * pass of the same threads.
 */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__AVX512F__)
#define VL 8
#elif defined(__AVX__)
#define VL 4
#else
#define VL 2
#endif
typedef double vd __attribute__((vector_size(VL * 8)));
typedef float vf __attribute__((vector_size(VL * 4)));

static inline vd widen(const float *p) {
    vf f;
    memcpy(&f, p, sizeof f);
    return __builtin_convertvector(f, vd);
}

static inline vd load_d(const double *p) {
    vd v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void store_d(double *p, vd v) { memcpy(p, &v, sizeof v); }

static inline double lane_sum(vd v) {
    double s = 0;
    for (int l = 0; l < VL; l++) s += v[l];
    return s;
}

/* Loss and derivative of one row, as FusedKernel.pointwise: one exp, one log. */
static inline double log_loss(double y, double z, double *d) {
    double e = exp(-fabs(z));
    double u = 1.0 + e;
    double big = 1.0 / u, small = e / u;
    double p = z >= 0 ? big : small, q = z >= 0 ? small : big;
    *d = y == 1.0 ? -q : p - y;
    return fmax(z, 0.0) - y * z + (log(u) - ((u - 1.0) - e) / u);
}

enum kind { READ_ONLY, FUSED_LOG, FUSED_LINEAR };

/* One thread's rows [lo, hi): value into *value, gradient sums into g (n + 1 doubles, the last the intercept's). */
static double pass_rows(enum kind kind, const float *x, const float *y, long lo, long hi, int n, const double *theta,
                        double b, double *g) {
    int nv = n - n % VL;
    double value = 0;
    if (kind == READ_ONLY) {
        vd s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
        const float *p = x + lo * n, *end = x + hi * n;
        for (; p + 4 * VL <= end; p += 4 * VL) {
            s0 += widen(p);
            s1 += widen(p + VL);
            s2 += widen(p + 2 * VL);
            s3 += widen(p + 3 * VL);
        }
        for (; p < end; p++) value += *p;
        return value + lane_sum(s0 + s1 + s2 + s3);
    }
    long i = lo;
    for (; i + 4 <= hi; i += 4) {
        const float *r0 = x + i * n, *r1 = r0 + n, *r2 = r1 + n, *r3 = r2 + n;
        vd a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
        int j = 0;
        for (; j < nv; j += VL) {
            vd t = load_d(theta + j);
            a0 += widen(r0 + j) * t;
            a1 += widen(r1 + j) * t;
            a2 += widen(r2 + j) * t;
            a3 += widen(r3 + j) * t;
        }
        double z[4] = {lane_sum(a0), lane_sum(a1), lane_sum(a2), lane_sum(a3)};
        for (; j < n; j++) {
            z[0] += theta[j] * r0[j];
            z[1] += theta[j] * r1[j];
            z[2] += theta[j] * r2[j];
            z[3] += theta[j] * r3[j];
        }
        double d[4];
        for (int k = 0; k < 4; k++) {
            double zk = z[k] + b;
            if (kind == FUSED_LOG) {
                value += log_loss(y[i + k], zk, &d[k]);
            } else {
                d[k] = zk - y[i + k];
                value += 0.5 * d[k] * d[k];
            }
        }
        vd d0 = d[0] - (vd){0}, d1 = d[1] - (vd){0}, d2 = d[2] - (vd){0}, d3 = d[3] - (vd){0};
        for (j = 0; j < nv; j += VL) {
            vd acc = load_d(g + j);
            acc += widen(r0 + j) * d0;
            acc += widen(r1 + j) * d1;
            acc += widen(r2 + j) * d2;
            acc += widen(r3 + j) * d3;
            store_d(g + j, acc);
        }
        for (; j < n; j++) g[j] += d[0] * r0[j] + d[1] * r1[j] + d[2] * r2[j] + d[3] * r3[j];
        g[n] += (d[0] + d[1]) + (d[2] + d[3]);
    }
    for (; i < hi; i++) {
        const float *r = x + i * n;
        double z = b, di;
        for (int j = 0; j < n; j++) z += theta[j] * r[j];
        value += kind == FUSED_LOG ? log_loss(y[i], z, &di) : 0.5 * (di = z - y[i]) * di;
        for (int j = 0; j < n; j++) g[j] += di * r[j];
        g[n] += di;
    }
    return value;
}

/* `repeat` whole passes in one parallel region on `threads` threads (static row split, per-thread gradients
 * padded apart); seconds a pass. */
static double timed_pass(enum kind kind, const float *x, const float *y, long m, int n, const double *theta,
                         int threads, long repeat, double *sink) {
    int stride = (n + 1 + 15) / 16 * 16 + 16;
    double *g = calloc((size_t) threads * stride, sizeof(double));
    double total = 0;
    double t0 = omp_get_wtime();
#pragma omp parallel num_threads(threads) reduction(+ : total)
    {
        int t = omp_get_thread_num();
        long lo = m * t / threads, hi = m * (t + 1) / threads;
        for (long p = 0; p < repeat; p++) total += pass_rows(kind, x, y, lo, hi, n, theta, 0.1, g + (long) t * stride);
    }
    double seconds = (omp_get_wtime() - t0) / repeat;
    for (int k = 0; k < threads * stride; k++) total += g[k];
    *sink += total;
    free(g);
    return seconds;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

static const char *NAMES[] = {"read-only (the ceiling)", "fused log value+gradient", "fused, linear residual"};

static void run(const char *where, const float *x, const float *y, long m, int n, const double *theta, int threads,
                int reps, long passes_per_rep, double *sink) {
    double median[3];
    for (int k = 0; k < 3; k++) {
        double *t = malloc(sizeof(double) * reps);
        timed_pass((enum kind) k, x, y, m, n, theta, threads, passes_per_rep, sink); /* warm-up */
        for (int r = 0; r < reps; r++) t[r] = timed_pass((enum kind) k, x, y, m, n, theta, threads, passes_per_rep, sink);
        qsort(t, reps, sizeof(double), cmp);
        median[k] = t[reps / 2];
        double gb = (double) m * n * sizeof(float) / 1e9;
        printf("%s, %d threads, %-26s median %8.3f ms (best %8.3f) = %6.2f GB/s = %.2f of the read-only pass\n", where,
               threads, NAMES[k], median[k] * 1e3, t[0] * 1e3, gb / median[k], median[0] / median[k]);
        free(t);
    }
}

int main(int argc, char **argv) {
    long m = argc > 1 ? atol(argv[1]) : 1000000;
    int n = argc > 2 ? atoi(argv[2]) : 100;
    int reps = argc > 3 ? atoi(argv[3]) : 15;
    int cores = omp_get_num_procs();
    float *x = aligned_alloc(64, ((size_t) m * n * sizeof(float) + 63) / 64 * 64);
    float *y = malloc((size_t) m * sizeof(float));
    double *theta = malloc((size_t) n * sizeof(double));
    if (!x || !y || !theta) { fprintf(stderr, "cannot allocate %ld x %d floats\n", m, n); return 1; }
    unsigned long s = 42;
    for (long i = 0; i < m * n; i++) {
        s = s * 6364136223846793005UL + 1442695040888963407UL;
        x[i] = (float) ((double) (s >> 11) / 9007199254740992.0 - 0.5);
    }
    for (long i = 0; i < m; i++) y[i] = (float) (i % 3 == 0);
    for (int j = 0; j < n; j++) theta[j] = 0.01 * (j % 7) - 0.03;
    printf("fused_pass: %ld x %d float32 = %.1f MB of X; float64 lanes per vector %d; %d cores\n", m, n,
           (double) m * n * 4 / 1e6, VL, cores);
    double sink = 0;
    /* Rows resident in the L2 cache: 256 KiB of X, passed over again and again (same work per byte). */
    long small = 262144 / (n * (long) sizeof(float)) / 4 * 4;
    for (int threads = 1; threads <= cores; threads *= 2) {
        run("from memory", x, y, m, n, theta, threads, reps, 1, &sink);
        run("in L2 cache", x, y, small, n, theta, threads, reps, m / small, &sink);
    }
    printf("checksum %.6e\n", sink);
    return 0;
}
