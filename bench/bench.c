/* bench/bench.c — timing helpers (see bench.h). */
#include "bench.h"

#include <stdlib.h>
#include <time.h>

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_median(double *xs, int n)
{
    qsort(xs, (size_t)n, sizeof *xs, cmp_double);
    return n % 2 ? xs[n / 2] : 0.5 * (xs[n / 2 - 1] + xs[n / 2]);
}

double bench_time(void (*fn)(void *), void *arg, int samples, double min_seconds)
{
    int64_t reps = 1;
    for (;;) { /* warm-up doubles as calibration */
        double t0 = bench_now();
        for (int64_t r = 0; r < reps; r++) fn(arg);
        if (bench_now() - t0 >= min_seconds || reps >= (1 << 30)) break;
        reps *= 2;
    }
    double per_call[64];
    if (samples > 64) samples = 64;
    for (int s = 0; s < samples; s++) {
        double t0 = bench_now();
        for (int64_t r = 0; r < reps; r++) fn(arg);
        per_call[s] = (bench_now() - t0) / (double)reps;
    }
    return bench_median(per_call, samples);
}
