/* models/model.c — the host's side of a model: making and freeing one, and
 * reading what it knows (type, parameters, names, labels, repro record). */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

nb_fit_options nb_fit_options_default(void)
{
    return (nb_fit_options){0};
}

nb_model *nb_model_new(const nb_model_type *type, const nb_params *params)
{
    if (!type) return nb__error("nb_model_new: NULL model type"), NULL;
    if (params && nb_params_spec(params, 0) != type->params && type->nparams > 0) {
        nb__error("nb_model_new: %s: the parameters were made for another schema", type->name);
        return NULL;
    }
    nb_model *m = calloc(1, sizeof *m);
    if (!m) return nb__error("nb_model_new: out of memory"), NULL;
    m->type = type;
    m->params = params ? nb_params_clone(params) : nb_params_new(type->name, type->params, type->nparams);
    if (!m->params) {
        free(m);
        return NULL;
    }
    return m;
}

void nb__model_reset(nb_model *m)
{
    if (m->state) m->type->destroy(m->state);
    m->state = NULL;
    m->fitted = m->interrupted = false;
    nb_pipeline_free(m->pipeline), m->pipeline = NULL;
    nb_label_map_free(m->labels), m->labels = NULL;
    free(m->target), m->target = NULL;
    nb__strv_free(m->features, m->nfeatures), m->features = NULL, m->nfeatures = 0;
    nb__strv_free(m->inputs, m->ninputs), m->inputs = NULL, m->ninputs = 0;
    nb__strv_free(m->class_names, m->nclasses), m->class_names = NULL, m->nclasses = 0;
    free(m->env_name), m->env_name = NULL;
    memset(&m->repro, 0, sizeof m->repro);
}

void nb_model_free(nb_model *m)
{
    if (!m) return;
    nb__model_reset(m);
    nb_params_free(m->params);
    free(m->plugin_name), free(m->plugin_version);
    free(m);
}

const nb_model_type *nb_model_get_type(const nb_model *m) { return m ? m->type : NULL; }
const nb_params *nb_model_params(const nb_model *m) { return m ? m->params : NULL; }
bool nb_model_is_fitted(const nb_model *m) { return m && m->fitted; }
bool nb_model_interrupted(const nb_model *m) { return m && m->interrupted; }
const char *nb_model_target_name(const nb_model *m) { return m ? m->target : NULL; }
int64_t nb_model_nclasses(const nb_model *m) { return m ? m->nclasses : 0; }
int64_t nb_model_nfeatures(const nb_model *m) { return m ? m->nfeatures : 0; }
int nb_model_ninputs(const nb_model *m) { return m ? m->ninputs : 0; }
const nb_pipeline *nb_model_pipeline(const nb_model *m) { return m ? m->pipeline : NULL; }
const nb_repro *nb_model_repro(const nb_model *m) { return m && m->fitted ? &m->repro : NULL; }

const char *nb_model_class_name(const nb_model *m, int64_t k)
{
    return m && k >= 0 && k < m->nclasses ? m->class_names[k] : NULL;
}

const char *nb_model_feature_name(const nb_model *m, int64_t j)
{
    return m && j >= 0 && j < m->nfeatures ? m->features[j] : NULL;
}

const char *nb_model_input_name(const nb_model *m, int i)
{
    return m && i >= 0 && i < m->ninputs ? m->inputs[i] : NULL;
}

int nb_model_print(const nb_model *m, FILE *out)
{
    if (!m || !out) return nb__error("nb_model_print: NULL %s", m ? "stream" : "model"), -1;
    if (!m->fitted) return nb__error("nb_model_print: %s: not fitted", m->type->name), -1;
    if (!m->type->print) return 0;
    nb_table names = {.nclasses = m->nclasses, .features = (const char *const *)m->features,
                      .classes = (const char *const *)m->class_names, .target = m->target};
    int64_t shape[2] = {0, m->nfeatures};
    nb_ctx *ctx = nb_ctx_new();
    names.X = ctx ? nb_empty(ctx, NB_F64, 2, shape) : NULL; /* carries d */
    int rc = names.X ? m->type->print(m->state, out, &names) : -1;
    nb_ctx_free(ctx);
    return rc;
}

uint64_t nb__fnv(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t k = 0; k < n; k++) h = (h ^ p[k]) * UINT64_C(0x100000001b3);
    return h;
}

/* Numbers are hashed a 64-bit word at a time (h = (h xor bits) * prime), eight
 * times fewer steps than bytewise: "FNV-1a over words", fnv1a64w. */
uint64_t nb_dataset_checksum(const nb_dataset *ds)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    if (!ds) return h;
    int64_t n = nb_dataset_nrows(ds);
    h = nb__fnv(h, &n, sizeof n);
    for (int c = 0; c < nb_dataset_ncols(ds); c++) {
        const char *name = nb_dataset_col_name(ds, c);
        int kind = (int)nb_dataset_col_kind(ds, c);
        h = nb__fnv(nb__fnv(h, name, strlen(name) + 1), &kind, sizeof kind);
        const double *num = nb_dataset_numeric(ds, c);
        for (int64_t i = 0; i < n; i++) {
            if (num) {
                double x = isnan(num[i]) ? NAN : num[i] + 0.0; /* one NaN, one zero */
                uint64_t bits;
                memcpy(&bits, &x, sizeof bits);
                h = (h ^ bits) * UINT64_C(0x100000001b3);
            } else {
                const char *s = nb_dataset_string(ds, c, i);
                h = s ? nb__fnv(h, s, strlen(s) + 1) : nb__fnv(h, "\xff", 1);
            }
        }
    }
    return h;
}
