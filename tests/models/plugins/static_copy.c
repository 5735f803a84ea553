/* tests/models/plugins/static_copy.c — a plugin linked against a static
 * libnabla instead of the shared one: the registry must refuse it (two op
 * tables and two error slots in one process). It calls nb_version so that
 * the static copy really is inside it. */
#include <nabla/model.h>

#include <stdlib.h>

static void *create(const nb_params *p) { (void)p; return malloc(1); }
static int fit(void *m, const nb_source *s, nb_fit_ctx *fc) { (void)m, (void)s, (void)fc; return 0; }
static nb_tensor *predict(void *m, nb_ctx *c, const nb_table *t) { (void)m; return nb_zeros(c, NB_F64, 1, t->X->shape); }
static int save(const void *m, nb_state *st) { (void)m, (void)st; return 0; }
static void *load(const nb_params *p, const nb_state *st) { (void)st; return create(p); }
static void destroy(void *m) { free(m); }

static const nb_model_type type = {
    .size = sizeof(nb_model_type), .name = "static_model", .summary = "built with a static libnabla",
    .task = NB_TASK_REGRESSION, .create = create, .fit = fit, .predict = predict, .save = save,
    .load = load, .destroy = destroy,
};
static const nb_model_type *const models[] = {&type};
static nb_plugin_desc desc = {NB_PLUGIN_HEADER, "static_copy", "0.0", "MIT", models, 1, NULL, 0};

__attribute__((visibility("default"))) const nb_plugin_desc *nb_plugin_entry(void);
const nb_plugin_desc *nb_plugin_entry(void)
{
    desc.version = nb_version();
    return &desc;
}
