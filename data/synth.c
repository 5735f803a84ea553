/* data/synth.c — seeded synthetic data sets, after scikit-learn's make_*.
 *
 * Each returns numeric columns x1..xd and a numeric target "y". Rows are
 * shuffled (as scikit-learn does by default) except for regression, whose
 * rows are independent draws anyway.
 *   blobs           k centres uniform in [-10, 10]^d; n/k points per centre
 *                   (the first n % k centres get one more), each centre +
 *                   cluster_std * N(0, I); y = centre number
 *   moons           two interleaved half circles: outer (cos t, sin t),
 *                   inner (1 - cos t, 1/2 - sin t), t evenly spaced in
 *                   [0, pi]; plus noise * N(0, I); y = 0 outer, 1 inner
 *   circles         outer (cos t, sin t), inner factor (cos t, sin t), t
 *                   evenly spaced in [0, 2 pi) without the end; + noise
 *   regression      X ~ N(0, I); the first n_informative coefficients are
 *                   100 U(0, 1), the rest 0; y = X w + noise * N(0, 1)
 *   classification  one cluster per class at a distinct vertex of the
 *                   hypercube [-class_sep, class_sep]^n_informative (class c
 *                   takes the vertex whose sign bits spell c); points are
 *                   N(0, I) mixed by a random matrix (entries U(-1, 1)) per
 *                   class, plus the vertex; n_redundant features are random
 *                   linear combinations of the informative ones (U(-1, 1));
 *                   remaining features are N(0, 1) noise. Columns are in that
 *                   order: informative, redundant, noise. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846

nb_synth_options nb_synth_options_default(void)
{
    return (nb_synth_options){
        .n_samples = 100, .n_features = 2, .cluster_std = 1.0, .factor = 0.8,
        .n_informative = 2, .class_sep = 1.0,
    };
}

typedef struct set {
    int64_t n;
    int d;
    double *X, *y;
} set;

static int set_alloc(set *s, int64_t n, int d, const char *fn)
{
    s->n = n, s->d = d;
    s->X = calloc((size_t)(n * d > 0 ? n * d : 1), sizeof *s->X);
    s->y = calloc((size_t)(n ? n : 1), sizeof *s->y);
    if (s->X && s->y) return 0;
    free(s->X), free(s->y);
    nb__error("%s: out of memory for %lld x %d", fn, (long long)n, d);
    return -1;
}

/* Shuffles rows (Fisher-Yates), builds the dataset, frees the arrays. */
static nb_dataset *finish(set *s, nb_rng *rng)
{
    for (int64_t i = s->n - 1; rng && i > 0; i--) {
        int64_t j = (int64_t)nb_rng_below(rng, (uint64_t)i + 1);
        for (int k = 0; k < s->d; k++) {
            double t = s->X[i * s->d + k];
            s->X[i * s->d + k] = s->X[j * s->d + k];
            s->X[j * s->d + k] = t;
        }
        double t = s->y[i];
        s->y[i] = s->y[j];
        s->y[j] = t;
    }
    nb_dataset *ds = nb_dataset_from_matrix(s->X, s->n, s->d, NULL, s->y, "y");
    free(s->X), free(s->y);
    return ds;
}

static const nb_synth_options *check(const nb_synth_options *o, nb_rng *rng, const char *fn)
{
    if (!o || !rng) {
        nb__error("%s: NULL argument", fn);
        return NULL;
    }
    if (o->n_samples < 1 || o->n_samples > ((int64_t)1 << 40) || o->n_features < 1 ||
        o->n_features > 100000 || o->n_classes < 0 || !(o->noise >= 0) || !(o->cluster_std >= 0)) {
        nb__error("%s: need n_samples >= 1, 1 <= n_features <= 100000, n_classes >= 0, noise "
                  "and cluster_std >= 0", fn);
        return NULL;
    }
    return o;
}

nb_dataset *nb_make_blobs(const nb_synth_options *o, nb_rng *rng)
{
    set s;
    if (!check(o, rng, "nb_make_blobs")) return NULL;
    int k = o->n_classes ? o->n_classes : 3, d = o->n_features;
    double *centres = malloc((size_t)k * (size_t)d * sizeof *centres);
    if (!centres || set_alloc(&s, o->n_samples, d, "nb_make_blobs") < 0) {
        free(centres);
        return NULL;
    }
    for (int64_t c = 0; c < (int64_t)k * d; c++) centres[c] = -10 + 20 * nb_rng_uniform(rng);
    for (int64_t i = 0, row = 0; i < k; i++)
        for (int64_t r = 0; r < s.n / k + (i < s.n % k); r++, row++) {
            for (int j = 0; j < d; j++)
                s.X[row * d + j] = centres[i * d + j] + o->cluster_std * nb_rng_normal(rng);
            s.y[row] = (double)i;
        }
    free(centres);
    return finish(&s, rng);
}

static nb_dataset *two_curves(const nb_synth_options *o, nb_rng *rng, bool moons)
{
    set s;
    const char *fn = moons ? "nb_make_moons" : "nb_make_circles";
    if (!check(o, rng, fn) || set_alloc(&s, o->n_samples, 2, fn) < 0) return NULL;
    int64_t n_out = s.n / 2, n_in = s.n - n_out;
    for (int64_t i = 0; i < s.n; i++) {
        bool inner = i >= n_out;
        int64_t m = inner ? n_in : n_out, t_i = inner ? i - n_out : i;
        double t = moons ? (m > 1 ? PI * (double)t_i / (double)(m - 1) : 0)
                         : 2 * PI * (double)t_i / (double)m;
        double x = cos(t), y = sin(t);
        if (moons && inner) x = 1 - x, y = 0.5 - y;
        if (!moons && inner) x *= o->factor, y *= o->factor;
        s.X[2 * i] = x + o->noise * nb_rng_normal(rng);
        s.X[2 * i + 1] = y + o->noise * nb_rng_normal(rng);
        s.y[i] = inner;
    }
    return finish(&s, rng);
}

nb_dataset *nb_make_moons(const nb_synth_options *o, nb_rng *rng) { return two_curves(o, rng, true); }
nb_dataset *nb_make_circles(const nb_synth_options *o, nb_rng *rng) { return two_curves(o, rng, false); }

nb_dataset *nb_make_regression(const nb_synth_options *o, nb_rng *rng)
{
    set s;
    if (!check(o, rng, "nb_make_regression")) return NULL;
    int d = o->n_features;
    if (o->n_informative < 0 || o->n_informative > d) {
        nb__error("nb_make_regression: n_informative %d must be in 0..n_features (%d)", o->n_informative, d);
        return NULL;
    }
    double *w = calloc((size_t)d, sizeof *w);
    if (!w || set_alloc(&s, o->n_samples, d, "nb_make_regression") < 0) {
        free(w);
        return NULL;
    }
    for (int64_t i = 0; i < s.n * d; i++) s.X[i] = nb_rng_normal(rng);
    for (int j = 0; j < o->n_informative; j++) w[j] = 100 * nb_rng_uniform(rng);
    for (int64_t i = 0; i < s.n; i++) {
        double y = 0;
        for (int j = 0; j < d; j++) y += s.X[i * d + j] * w[j];
        s.y[i] = y + o->noise * nb_rng_normal(rng);
    }
    free(w);
    return finish(&s, NULL);
}

nb_dataset *nb_make_classification(const nb_synth_options *o, nb_rng *rng)
{
    set s;
    const char *fn = "nb_make_classification";
    if (!check(o, rng, fn)) return NULL;
    int d = o->n_features, ni = o->n_informative, nr = o->n_redundant, k = o->n_classes ? o->n_classes : 2;
    if (ni < 1 || nr < 0 || ni + nr > d || ni > 30 || (1 << ni) < k || k < 2) {
        nb__error("%s: need 1 <= n_informative <= 30, n_informative + n_redundant <= n_features, "
                  "and 2 <= n_classes <= 2^n_informative (got %d, %d, %d, %d)", fn, ni, nr, d, k);
        return NULL;
    }
    double *A = malloc((size_t)k * (size_t)ni * (size_t)ni * sizeof *A);
    double *B = malloc((size_t)(ni * nr > 0 ? ni * nr : 1) * sizeof *B), z[30];
    if (!A || !B || set_alloc(&s, o->n_samples, d, fn) < 0) {
        free(A), free(B);
        return NULL;
    }
    for (int64_t i = 0; i < (int64_t)k * ni * ni; i++) A[i] = 2 * nb_rng_uniform(rng) - 1;
    for (int64_t i = 0; i < (int64_t)ni * nr; i++) B[i] = 2 * nb_rng_uniform(rng) - 1;
    for (int64_t i = 0; i < s.n; i++) {
        int c = (int)(i % k);
        double *x = s.X + i * d;
        for (int a = 0; a < ni; a++) z[a] = nb_rng_normal(rng);
        for (int a = 0; a < ni; a++) { /* x = z A_c + vertex */
            double v = (c >> a & 1) ? o->class_sep : -o->class_sep;
            for (int b = 0; b < ni; b++) v += z[b] * A[((int64_t)c * ni + b) * ni + a];
            x[a] = v;
        }
        for (int r = 0; r < nr; r++) {
            double v = 0;
            for (int a = 0; a < ni; a++) v += x[a] * B[a * nr + r];
            x[ni + r] = v;
        }
        for (int j = ni + nr; j < d; j++) x[j] = nb_rng_normal(rng);
        s.y[i] = c;
    }
    free(A), free(B);
    return finish(&s, rng);
}
