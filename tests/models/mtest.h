/* tests/models/mtest.h — what the models suite's files share: paths from
 * meson, the registry with the build tree's plugins, data sets, temporary
 * folders, and running the nabla command. */
#ifndef NB_MTEST_H
#define NB_MTEST_H

#include <check.h>
#include <nabla/nabla.h>

#include "../testutil.h"

/* The build tree's plugins and the test plugins (no NABLA_PLUGIN_PATH). */
nb_registry *mt_registry(void);
const nb_model_type *mt_type(nb_registry *r, const char *name);
/* tests/fixtures/passengers.csv, target Survived, without the id, name,
 * ticket and cabin columns. */
nb_dataset *mt_passengers(void);
/* n rows of y = 1 + 2 x1 - 3 x2 (+ noise), x ~ N(0, 1), seeded. */
nb_dataset *mt_linear(int64_t n, double noise, uint64_t seed);
/* Two Gaussian blobs (k classes) as a classification set, seeded. */
nb_dataset *mt_blobs(int64_t n, int k, uint64_t seed);
/* A fresh folder under /tmp (free() the path; mt_rmdir removes it). */
char *mt_tmpdir(void);
void mt_rmdir(const char *dir);
/* "dir/name" in a static buffer (one at a time). */
const char *mt_path(const char *dir, const char *name);
/* Runs build/cli/nabla with args (NULL-terminated); returns its exit status
 * and, when asked, its stdout and stderr (free() them). */
int mt_nabla(char **out, char **err, const char *const *args);
#define MT_NABLA(out, err, ...) mt_nabla(out, err, (const char *const[]){__VA_ARGS__, NULL})
/* Whole file as a string (free() it), or NULL. */
char *mt_slurp(const char *path, size_t *len);
int mt_spit(const char *path, const void *data, size_t len);

#define ck_assert_contains(hay, needle)                                                  \
    ck_assert_msg((hay) && strstr((hay), (needle)), "'%s' does not contain '%s'", (hay) ? (hay) : "(null)", (needle))

/* The test cases, one constructor per file. */
TCase *mt_params_case(void);
TCase *mt_metrics_case(void);
TCase *mt_registry_case(void);
TCase *mt_model_case(void);
TCase *mt_files_case(void);
TCase *mt_eval_case(void);
TCase *mt_cli_case(void);

#endif
