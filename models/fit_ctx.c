/* models/fit_ctx.c — what a plugin's fit sees of the host: the seeded
 * generator and the progress channel through which a caller can stop it. */
#include "internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

nb_rng *nb_fit_rng(nb_fit_ctx *fc) { return fc ? &fc->rng : NULL; }

int nb_fit_progress(nb_fit_ctx *fc, int64_t iter, int64_t total, double loss, double metric,
                    const char *metric_name)
{
    if (!fc) return 0;
    fc->last_iter = iter;
    if (!fc->opts || !fc->opts->progress) return 0;
    nb_progress p = {.iter = iter, .total = total, .loss = loss, .metric = metric,
                     .metric_name = metric_name, .fold = fc->opts->fold,
                     .nfolds = fc->opts->nfolds, .seconds = nb__seconds() - fc->t0};
    if (fc->opts->progress(fc->opts->progress_user, &p) == 0) return 0;
    fc->stopped = true;
    nb__error("fit interrupted after step %lld", (long long)iter);
    return 1;
}

int nb_plugin_error(const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt ? fmt : "(no message)", ap);
    va_end(ap);
    nb__error("%s", msg);
    return -1;
}
