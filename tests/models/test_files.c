/* tests/models/test_files.c — model files: every plugin's model saved,
 * reloaded and predicting bit for bit the same; what a file says about
 * itself; truncated, damaged and tampered files refused with a message that
 * names the file and the problem. */
#include "mtest.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static nb_registry *reg;
static nb_ctx *ctx;
static char *dir;

static void setup(void)
{
    reg = mt_registry();
    ctx = nb_ctx_new();
    dir = mt_tmpdir();
}

static void teardown(void)
{
    mt_rmdir(dir);
    free(dir);
    nb_ctx_free(ctx);
    nb_registry_free(reg);
}

static nb_model *fit(const char *type, const char *params, const nb_dataset *ds)
{
    const nb_model_type *t = mt_type(reg, type);
    nb_params *p = nb_params_parse(t->name, t->params, t->nparams, params);
    nb_model *m = nb_model_new(t, p);
    nb_params_free(p);
    ck_assert_msg(nb_model_fit(m, ds, NULL) == 0, "%s", nb_last_error());
    return m;
}

/* Same dtype, shape and bytes. */
static void same_bits(const nb_tensor *a, const nb_tensor *b)
{
    ck_assert_int_eq(a->dtype, b->dtype);
    ck_assert(nb_same_shape(a, b));
    ck_assert_int_eq(memcmp(nb_data(a), nb_data(b), (size_t)nb_numel(a) * nb_dtype_size(a->dtype)), 0);
}

static void round_trip(const char *type, const char *params, const nb_dataset *ds)
{
    nb_model *m = fit(type, params, ds);
    const char *path = mt_path(dir, "m.safetensors");
    ck_assert_msg(nb_model_save(m, path) == 0, "%s", nb_last_error());
    nb_model *back = nb_model_load(reg, path);
    ck_assert_msg(back != NULL, "%s", nb_last_error());
    same_bits(nb_model_predict(m, ctx, ds), nb_model_predict(back, ctx, ds));
    if (nb_model_get_type(m)->predict_proba) same_bits(nb_model_predict_proba(m, ctx, ds), nb_model_predict_proba(back, ctx, ds));
    char *a = nb_params_to_string(nb_model_params(m)), *b = nb_params_to_string(nb_model_params(back));
    ck_assert_str_eq(a, b);
    ck_assert_str_eq(nb_model_repro(m)->checksum, nb_model_repro(back)->checksum);
    ck_assert_int_eq(nb_model_repro(back)->rows, nb_dataset_nrows(ds));
    ck_assert_int_eq(nb_model_nfeatures(back), nb_model_nfeatures(m));
    free(a), free(b);
    nb_model_free(m), nb_model_free(back);
}

START_TEST(files_round_trip_every_plugin)
{
    nb_dataset *pass = mt_passengers(), *lin = mt_linear(40, 0.1, 3), *three = mt_blobs(90, 3, 4);
    round_trip("logreg", NULL, pass);
    round_trip("logreg", "C=0.5", three);
    round_trip("linreg", "alpha=0.1", lin);
    round_trip("linreg", NULL, pass); /* Fare from the rest: rank-deficient one-hot */
    round_trip("baseline_classifier", "strategy=stratified,seed=9", pass);
    round_trip("baseline_regressor", "strategy=median", lin);
    round_trip("test_centre", NULL, lin); /* a text entry in the state, transform */
    nb_dataset_free(pass), nb_dataset_free(lin), nb_dataset_free(three);
}
END_TEST

START_TEST(files_info)
{
    nb_dataset *ds = mt_passengers();
    nb_model *m = fit("logreg", NULL, ds);
    const char *path = mt_path(dir, "m.safetensors");
    ck_assert_int_eq(nb_model_save(m, path), 0);
    nb_model_file_info *info = nb_model_file_info_read(path);
    ck_assert_ptr_nonnull(info);
    ck_assert_str_eq(nb_model_file_info_get(info, "format"), "nabla-model");
    ck_assert_str_eq(nb_model_file_info_get(info, "plugin"), "logreg");
    ck_assert_str_eq(nb_model_file_info_get(info, "model_type"), "logreg");
    ck_assert_str_eq(nb_model_file_info_get(info, "abi"), "1.0");
    ck_assert_contains(nb_model_file_info_get(info, "repro"), "\"data\"");
    ck_assert_contains(nb_model_file_info_get(info, "columns"), "\"target\":\"Survived\"");
    ck_assert_str_eq(nb_model_file_info_key(info, 0), "format");
    nb_dtype dt;
    int nd;
    const int64_t *shape;
    ck_assert_str_eq(nb_model_file_info_tensor(info, 0, &dt, &nd, &shape), "coef");
    ck_assert(dt == NB_F64 && nd == 2 && shape[0] == 1 && shape[1] == 10);
    nb_model_file_info_free(info);
    nb_model_free(m);
    nb_dataset_free(ds);
}
END_TEST

static char *find(char *data, size_t n, const char *s)
{
    size_t m = strlen(s);
    for (size_t i = 0; i + m <= n; i++)
        if (!memcmp(data + i, s, m)) return data + i;
    return NULL;
}

/* Replaces the first `from` in the file by `to` (same length). */
static void tamper(const char *path, const char *from, const char *to)
{
    size_t n;
    char *data = mt_slurp(path, &n);
    ck_assert_ptr_nonnull(data);
    char *at = find(data, n, from);
    ck_assert_msg(at != NULL, "no '%s' in the file", from);
    memcpy(at, to, strlen(to));
    ck_assert_int_eq(mt_spit(mt_path(dir, "bad.safetensors"), data, n), 0);
    free(data);
}

START_TEST(files_refused)
{
    nb_dataset *ds = mt_linear(30, 0.1, 5);
    nb_model *m = fit("linreg", NULL, ds);
    char good[4096], bad[4096];
    snprintf(good, sizeof good, "%s/m.safetensors", dir);
    snprintf(bad, sizeof bad, "%s/bad.safetensors", dir);
    ck_assert_int_eq(nb_model_save(m, good), 0);
    size_t n;
    char *data = mt_slurp(good, &n);
    /* truncated: the safetensors layer refuses, naming the file */
    mt_spit(bad, data, n - 5);
    ck_assert_error(nb_model_load(reg, bad), "bad.safetensors");
    mt_spit(bad, data, 20);
    ck_assert_error(nb_model_load(reg, bad), "bad.safetensors");
    /* one byte of the coefficients changed */
    data[n - 3] ^= 0x40;
    mt_spit(bad, data, n);
    ck_assert_error(nb_model_load(reg, bad), "the contents do not match the checksum (the file was damaged or modified)");
    free(data);
    /* a number of the pipeline edited: every field still parses, the checksum does not match */
    char *text = mt_slurp(good, &n), *at = find(text, n, "\\\"fill\\\":[");
    ck_assert_ptr_nonnull(at);
    while (*at < '0' || *at > '9') at++;
    *at = *at == '9' ? '8' : '9';
    mt_spit(bad, text, n);
    free(text);
    ck_assert_error(nb_model_load(reg, bad), "the contents do not match the checksum");
    /* metadata edited */
    tamper(good, "\"abi\":\"1.0\"", "\"abi\":\"2.0\"");
    ck_assert_error(nb_model_load(reg, bad), "made for plugin ABI 2.0; this nabla has ABI 1.0");
    tamper(good, "\"format_version\":\"1\"", "\"format_version\":\"7\"");
    ck_assert_error(nb_model_load(reg, bad), "format version 7; this nabla reads version 1");
    tamper(good, "\"plugin\":\"linreg\"", "\"plugin\":\"logreg\"");
    ck_assert_error(nb_model_load(reg, bad), "made by plugin 'logreg', but model type 'linreg' now comes from plugin 'linreg'");
    tamper(good, "\"model_type\":\"linreg\"", "\"model_type\":\"lineag\"");
    ck_assert_error(nb_model_load(reg, bad), "model type 'lineag' (plugin 'linreg' 1.0.0) is not available");
    tamper(good, "\"task\":\"regression\"", "\"task\":\"regressiox\"");
    ck_assert_error(nb_model_load(reg, bad), "task 'regressiox', but linreg is a regression model");
    tamper(good, "\\\"solver\\\":\\\"qr\\\"", "\\\"solver\\\":\\\"lu\\\"");
    ck_assert_error(nb_model_load(reg, bad), "params: nb_params_from_json: linreg: solver=lu: not a choice");
    tamper(good, "\"format\":\"nabla-model\"", "\"formax\":\"nabla-model\"");
    ck_assert_error(nb_model_load(reg, bad), "no 'format' in the metadata");
    ck_assert_error(nb_model_file_info_read(bad), "not a nabla model");
    /* a registry without the plugin */
    nb_registry *empty = nb_registry_new();
    ck_assert_error(nb_model_load(empty, good), "model type 'linreg' (plugin 'linreg' 1.0.0) is not available");
    nb_registry_free(empty);
    /* not a file at all */
    ck_assert_error(nb_model_load(reg, mt_path(dir, "missing.safetensors")), "missing.safetensors");
    nb_model_free(m);
    nb_dataset_free(ds);
}
END_TEST

START_TEST(files_save_errors)
{
    nb_dataset *ds = mt_linear(30, 0.1, 5);
    const nb_model_type *t = mt_type(reg, "linreg");
    nb_model *m = nb_model_new(t, NULL);
    ck_assert_error_status(nb_model_save(m, mt_path(dir, "x.safetensors")), "linreg is not fitted");
    ck_assert_int_eq(nb_model_fit(m, ds, NULL), 0);
    nb_clear_error();
    ck_assert_int_ne(nb_model_save(m, "/no/such/folder/m.safetensors"), 0);
    ck_assert_contains(nb_last_error(), "/no/such/folder/m.safetensors");
    /* a save leaves only the file behind, no temporary one */
    ck_assert_int_eq(nb_model_save(m, mt_path(dir, "m.safetensors")), 0);
    char *listing = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&listing, &len);
    DIR *d = opendir(dir);
    for (struct dirent *e; (e = readdir(d));) fprintf(f, "%s ", e->d_name);
    closedir(d), fclose(f);
    ck_assert_contains(listing, "m.safetensors");
    ck_assert_msg(!strstr(listing, "tmp"), "a temporary file was left: %s", listing);
    free(listing);
    nb_model_free(m);
    nb_dataset_free(ds);
}
END_TEST

TCase *mt_files_case(void)
{
    TCase *tc = tcase_create("files");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, files_round_trip_every_plugin);
    tcase_add_test(tc, files_info);
    tcase_add_test(tc, files_refused);
    tcase_add_test(tc, files_save_errors);
    return tc;
}
