/* tests/nn/test_io.c — safetensors files (round trips, the byte layout,
 * every kind of broken file refused with a clear message), module weights
 * saved and loaded bit for bit, and checkpoints that resume training exactly. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cases.h"

static char tmpdir[64];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/nabla_nn_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    char path[512];
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.') snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name), remove(path);
    if (d) closedir(d);
    rmdir(tmpdir);
}

static const char *tmp_path(const char *name)
{
    static char path[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s/%s", tmpdir, name);
    return path[k];
}

/* ---- the format ----------------------------------------------------------------- */

START_TEST(round_trip_keeps_names_dtypes_shapes_values_and_metadata)
{
    make_tmpdir();
    nb_ctx *c = nb_ctx_new();
    nb_tensor *m = NN_F32(c, NB_SHAPE(2, 3), 1.5, -2, 3, 4, 5e-30, -0.0);
    nb_tensor *ts[] = {
        m, nb_transpose(c, m, 0, 1), /* a view is written in C order */
        NN_F64(c, NB_SHAPE(2), 1.0 / 3, -1e300), nb_from_data(c, NB_I64, NB_SHAPE(3), (int64_t[]){-1, 9007199254740993LL, 7}),
        nn_tensor(c, NB_I32, NB_SHAPE(1, 2), (double[]){-2147483648.0, 5}),
        nn_tensor(c, NB_BOOL, NB_SHAPE(3), (double[]){1, 0, 1}), nb_scalar(c, NB_F64, 2.5),
        nb_zeros(c, NB_F32, NB_SHAPE(0, 4)),
    };
    const char *names[] = {"w", "w.T", "f64", "i64", "i32", "mask", "scalar", "empty"};
    nb_named_tensor nt[8];
    for (int i = 0; i < 8; i++) nt[i] = (nb_named_tensor){names[i], ts[i]};
    nb_metadata meta[] = {{"format", "pt"}, {"config", "{\"layers\": [1, 2]}"}, {"é", "ü"}};
    ck_assert_int_eq(nb_safetensors_save(tmp_path("a.safetensors"), nt, 8, meta, 3), 0);
    nb_safetensors *st = nb_safetensors_load(c, tmp_path("a.safetensors"));
    ck_assert_msg(st != NULL, "%s", nb_last_error());
    ck_assert_int_eq(st->n, 8);
    for (int i = 0; i < 8; i++) {
        ck_assert_str_eq(st->tensors[i].name, names[i]); /* file order is write order */
        ck_tensor_equal(st->tensors[i].tensor, i == 1 ? nb_contiguous(c, ts[1]) : ts[i]);
    }
    ck_assert_int_eq(nb_item_i64(nb_safetensors_find(st, "i64") ? nb_slice(c, nb_safetensors_find(st, "i64"), 0, 1, 2, 1) : NULL), 9007199254740993LL);
    ck_assert_str_eq(nb_safetensors_meta(st, "config"), "{\"layers\": [1, 2]}");
    ck_assert_str_eq(nb_safetensors_meta(st, "é"), "ü");
    ck_assert_ptr_null(nb_safetensors_meta(st, "nope"));
    ck_assert_ptr_null(nb_safetensors_find(st, "nope"));
    nb_ctx_free(c);
    remove_tmpdir();
}
END_TEST

static unsigned char *read_all(const char *path, long *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    *len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)*len + 1);
    ck_assert_int_eq(fread(buf, 1, (size_t)*len, f), (size_t)*len);
    fclose(f);
    buf[*len] = 0;
    return buf;
}

START_TEST(file_has_the_standard_layout)
{
    make_tmpdir();
    nb_ctx *c = nb_ctx_new();
    nb_named_tensor nt[] = {{"a", NN_F32(c, NB_SHAPE(2), 1, -2)}, {"b", NN_I64(c, NB_SHAPE(1), 258)}};
    ck_assert_int_eq(nb_safetensors_save(tmp_path("l.safetensors"), nt, 2, (nb_metadata[]){{"k", "v"}}, 1), 0);
    long len;
    unsigned char *buf = read_all(tmp_path("l.safetensors"), &len);
    uint64_t n = 0;
    for (int i = 7; i >= 0; i--) n = n << 8 | buf[i];
    ck_assert_int_eq(n % 8, 0);                 /* header padded to 8 bytes */
    ck_assert_int_eq((long)(8 + n + 8 + 8), len); /* 2 floats + 1 int64 after it */
    char *header = (char *)buf + 8;
    ck_assert_int_eq(header[0], '{');
    const char *want = "{\"__metadata__\":{\"k\":\"v\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                       "\"b\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[8,16]}}";
    ck_assert_int_eq(strncmp(header, want, strlen(want)), 0);
    for (size_t i = strlen(want); i < n; i++) ck_assert_int_eq(header[i], ' ');
    const unsigned char *data = buf + 8 + n; /* little-endian: 1.0f = 00 00 80 3f; 258 = 02 01 00.. */
    ck_assert(data[0] == 0 && data[1] == 0 && data[2] == 0x80 && data[3] == 0x3f);
    ck_assert(data[8] == 2 && data[9] == 1 && data[10] == 0);
    free(buf);
    nb_ctx_free(c);
    remove_tmpdir();
}
END_TEST

/* A file from a header text and n data bytes (all 0x01). */
static nb_safetensors *from_parts(nb_ctx *c, const char *header, size_t ndata)
{
    size_t h = strlen(header), len = 8 + h + ndata;
    unsigned char *buf = malloc(len);
    for (int i = 0; i < 8; i++) buf[i] = (unsigned char)((uint64_t)h >> (8 * i));
    memcpy(buf + 8, header, h);
    memset(buf + 8 + h, 1, ndata);
    nb_safetensors *st = nb_safetensors_load_buffer(c, buf, len, "f.st");
    free(buf);
    return st;
}

#define F32_3(offs) "{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":" offs "}}"

START_TEST(broken_files_are_refused_with_clear_messages)
{
    nb_ctx *c = nb_ctx_new();
    ck_assert_ptr_nonnull(from_parts(c, F32_3("[0,12]"), 12));
    ck_assert_ptr_nonnull(from_parts(c, "{}", 0));
    ck_assert_error(nb_safetensors_load_buffer(c, "\x01\0\0", 3, "f.st"), "f.st: 3 bytes is too short");
    ck_assert_error(nb_safetensors_load_buffer(c, "\xff\0\0\0\0\0\0\0{}", 10, "f.st"), "the header length is 255 bytes but the file ends before");
    ck_assert_error(from_parts(c, F32_3("[0,12]"), 11), "the tensors end at byte 12 of the data but the file holds 11 bytes of data (truncated)");
    ck_assert_error(from_parts(c, F32_3("[0,12]"), 13), "(trailing bytes)");
    ck_assert_error(from_parts(c, F32_3("[0,8]"), 8), "data_offsets [0, 8] hold 8 bytes but F32 [3] needs 12");
    ck_assert_error(from_parts(c, F32_3("[4,16]"), 16), "tensor \"x\" starts at byte 4 of the data but the previous one ends at 0 (a gap)");
    ck_assert_error(from_parts(c, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                                  "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "(they overlap)");
    ck_assert_error(from_parts(c, F32_3("[12,0]"), 12), "\"data_offsets\" must be [begin, end] with 0 <= begin <= end");
    ck_assert_error(from_parts(c, "{\"x\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]}}", 6), "tensor \"x\" has dtype F16; nabla reads F32, F64, I32, I64 and BOOL");
    ck_assert_error(from_parts(c, "{\"x\":{\"dtype\":\"F32\",\"shape\":[-3],\"data_offsets\":[0,12]}}", 12), "shape entry 0 is not a non-negative integer");
    ck_assert_error(from_parts(c, "{\"x\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]}}", 4), "has 9 dimensions (nabla supports up to 8)");
    ck_assert_error(from_parts(c, "{\"x\":{\"shape\":[3],\"data_offsets\":[0,12]}}", 12), "tensor \"x\" has no \"dtype\" string");
    ck_assert_error(from_parts(c, "{\"x\":{\"dtype\":\"F32\",\"shape\":[3]}}", 12), "tensor \"x\" has no \"data_offsets\"");
    ck_assert_error(from_parts(c, "{\"x\":[1]}", 0), "entry \"x\" is not an object");
    ck_assert_error(from_parts(c, "{\"x\": {", 0), "f.st: header JSON, line 1 column");
    ck_assert_error(from_parts(c, "[1, 2]", 0), "the header does not start with '{'");
    ck_assert_error(from_parts(c, "{\"a\":1,\"a\":2}", 0), "duplicate");
    ck_assert_error(from_parts(c, "{\"__metadata__\":{\"k\":3}}", 0), "metadata \"k\" is not a string");
    ck_assert_error(from_parts(c, "{\"__metadata__\":[]}", 0), "\"__metadata__\" is not an object");
    ck_assert_error(nb_safetensors_load(c, "/nonexistent/x.safetensors"), "cannot open /nonexistent/x.safetensors");
    ck_assert_error(nb_safetensors_load(c, "/tmp"), "/tmp is not a regular file");
    nb_ctx_free(c);
}
END_TEST

START_TEST(bool_bytes_must_be_0_or_1)
{
    nb_ctx *c = nb_ctx_new();
    const char *h = "{\"m\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[0,2]}}";
    size_t hl = strlen(h);
    unsigned char buf[128] = {0};
    buf[0] = (unsigned char)hl;
    memcpy(buf + 8, h, hl);
    buf[8 + hl] = 1;
    nb_safetensors *st = nb_safetensors_load_buffer(c, buf, 8 + hl + 2, "b.st");
    ck_assert_ptr_nonnull(st);
    CK_VALUES(st->tensors[0].tensor, 0, 1, 0);
    buf[8 + hl + 1] = 2;
    ck_assert_error(nb_safetensors_load_buffer(c, buf, 8 + hl + 2, "b.st"), "BOOL tensor \"m\" holds the byte 2 at element 1");
    nb_ctx_free(c);
}
END_TEST

START_TEST(saving_checks_names_and_writes_atomically)
{
    make_tmpdir();
    nb_ctx *c = nb_ctx_new();
    nb_tensor *t = nb_ones(c, NB_F32, NB_SHAPE(2));
    nb_named_tensor twice[] = {{"a", t}, {"a", t}}, meta_name[] = {{"__metadata__", t}}, bad_utf8[] = {{"\xff", t}};
    ck_assert_error_status(nb_safetensors_save(tmp_path("x"), twice, 2, NULL, 0), "the name \"a\" is used twice");
    ck_assert_error_status(nb_safetensors_save(tmp_path("x"), meta_name, 1, NULL, 0), "cannot be named \"__metadata__\"");
    ck_assert_error_status(nb_safetensors_save(tmp_path("x"), bad_utf8, 1, NULL, 0), "not valid UTF-8");
    ck_assert_error_status(nb_safetensors_save(tmp_path("x"), twice, 1, (nb_metadata[]){{"k", "1"}, {"k", "2"}}, 2), "metadata key \"k\" is used twice");
    ck_assert_error_status(nb_safetensors_save("/nonexistent/dir/x", twice, 1, NULL, 0), "cannot create a temporary file beside /nonexistent/dir/x");
    ck_assert_int_eq(access(tmp_path("x"), F_OK), -1); /* nothing written */
    /* an existing file is replaced whole; no temporary file stays behind */
    ck_assert_int_eq(nb_safetensors_save(tmp_path("x"), twice, 1, NULL, 0), 0);
    nb_named_tensor other[] = {{"b", nb_zeros(c, NB_F64, NB_SHAPE(5))}};
    ck_assert_int_eq(nb_safetensors_save(tmp_path("x"), other, 1, NULL, 0), 0);
    nb_safetensors *st = nb_safetensors_load(c, tmp_path("x"));
    ck_assert(st && st->n == 1 && !strcmp(st->tensors[0].name, "b"));
    DIR *d = opendir(tmpdir);
    int files = 0;
    for (struct dirent *e; (e = readdir(d));) files += e->d_name[0] != '.';
    closedir(d);
    ck_assert_int_eq(files, 1);
    /* the file has the mode a new file gets (0666 less the umask), not the
     * owner-only 0600 of a mkstemp temporary */
    mode_t mask = umask(022);
    ck_assert_int_eq(nb_safetensors_save(tmp_path("x"), other, 1, NULL, 0), 0);
    struct stat st_mode;
    ck_assert_int_eq(stat(tmp_path("x"), &st_mode), 0);
    ck_assert_int_eq(st_mode.st_mode & 0777, 0644);
    umask(mask);
    nb_ctx_free(c);
    remove_tmpdir();
}
END_TEST

/* ---- module weights ----------------------------------------------------------- */

static nb_module *small_net(nb_ctx *p, uint64_t seed, int64_t hidden)
{
    nb_rng rng;
    nb_rng_seed(&rng, seed);
    return nb_sequential_new(p, 4, (nb_module *[]){nb_linear_new(p, &rng, 3, hidden, true),
                                                     nb_batch_norm1d_new(p, hidden, NULL), nb_tanh_new(p),
                                                     nb_linear_new(p, &rng, hidden, 2, true)});
}

START_TEST(saved_weights_reproduce_predictions_bit_for_bit)
{
    make_tmpdir();
    nb_ctx *p1 = nb_ctx_new(), *p2 = nb_ctx_new(), *c = nb_ctx_new();
    nb_module *a = small_net(p1, 1, 4), *b = small_net(p2, 2, 4);
    nb_rng rng;
    nb_rng_seed(&rng, 3);
    nb_tensor *x = nb_rand_normal(c, &rng, NB_F32, NB_SHAPE(5, 3), 0, 1);
    nb_module_forward(a, c, x); /* moves a's running statistics */
    nb_module_eval(a);
    nb_module_eval(b);
    ck_assert_int_eq(nb_module_save(a, tmp_path("w.safetensors"), (nb_metadata[]){{"arch", "small"}}, 1), 0);
    ck_assert_int_eq(nb_module_load(b, tmp_path("w.safetensors")), 0);
    ck_tensor_equal(nb_module_forward(b, c, x), nb_module_forward(a, c, x));
    ck_tensor_equal(nb_module_tensor(b, "1.running_var"), nb_module_tensor(a, "1.running_var"));
    ck_assert_int_eq(nb_item_i64(nb_module_tensor(b, "1.num_batches_tracked")), 1);
    nb_ctx_free(p1), nb_ctx_free(p2), nb_ctx_free(c);
    remove_tmpdir();
}
END_TEST

START_TEST(mismatched_weights_are_refused_and_change_nothing)
{
    make_tmpdir();
    nb_ctx *p1 = nb_ctx_new(), *p2 = nb_ctx_new(), *c = nb_ctx_new();
    nb_module *a = small_net(p1, 1, 4), *wide = small_net(p2, 2, 5);
    ck_assert_int_eq(nb_module_save(a, tmp_path("w"), NULL, 0), 0);
    nb_tensor *before = nb_clone(c, nb_module_tensor(wide, "0.weight"));
    ck_assert_error_status(nb_module_load(wide, tmp_path("w")), "\"0.weight\" is f32 [4,3] but the model has f32 [5,3]");
    ck_tensor_equal(nb_module_tensor(wide, "0.weight"), before);
    /* a file missing a name, or with one too many */
    nb_named_tensor *sd;
    int n = nb_module_state_dict(a, c, &sd);
    ck_assert_int_eq(n, 9);
    ck_assert_int_eq(nb_safetensors_save(tmp_path("short"), sd, n - 1, NULL, 0), 0);
    ck_assert_error_status(nb_module_load(a, tmp_path("short")), "\"3.bias\" (f32 [2]) is missing");
    nb_named_tensor more[10];
    memcpy(more, sd, sizeof *sd * 9);
    more[9] = (nb_named_tensor){"4.weight", sd[0].tensor};
    ck_assert_int_eq(nb_safetensors_save(tmp_path("long"), more, 10, NULL, 0), 0);
    ck_assert_error_status(nb_module_load(a, tmp_path("long")), "\"4.weight\" is not a weight of this model");
    nb_named_tensor f64[9];
    memcpy(f64, sd, sizeof f64);
    f64[0].tensor = nb_cast(c, sd[0].tensor, NB_F64);
    ck_assert_int_eq(nb_safetensors_save(tmp_path("f64"), f64, 9, NULL, 0), 0);
    ck_assert_error_status(nb_module_load(a, tmp_path("f64")), "\"0.weight\" is f64 [4,3] but the model has f32 [4,3]");
    ck_assert_error_status(nb_module_load(a, tmp_path("none")), "cannot open");
    nb_ctx_free(p1), nb_ctx_free(p2), nb_ctx_free(c);
    remove_tmpdir();
}
END_TEST

/* ---- checkpoints ------------------------------------------------------------------ */

typedef struct {
    nb_ctx *params, *step;
    nb_rng rng;
    nb_module *model;
    nb_optim *opt;
    nb_scheduler *sched;
    nb_batches *batches;
} run;

/* a model with dropout (draws from rng), Adam, a step schedule and shuffled
 * batches of a fixed data set; init_seed sets the starting weights */
static void run_start(run *r, nb_tensor *x, nb_tensor *y, uint64_t init_seed)
{
    r->params = nb_ctx_new();
    r->step = nb_ctx_new();
    nb_rng init;
    nb_rng_seed(&init, init_seed);
    nb_rng_seed(&r->rng, 99);
    r->model = nb_sequential_new(r->params, 4, (nb_module *[]){
        nb_linear_new(r->params, &init, 4, 8, true), nb_relu_new(r->params),
        nb_dropout_new(r->params, 0.3, &r->rng), nb_linear_new(r->params, &init, 8, 3, true)});
    nb_named_tensor *ps;
    int np = nb_module_parameters(r->model, r->params, &ps);
    r->opt = nb_adam_new(ps, np, 0.01, NULL);
    r->sched = nb_step_lr_new(r->opt, 2, 0.5);
    r->batches = nb_batches_new(x, y, 16, &r->rng, false);
    ck_assert(r->model && r->opt && r->sched && r->batches);
}

static void run_epoch(run *r)
{
    nb_tensor *xb, *yb;
    while (nb_batches_next(r->batches, r->step, &xb, &yb) > 0) {
        nb_tensor *loss = nb_cross_entropy(r->step, nb_module_forward(r->model, r->step, xb), yb, NULL);
        nb_optim_zero_grad(r->opt);
        ck_assert_int_eq(nb_backward(loss), 0);
        ck_assert_int_eq(nb_optim_step(r->opt), 0);
        nb_ctx_reset(r->step);
    }
    ck_assert_int_eq(nb_scheduler_step(r->sched), 0);
}

static void run_end(run *r)
{
    nb_batches_free(r->batches);
    nb_scheduler_free(r->sched);
    nb_optim_free(r->opt);
    nb_ctx_free(r->step);
    nb_ctx_free(r->params);
}

START_TEST(resuming_from_a_checkpoint_matches_not_stopping_bit_for_bit)
{
    make_tmpdir();
    nb_ctx *c = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 5);
    nb_tensor *x = nb_rand_normal(c, &rng, NB_F32, NB_SHAPE(50, 4), 0, 1);
    nb_tensor *y = nb_rand_int(c, &rng, NB_I64, NB_SHAPE(50), 0, 3);
    run straight, first, resumed;
    run_start(&straight, x, y, 1);
    for (int e = 0; e < 5; e++) run_epoch(&straight);
    run_start(&first, x, y, 1);
    for (int e = 0; e < 2; e++) run_epoch(&first);
    nb_checkpoint ck = {first.model, first.opt, first.sched, &first.rng, 2};
    ck_assert_int_eq(nb_checkpoint_save(tmp_path("ck"), &ck), 0);
    run_end(&first);
    run_start(&resumed, x, y, 77); /* other weights, a fresh optimizer and generator */
    nb_checkpoint back = {resumed.model, resumed.opt, resumed.sched, &resumed.rng, 0};
    ck_assert_msg(nb_checkpoint_load(tmp_path("ck"), &back) == 0, "%s", nb_last_error());
    ck_assert_int_eq(back.epoch, 2);
    ck_assert_double_eq(nb_optim_lr(resumed.opt), 0.005);
    for (int64_t e = back.epoch; e < 5; e++) run_epoch(&resumed);
    nb_named_tensor *a, *b;
    int na = nb_module_state_dict(straight.model, c, &a), nb = nb_module_state_dict(resumed.model, c, &b);
    ck_assert_int_eq(na, nb);
    for (int i = 0; i < na; i++) ck_tensor_equal(b[i].tensor, a[i].tensor);
    ck_assert_int_eq(nb_optim_step_count(resumed.opt), nb_optim_step_count(straight.opt));
    run_end(&straight);
    run_end(&resumed);
    nb_ctx_free(c);
    remove_tmpdir();
}
END_TEST

START_TEST(checkpoint_of_another_kind_is_refused_and_changes_nothing)
{
    make_tmpdir();
    nb_ctx *c = nb_ctx_new();
    nb_tensor *x = nb_zeros(c, NB_F32, NB_SHAPE(4, 4)), *y = nb_zeros(c, NB_I64, NB_SHAPE(4));
    run a, b;
    run_start(&a, x, y, 1);
    run_start(&b, x, y, 2);
    nb_checkpoint ck = {a.model, a.opt, a.sched, &a.rng, 3};
    ck_assert_int_eq(nb_checkpoint_save(tmp_path("ck"), &ck), 0);
    nb_named_tensor *ps;
    int np = nb_module_parameters(b.model, c, &ps);
    nb_optim *sgd = nb_sgd_new(ps, np, 0.1, NULL);
    nb_tensor *before = nb_clone(c, nb_module_tensor(b.model, "0.weight"));
    nb_rng rng_before = b.rng;
    nb_checkpoint wrong = {b.model, sgd, b.sched, &b.rng, 0};
    ck_assert_error_status(nb_checkpoint_load(tmp_path("ck"), &wrong), "the checkpoint holds a Adam optimizer, not a SGD");
    ck_tensor_equal(nb_module_tensor(b.model, "0.weight"), before);
    ck_assert(b.rng.state == rng_before.state && wrong.epoch == 0);
    /* weights alone load from a full checkpoint */
    nb_checkpoint weights_only = {.model = b.model};
    ck_assert_int_eq(nb_checkpoint_load(tmp_path("ck"), &weights_only), 0);
    ck_assert_int_eq(weights_only.epoch, 3);
    ck_tensor_equal(nb_module_tensor(b.model, "0.weight"), nb_module_tensor(a.model, "0.weight"));
    /* a checkpoint without an optimizer cannot restore one */
    ck_assert_int_eq(nb_checkpoint_save(tmp_path("w"), &weights_only), 0);
    ck_assert_error_status(nb_checkpoint_load(tmp_path("w"), &ck), "metadata \"optimizer\" is missing");
    ck_assert_error_status(nb_checkpoint_save(tmp_path("z"), &(nb_checkpoint){0}), "need a checkpoint with a model");
    nb_optim_free(sgd);
    run_end(&a);
    run_end(&b);
    nb_ctx_free(c);
    remove_tmpdir();
}
END_TEST

TCase *tcase_nn_io(void)
{
    TCase *tc = tcase_create("io");
    tcase_add_test(tc, round_trip_keeps_names_dtypes_shapes_values_and_metadata);
    tcase_add_test(tc, file_has_the_standard_layout);
    tcase_add_test(tc, broken_files_are_refused_with_clear_messages);
    tcase_add_test(tc, bool_bytes_must_be_0_or_1);
    tcase_add_test(tc, saving_checks_names_and_writes_atomically);
    tcase_add_test(tc, saved_weights_reproduce_predictions_bit_for_bit);
    tcase_add_test(tc, mismatched_weights_are_refused_and_change_nothing);
    tcase_add_test(tc, resuming_from_a_checkpoint_matches_not_stopping_bit_for_bit);
    tcase_add_test(tc, checkpoint_of_another_kind_is_refused_and_changes_nothing);
    return tc;
}
