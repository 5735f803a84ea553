/* tests/models/plugins/broken.c — deliberately broken plugins, one per
 * build (meson passes -DBROKEN=n), each refused by the registry for one
 * reason: 1 wrong ABI major, 2 newer ABI minor, 3 no entry symbol, 4 a
 * model-type name another plugin has (linreg), 5 a default out of range,
 * 6 wrong magic, 7 a missing required function, 8 a second plugin called
 * "baseline" (shadowed, not refused). */
#include <nabla/model.h>

#include <stdlib.h>

static void *create(const nb_params *p) { (void)p; return malloc(1); }
static int fit(void *m, const nb_source *s, nb_fit_ctx *fc) { (void)m, (void)s, (void)fc; return 0; }
static nb_tensor *predict(void *m, nb_ctx *c, const nb_table *t) { (void)m; return nb_zeros(c, NB_F64, 1, t->X->shape); }
static int save(const void *m, nb_state *st) { (void)m, (void)st; return 0; }
static void *load(const nb_params *p, const nb_state *st) { (void)st; return create(p); }
#if BROKEN != 7
static void destroy(void *m) { free(m); }
#endif

#if BROKEN == 5
static const nb_param_spec bad_params[] = {{"k", NB_PARAM_INT, "0", "[1, 10]", NULL, "out of range default"}};
#endif

static const nb_model_type type = {
    .size = sizeof(nb_model_type),
#if BROKEN == 4
    .name = "linreg",
#else
    .name = "broken_model",
#endif
    .summary = "a broken test plugin", .task = NB_TASK_REGRESSION,
#if BROKEN == 5
    .params = bad_params, .nparams = 1,
#endif
    .create = create, .fit = fit, .predict = predict, .save = save, .load = load,
#if BROKEN != 7
    .destroy = destroy,
#endif
};

static const nb_model_type *const models[] = {&type};
static const nb_plugin_desc desc = {
#if BROKEN == 6
    UINT64_C(0x1234), (uint32_t)sizeof(nb_plugin_desc), NB_ABI_MAJOR, NB_ABI_MINOR,
#elif BROKEN == 1
    NB_PLUGIN_MAGIC, (uint32_t)sizeof(nb_plugin_desc), 99, 0,
#elif BROKEN == 2
    NB_PLUGIN_MAGIC, (uint32_t)sizeof(nb_plugin_desc), NB_ABI_MAJOR, 99,
#else
    NB_PLUGIN_HEADER,
#endif
#if BROKEN == 8
    "baseline",
#else
    "broken",
#endif
    "0.0", "MIT", models, 1, NULL, 0};

#if BROKEN == 3
const nb_plugin_desc *not_the_entry(void);
const nb_plugin_desc *not_the_entry(void) { return &desc; }
#else
NB_PLUGIN_DEFINE(desc)
#endif
