/* tests/models/mtest.c — helpers for the models suite. */
#include "mtest.h"

#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

nb_registry *mt_registry(void)
{
    unsetenv("NABLA_PLUGIN_PATH");
    nb_registry *r = nb_registry_new();
    ck_assert_ptr_nonnull(r);
    /* the real plugins first, then the test ones (the broken ones are refused) */
    ck_assert_int_ge(nb_registry_load(r, (const char *[]){PLUGIN_DIR, TEST_PLUGIN_DIR}, 2), 4);
    return r;
}

const nb_model_type *mt_type(nb_registry *r, const char *name)
{
    const nb_model_type *t = nb_registry_find_model(r, name);
    ck_assert_msg(t != NULL, "%s", nb_last_error());
    return t;
}

nb_dataset *mt_passengers(void)
{
    nb_csv_options o = nb_csv_options_default();
    o.target = "Survived";
    nb_dataset *raw = nb_csv_read(FIXTURES "/passengers.csv", &o, NULL);
    ck_assert_msg(raw != NULL, "%s", nb_last_error());
    nb_dataset *ds = nb_dataset_drop(raw, (const char *[]){"PassengerId", "Name", "Ticket", "Cabin"}, 4);
    nb_dataset_free(raw);
    ck_assert_ptr_nonnull(ds);
    return ds;
}

nb_dataset *mt_linear(int64_t n, double noise, uint64_t seed)
{
    nb_rng rng;
    nb_rng_seed(&rng, seed);
    double *X = malloc((size_t)n * 2 * sizeof *X), *y = malloc((size_t)n * sizeof *y);
    for (int64_t i = 0; i < n; i++) {
        X[2 * i] = nb_rng_normal(&rng), X[2 * i + 1] = nb_rng_normal(&rng);
        y[i] = 1 + 2 * X[2 * i] - 3 * X[2 * i + 1] + noise * nb_rng_normal(&rng);
    }
    nb_dataset *ds = nb_dataset_from_matrix(X, n, 2, NULL, y, "y");
    free(X), free(y);
    ck_assert_ptr_nonnull(ds);
    return ds;
}

nb_dataset *mt_blobs(int64_t n, int k, uint64_t seed)
{
    nb_rng rng;
    nb_rng_seed(&rng, seed);
    nb_synth_options o = nb_synth_options_default();
    o.n_samples = n, o.n_classes = k, o.cluster_std = 1.0;
    nb_dataset *ds = nb_make_blobs(&o, &rng);
    ck_assert_ptr_nonnull(ds);
    return ds;
}

char *mt_tmpdir(void)
{
    char *d = strdup("/tmp/nabla-models-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(d));
    return d;
}

void mt_rmdir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            char p[4096];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            chmod(p, 0700);
            remove(p);
        }
    if (d) closedir(d);
    chmod(dir, 0700);
    rmdir(dir);
}

const char *mt_path(const char *dir, const char *name)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", dir, name);
    return buf;
}

char *mt_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) free(s), s = NULL;
    if (s) s[n] = 0;
    if (len) *len = (size_t)n;
    fclose(f);
    return s;
}

int mt_spit(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t w = fwrite(data, 1, len, f);
    return fclose(f) == 0 && w == len ? 0 : -1;
}

int mt_nabla(char **out, char **err, const char *const *args)
{
    char *dir = mt_tmpdir(), o[4096], e[4096];
    snprintf(o, sizeof o, "%s/stdout", dir), snprintf(e, sizeof e, "%s/stderr", dir);
    const char *argv[64] = {NABLA_EXE};
    int n = 1;
    for (; args[n - 1] && n < 63; n++) argv[n] = args[n - 1];
    argv[n] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, o, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, e, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid;
    int rc = posix_spawn(&pid, NABLA_EXE, &fa, NULL, (char *const *)argv, environ), status = -1;
    posix_spawn_file_actions_destroy(&fa);
    ck_assert_int_eq(rc, 0);
    waitpid(pid, &status, 0);
    if (out) *out = mt_slurp(o, NULL);
    if (err) *err = mt_slurp(e, NULL);
    mt_rmdir(dir);
    free(dir);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
