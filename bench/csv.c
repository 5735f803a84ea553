/* bench/csv.c — `nabla-bench csv [--rows N] [--cols K] [--keep PATH | --file PATH]`:
 * CSV loading speed and memory.
 *
 * Writes a seeded N x K numeric CSV (default 1,000,000 x 20, values like
 * pandas' float output: N(0, 1) * 100 with 6 decimals) to a temporary folder,
 * then loads it in a child process, so that the peak resident memory
 * (VmHWM in the child's /proc/self/status) counts the load alone. Reports rows per
 * second and the peak against the size of the numbers read (N K doubles),
 * then the same after also making the f32 [N, K] tensor a model would use.
 * --keep PATH keeps the file there (for bench/csv_vs_pandas.py); --file PATH
 * loads an existing file instead of writing one. */
#include "bench.h"

#include <nabla/nabla.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int write_csv(const char *path, long rows, int cols)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return -1;
    }
    nb_rng rng;
    nb_rng_seed(&rng, 20260525);
    for (int j = 0; j < cols; j++) fprintf(f, "%sc%d", j ? "," : "", j + 1);
    fputc('\n', f);
    for (long i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            fprintf(f, "%.6f%c", 100 * nb_rng_normal(&rng), j + 1 < cols ? ',' : '\n');
    return fclose(f);
}

/* Peak resident set size of this process in bytes (Linux VmHWM). */
static double peak_rss(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    double kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM:", 6)) kb = atof(line + 6);
    if (f) fclose(f);
    return kb * 1024;
}

enum { LOAD_DATASET, LOAD_THEN_TENSOR, LOAD_TENSOR };

/* In the child: load, time, report; exit status 0 on success. */
static int load_child(const char *path, int fd, int mode)
{
    double t0 = bench_now();
    if (mode == LOAD_TENSOR) { /* straight into an f32 tensor */
        nb_ctx *ctx = nb_ctx_new();
        nb_tensor *t = nb_csv_read_tensor(ctx, path, NB_F32, NULL, NULL);
        double result[2] = {bench_now() - t0, peak_rss()};
        nb_ctx_free(ctx);
        if (!t) fprintf(stderr, "nabla-bench csv: %s\n", nb_last_error());
        return t && write(fd, result, sizeof result) == sizeof result ? 0 : 1;
    }
    nb_dataset *ds = nb_csv_read(path, NULL, NULL);
    double t1 = bench_now();
    if (!ds) {
        fprintf(stderr, "nabla-bench csv: %s\n", nb_last_error());
        return 1;
    }
    if (mode == LOAD_THEN_TENSOR) {
        nb_ctx *ctx = nb_ctx_new();
        if (!nb_dataset_to_tensor(ctx, ds, NB_F32)) return 1;
        nb_dataset_free(ds);
        nb_ctx_free(ctx);
    } else {
        nb_dataset_free(ds);
    }
    double result[2] = {t1 - t0, peak_rss()};
    return write(fd, result, sizeof result) == sizeof result ? 0 : 1;
}

/* Seconds for the load and the child's peak RSS in bytes; -1 on failure. */
static double run_child(const char *path, int mode, double *peak)
{
    int fds[2];
    if (pipe(fds) != 0) return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        _exit(load_child(path, fds[1], mode));
    }
    close(fds[1]);
    double result[2] = {-1, 0};
    ssize_t got = read(fds[0], result, sizeof result);
    close(fds[0]);
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) ||
        got != sizeof result)
        return -1;
    *peak = result[1];
    return result[0];
}

int bench_csv(int argc, char **argv)
{
    long rows = 1000000;
    int cols = 20;
    const char *keep = NULL, *file = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--rows") && i + 1 < argc) rows = atol(argv[++i]);
        else if (!strcmp(argv[i], "--cols") && i + 1 < argc) cols = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--keep") && i + 1 < argc) keep = argv[++i];
        else if (!strcmp(argv[i], "--file") && i + 1 < argc) file = argv[++i];
        else {
            fprintf(stderr, "usage: nabla-bench csv [--rows N] [--cols K] [--keep PATH | --file PATH]\n");
            return 2;
        }
    }
    char dir[] = "/tmp/nabla-bench-csv-XXXXXX", path[600];
    if (!file && !keep && !mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    if (!file) {
        snprintf(path, sizeof path, "%s", keep ? keep : strcat(dir, "/data.csv"));
        double t0 = bench_now();
        if (write_csv(path, rows, cols) != 0) return 1;
        printf("wrote %ld x %d CSV to %s in %.2f s\n", rows, cols, path, bench_now() - t0);
        file = path;
    }
    FILE *f = fopen(file, "rb");
    long bytes = 0;
    if (f && fseek(f, 0, SEEK_END) == 0) bytes = ftell(f);
    if (f) fclose(f);
    double peak, peak_t, peak_direct, best = 1e30, best_direct = 1e30;
    for (int rep = 0; rep < 3; rep++) { /* best of three: the page cache is warm after the first */
        double s = run_child(file, LOAD_DATASET, &peak), d = run_child(file, LOAD_TENSOR, &peak_direct);
        if (s < 0 || d < 0) return 1;
        if (s < best) best = s;
        if (d < best_direct) best_direct = d;
    }
    if (run_child(file, LOAD_THEN_TENSOR, &peak_t) < 0) return 1;
    double data = (double)rows * cols * 8;
    printf("csv load: %ld rows x %d cols, %.1f MB file: %.3f s, %.0f rows/s, %.1f MB/s\n", rows, cols,
           bytes / 1e6, best, rows / best, bytes / 1e6 / best);
    printf("csv peak RSS: %.1f MB = %.2fx the %.1f MB of doubles read\n", peak / 1e6, peak / data, data / 1e6);
    printf("csv peak RSS with the f32 tensor: %.1f MB = %.2fx the %.1f MB tensor\n", peak_t / 1e6,
           peak_t / (data / 2), data / 2e6);
    printf("csv straight to an f32 tensor (nb_csv_read_tensor): %.3f s, peak RSS %.1f MB = %.2fx the "
           "%.1f MB tensor\n", best_direct, peak_direct / 1e6, peak_direct / (data / 2), data / 2e6);
    if (!keep && file == path) {
        remove(path);
        rmdir(dir);
    }
    return 0;
}
