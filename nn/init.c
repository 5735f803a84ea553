/* nn/init.c — initialisers, as torch.nn.init: each fills a float tensor in
 * place from a caller's generator. Values are drawn in C order into a
 * scratch tensor and copied in, so a view (a slice of a weight) can be
 * filled too; the copy is an in-place write outside the graph. */
#include <math.h>
#include <stdlib.h>

#include "nn_internal.h"

double nb_init_gain(nb_nonlinearity nl, double param)
{
    switch (nl) {
    case NB_GAIN_TANH: return 5.0 / 3;
    case NB_GAIN_RELU: return sqrt(2.0);
    case NB_GAIN_LEAKY_RELU: return sqrt(2 / (1 + param * param));
    case NB_GAIN_SELU: return 3.0 / 4;
    default: return 1;
    }
}

int nb_init_fans(const nb_tensor *t, int64_t *fan_in, int64_t *fan_out)
{
    NB_REQUIRE_INT(t);
    if (t->ndim < 2) {
        char s[NB_SHAPE_STR_MAX];
        nb__error("nb_init_fans: fans need at least 2 axes, got %s", nb__shape_str(s, sizeof s, t->ndim, t->shape));
        return -1;
    }
    int64_t field = 1;
    for (int d = 2; d < t->ndim; d++) field *= t->shape[d];
    if (fan_in) *fan_in = t->shape[1] * field;
    if (fan_out) *fan_out = t->shape[0] * field;
    return 0;
}

static int check_target(const char *api, const nb_tensor *t, nb_rng *rng, bool need_rng)
{
    if (!t) {
        if (!nb_last_error()[0]) nb__error("%s: tensor is NULL", api);
        return -1;
    }
    if (need_rng && !rng) {
        nb__error("%s: need a random generator", api);
        return -1;
    }
    return nb__check_float(api, "the tensor", t);
}

/* Draws t's shape of U(lo, hi) or N(lo, hi^2) values and copies them in. */
static int fill(nb_tensor *t, nb_rng *rng, bool normal, double lo, double hi)
{
    nb_ctx *tmp = nb_ctx_new();
    nb_tensor *v = !tmp ? NULL
                   : normal ? nb_rand_normal(tmp, rng, t->dtype, t->ndim, t->shape, lo, hi)
                   : lo < hi ? nb_rand_uniform(tmp, rng, t->dtype, t->ndim, t->shape, lo, hi)
                             : nb_full(tmp, t->dtype, t->ndim, t->shape, lo);
    int rc = v ? nb_copy_(t, v) : -1;
    nb_ctx_free(tmp);
    return rc;
}

int nb_init_uniform_(nb_tensor *t, nb_rng *rng, double low, double high)
{
    if (check_target(__func__, t, rng, true)) return -1;
    if (!(low <= high)) {
        nb__error("nb_init_uniform_: low %g must be <= high %g", low, high);
        return -1;
    }
    return fill(t, rng, false, low, high);
}

int nb_init_normal_(nb_tensor *t, nb_rng *rng, double mean, double std)
{
    if (check_target(__func__, t, rng, true)) return -1;
    if (!(std >= 0)) {
        nb__error("nb_init_normal_: std %g must be >= 0", std);
        return -1;
    }
    return fill(t, rng, true, mean, std);
}

int nb_init_constant_(nb_tensor *t, double value)
{
    return check_target(__func__, t, NULL, false) ? -1 : nb_fill_(t, value);
}

int nb_init_zeros_(nb_tensor *t) { return nb_init_constant_(t, 0); }
int nb_init_ones_(nb_tensor *t) { return nb_init_constant_(t, 1); }

int nb_init_xavier_uniform_(nb_tensor *t, nb_rng *rng, double gain)
{
    int64_t fi, fo;
    if (check_target(__func__, t, rng, true) || nb_init_fans(t, &fi, &fo)) return -1;
    double a = fi + fo > 0 ? gain * sqrt(6.0 / (double)(fi + fo)) : 0;
    return fill(t, rng, false, -a, a);
}

int nb_init_xavier_normal_(nb_tensor *t, nb_rng *rng, double gain)
{
    int64_t fi, fo;
    if (check_target(__func__, t, rng, true) || nb_init_fans(t, &fi, &fo)) return -1;
    return fill(t, rng, true, 0, fi + fo > 0 ? gain * sqrt(2.0 / (double)(fi + fo)) : 0);
}

/* std = gain(nl, a) / sqrt(fan) */
static int kaiming_std(const char *api, nb_tensor *t, nb_rng *rng, double a, nb_fan_mode mode,
                       nb_nonlinearity nl, double *std)
{
    int64_t fi, fo;
    if (check_target(api, t, rng, true) || nb_init_fans(t, &fi, &fo)) return -1;
    int64_t fan = mode == NB_FAN_OUT ? fo : fi;
    *std = fan > 0 ? nb_init_gain(nl, a) / sqrt((double)fan) : 0;
    return 0;
}

int nb_init_kaiming_uniform_(nb_tensor *t, nb_rng *rng, double a, nb_fan_mode mode,
                             nb_nonlinearity nl)
{
    double std;
    if (kaiming_std(__func__, t, rng, a, mode, nl, &std)) return -1;
    return fill(t, rng, false, -sqrt(3.0) * std, sqrt(3.0) * std);
}

int nb_init_kaiming_normal_(nb_tensor *t, nb_rng *rng, double a, nb_fan_mode mode,
                            nb_nonlinearity nl)
{
    double std;
    if (kaiming_std(__func__, t, rng, a, mode, nl, &std)) return -1;
    return fill(t, rng, true, 0, std);
}

/* Orthonormalises the n columns of the column-major m x n matrix q (m >= n)
 * in place by modified Gram-Schmidt, done twice for accuracy. The result is
 * the Q of A = QR with R's diagonal positive, which is what QR followed by
 * PyTorch's sign correction gives. */
static void orthonormalise(double *q, int64_t m, int64_t n)
{
    for (int64_t j = 0; j < n; j++) {
        double *a = q + j * m;
        for (int pass = 0; pass < 2; pass++)
            for (int64_t k = 0; k < j; k++) {
                double dot = 0, *b = q + k * m;
                for (int64_t i = 0; i < m; i++) dot += b[i] * a[i];
                for (int64_t i = 0; i < m; i++) a[i] -= dot * b[i];
            }
        double norm = 0;
        for (int64_t i = 0; i < m; i++) norm += a[i] * a[i];
        norm = sqrt(norm);
        for (int64_t i = 0; i < m; i++) a[i] = norm > 0 ? a[i] / norm : 0;
    }
}

int nb_init_orthogonal_(nb_tensor *t, nb_rng *rng, double gain)
{
    if (check_target(__func__, t, rng, true) || nb_init_fans(t, NULL, NULL)) return -1;
    int64_t rows = t->shape[0], cols = rows ? nb_numel(t) / rows : 0;
    bool wide = rows < cols; /* orthonormal rows instead of columns */
    int64_t m = wide ? cols : rows, n = wide ? rows : cols;
    nb_ctx *tmp = nb_ctx_new();
    nb_tensor *a = tmp ? nb_rand_normal(tmp, rng, NB_F64, NB_SHAPE(rows, cols), 0, 1) : NULL;
    double *q = a ? malloc(sizeof *q * (size_t)(m * n + 1)) : NULL;
    int rc = -1;
    if (q) {
        const double *ad = nb_data(a);
        /* column j of the m x n problem: column j of a, or row j when wide */
        for (int64_t j = 0; j < n; j++)
            for (int64_t i = 0; i < m; i++) q[j * m + i] = wide ? ad[j * cols + i] : ad[i * cols + j];
        orthonormalise(q, m, n);
        double *out = nb_data(a);
        for (int64_t j = 0; j < n; j++)
            for (int64_t i = 0; i < m; i++) out[wide ? j * cols + i : i * cols + j] = gain * q[j * m + i];
        rc = nb_copy_(t, nb_reshape(tmp, a, t->ndim, t->shape));
    }
    free(q);
    nb_ctx_free(tmp);
    return rc;
}
