/*
 * STREAM-style read bandwidth: a read-only reduction  s = sum_i a[i]  over an array of doubles much larger than
 * the caches, split across OpenMP threads (one per core), timed over several repetitions; prints the best
 * bandwidth (bytes of a read / best seconds), as STREAM reports its best time.
 *
 * Build: gcc -O3 -march=native -fopenmp stream_read.c -o stream_read
 * Usage: stream_read [megabytes (default 1024)] [repetitions (default 10)]
 * Output: a line "stream_read_GBps <best GB/s>" (GB = 1e9 bytes) after a human-readable summary.
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

static double now(void) { return omp_get_wtime(); }

int main(int argc, char **argv) {
    long mb = argc > 1 ? atol(argv[1]) : 1024;
    int reps = argc > 2 ? atoi(argv[2]) : 10;
    long n = mb * 1024L * 1024L / (long) sizeof(double) / 16 * 16;
    double *a = aligned_alloc(64, (size_t) n * sizeof(double));
    if (!a) { fprintf(stderr, "cannot allocate %ld MB\n", mb); return 1; }
    /* First touch by the threads that will read it (matters on NUMA machines). */
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) a[i] = 1.0 + (double) (i & 1023) * 1e-3;
    double best = 1e30, check = 0;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        double s = 0;
        /* 16 independent partial sums per thread: one add chain would be latency-bound, not memory-bound. */
#pragma omp parallel reduction(+ : s)
        {
            double p[16] = {0};
#pragma omp for schedule(static)
            for (long i = 0; i < n / 16; i++) {
                for (int k = 0; k < 16; k++) p[k] += a[16 * i + k];
            }
            for (int k = 0; k < 16; k++) s += p[k];
        }
        double t = now() - t0;
        if (t < best) best = t;
        check += s;
    }
    double gbps = (double) n * sizeof(double) / best / 1e9;
    printf("stream_read: %d threads, %ld MB of doubles, best of %d reps %.4f s (checksum %.6e)\n",
           omp_get_max_threads(), mb, reps, best, check);
    printf("stream_read_GBps %.3f\n", gbps);
    free(a);
    return 0;
}
