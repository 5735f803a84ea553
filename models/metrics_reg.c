/* models/metrics_reg.c — regression metrics, with residuals r_i = y_i - f_i:
 *     MSE = 1/n sum r_i^2,   RMSE = sqrt(MSE),   MAE = 1/n sum |r_i|,
 *     R^2 = 1 - sum r_i^2 / sum (y_i - mean y)^2.
 * A constant y makes R^2 0/0: like scikit-learn, 1 for a perfect fit, else 0. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>

typedef struct sums {
    double sse, sae, sst;
    int64_t n;
} sums;

static int residuals(const nb_tensor *yt, const nb_tensor *yp, sums *s, const char *fn)
{
    int64_t n = 0, m = 0;
    double *a = nb__values_array(yt, &n, fn, "y_true"), *b = a ? nb__values_array(yp, &m, fn, "y_pred") : NULL;
    int rc = -1;
    if (a && b && (n != m || n < 1)) {
        nb__error("%s: y_true has %lld values and y_pred %lld (need the same number, at least 1)", fn,
                  (long long)n, (long long)m);
    } else if (a && b) {
        double mean = 0;
        for (int64_t i = 0; i < n; i++) mean += a[i] / (double)n;
        *s = (sums){0, 0, 0, n};
        for (int64_t i = 0; i < n; i++) {
            double r = a[i] - b[i], d = a[i] - mean;
            s->sse += r * r, s->sae += fabs(r), s->sst += d * d;
        }
        rc = isfinite(s->sse) && isfinite(s->sst) ? 0 : -1;
        if (rc) nb__error("%s: the values are not all finite", fn);
    }
    free(a), free(b);
    return rc;
}

double nb_metric_mse(const nb_tensor *yt, const nb_tensor *yp)
{
    sums s;
    return residuals(yt, yp, &s, "nb_metric_mse") < 0 ? NAN : s.sse / (double)s.n;
}

double nb_metric_rmse(const nb_tensor *yt, const nb_tensor *yp)
{
    sums s;
    return residuals(yt, yp, &s, "nb_metric_rmse") < 0 ? NAN : sqrt(s.sse / (double)s.n);
}

double nb_metric_mae(const nb_tensor *yt, const nb_tensor *yp)
{
    sums s;
    return residuals(yt, yp, &s, "nb_metric_mae") < 0 ? NAN : s.sae / (double)s.n;
}

double nb_metric_r2(const nb_tensor *yt, const nb_tensor *yp)
{
    sums s;
    if (residuals(yt, yp, &s, "nb_metric_r2") < 0) return NAN;
    if (s.sst == 0) return s.sse == 0 ? 1.0 : 0.0;
    return 1 - s.sse / s.sst;
}
