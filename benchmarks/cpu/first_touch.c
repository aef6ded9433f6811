// What the first touch of fresh anonymous memory costs here, beside touching the same pages again: mmap N MB, write
// one byte per 4 KiB page (1 and 2 threads), then memset the whole range; once with 4 KiB pages and once after
// madvise(MADV_HUGEPAGE) (transparent huge pages, 2 MiB, where the kernel grants them). On a VM every fresh 4 KiB page
// may cost a trip to the hypervisor; this shows whether allocation, not copying, bounds a bind of N MB.
// Usage: first_touch [MB] (default 400). Build: gcc -O2 -fopenmp first_touch.c -o first_touch
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int main(int argc, char **argv) {
    size_t mb = argc > 1 ? (size_t) atol(argv[1]) : 400;
    size_t n = mb << 20;
    for (int mode = 0; mode < 4; mode++) {
        int huge = mode >= 2;
        int threads = mode % 2 ? 2 : 1;
        char *p = mmap(0, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) { perror("mmap"); return 1; }
        if (huge) madvise(p, n, MADV_HUGEPAGE);
        double t = omp_get_wtime();
        #pragma omp parallel for num_threads(threads) schedule(static)
        for (size_t i = 0; i < n; i += 4096) p[i] = 1;
        double first = omp_get_wtime() - t;
        t = omp_get_wtime();
        memset(p, 2, n);
        double again = omp_get_wtime() - t;
        printf("first_touch %zu MB, %s pages, %d thread%s: first touch %.3f s, memset of the same pages %.3f s\n",
               mb, huge ? "madvise(MADV_HUGEPAGE)" : "4 KiB", threads, threads == 1 ? "" : "s", first, again);
        munmap(p, n);
    }
    return 0;
}
