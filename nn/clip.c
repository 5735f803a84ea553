/* nn/clip.c — gradient clipping, as torch.nn.utils.clip_grad_norm_ and
 * clip_grad_value_. The norm is summed in double in a fixed order, so it does
 * not depend on the thread count. */
#include <math.h>

#include "nn_internal.h"

static int check_list(const char *api, const nb_named_tensor *ps, int n)
{
    if (n < 0 || (n && !ps)) {
        nb__error("%s: need an array of %d parameters", api, n);
        return -1;
    }
    for (int i = 0; i < n; i++)
        if (!ps[i].tensor) {
            nb__error("%s: parameter %d is NULL", api, i);
            return -1;
        }
    return 0;
}

/* sum |g|^p (or max |g| for p = inf) of one gradient */
static double grad_norm_part(nb_ctx *tmp, nb_tensor *g, double p)
{
    nb_tensor *c = nb_contiguous(tmp, g);
    if (!c) return NAN;
    double acc = 0;
    for (int64_t i = 0, n = nb_numel(c); i < n; i++) {
        double a = fabs(nb__get_f(nb_data(c), c->dtype, i));
        acc = isinf(p) ? (a > acc || isnan(a) ? a : acc) : p == 2 ? acc + a * a : acc + pow(a, p);
    }
    return acc;
}

double nb_clip_grad_norm(const nb_named_tensor *params, int n, double max_norm, double norm_type)
{
    if (check_list(__func__, params, n)) return -1;
    if (!(norm_type > 0) || !(max_norm >= 0)) {
        nb__error("nb_clip_grad_norm: norm_type %g must be > 0 (or INFINITY) and max_norm %g >= 0",
                  norm_type, max_norm);
        return -1;
    }
    nb_ctx *tmp = nb_ctx_new();
    if (!tmp) return -1;
    double total = 0;
    for (int i = 0; i < n; i++) {
        nb_tensor *g = nb_grad(params[i].tensor);
        double part = g ? grad_norm_part(tmp, g, norm_type) : 0;
        total = isinf(norm_type) ? (part > total || isnan(part) ? part : total) : total + part;
    }
    if (!isinf(norm_type)) total = norm_type == 2 ? sqrt(total) : pow(total, 1 / norm_type);
    double coef = max_norm / (total + 1e-6); /* PyTorch's guard against a zero norm */
    int rc = 0;
    for (int i = 0; i < n && coef < 1 && rc == 0; i++) {
        nb_tensor *g = nb_grad(params[i].tensor);
        if (g) rc = nb_scale_(g, coef);
    }
    nb_ctx_free(tmp);
    return rc ? -1 : total;
}

int nb_clip_grad_value(const nb_named_tensor *params, int n, double clip)
{
    if (check_list(__func__, params, n)) return -1;
    if (!(clip >= 0)) {
        nb__error("nb_clip_grad_value: clip %g must be >= 0", clip);
        return -1;
    }
    nb_ctx *tmp = nb_ctx_new();
    int rc = tmp ? 0 : -1;
    NB_NO_GRAD
    {
        for (int i = 0; i < n && rc == 0; i++) {
            nb_tensor *g = nb_grad(params[i].tensor);
            if (g) rc = nb_copy_(g, nb_clamp(tmp, g, -clip, clip));
        }
    }
    nb_ctx_free(tmp);
    return rc;
}
