/* cli/plots.c — the --plot figure: side by side, whichever panels the run
 * has data for:
 *   learning curve      score on the training rows and on held-out rows
 *                       against the number of training rows
 *   training loss       the objective after each step of an iterative fit
 *   confusion matrix    classification: counts, shaded by the share of the
 *                       true class (row) each cell holds
 *   predicted vs actual regression: one point per held-out row, and y = x */
#include "cli.h"
#include "svg.h"

#include <math.h>
#include <stdlib.h>

enum { PANEL_W = 420, PANEL_H = 360 };

static const char *const BLUE = "#1f77b4", *const ORANGE = "#ff7f0e";

static void range(const double *v, int n, double *lo, double *hi)
{
    for (int i = 0; i < n; i++)
        if (isfinite(v[i])) *lo = fmin(*lo, v[i]), *hi = fmax(*hi, v[i]);
}

static void learning_curve(FILE *f, const cli_plot_data *d, double x0)
{
    svg_axes ax = {INFINITY, -INFINITY, INFINITY, -INFINITY, 0, 0, 0, 0};
    range(d->sizes, d->npoints, &ax.xlo, &ax.xhi);
    range(d->train_score, d->npoints, &ax.ylo, &ax.yhi);
    range(d->test_score, d->npoints, &ax.ylo, &ax.yhi);
    ax.xlo = 0;
    svg_panel(f, &ax, x0, 0, PANEL_W, PANEL_H, "learning curve", "training rows", d->score_name);
    svg_polyline(f, &ax, d->sizes, d->train_score, d->npoints, BLUE);
    svg_polyline(f, &ax, d->sizes, d->test_score, d->npoints, ORANGE);
    for (int i = 0; i < d->npoints; i++) {
        svg_point(f, &ax, d->sizes[i], d->train_score[i], 3, BLUE);
        svg_point(f, &ax, d->sizes[i], d->test_score[i], 3, ORANGE);
    }
    svg_legend(f, &ax, (const char *[]){"training rows", "held-out rows"}, (const char *[]){BLUE, ORANGE}, 2);
}

static void loss_curve(FILE *f, const cli_plot_data *d, double x0)
{
    svg_axes ax = {1, d->nloss, INFINITY, -INFINITY, 0, 0, 0, 0};
    range(d->loss, d->nloss, &ax.ylo, &ax.yhi);
    svg_panel(f, &ax, x0, 0, PANEL_W, PANEL_H, "training loss", "step", "loss");
    svg_polyline(f, &ax, NULL, d->loss, d->nloss, BLUE);
}

static void confusion(FILE *f, const cli_plot_data *d, double x0)
{
    int64_t k = d->nclasses, n = d->y_true->shape[0];
    int64_t *c = calloc((size_t)(k * k), sizeof *c), *row = calloc((size_t)k, sizeof *row);
    const int64_t *t = nb_data(d->y_true), *p = nb_data(d->y_pred);
    for (int64_t i = 0; c && row && i < n; i++) c[t[i] * k + p[i]]++, row[t[i]]++;
    double left = x0 + 90, top = 40, side = fmin(PANEL_W - 110, PANEL_H - 100), cell = side / (double)k;
    svg_text(f, x0 + PANEL_W / 2.0, 20, "middle", 14, "confusion matrix");
    for (int64_t i = 0; c && row && i < k; i++) {
        svg_text(f, left - 6, top + cell * ((double)i + 0.5) + 4, "end", 11, d->classes[i]);
        svg_text(f, left + cell * ((double)i + 0.5), top + side + 16, "middle", 11, d->classes[i]);
        for (int64_t j = 0; j < k; j++) {
            double share = row[i] ? (double)c[i * k + j] / (double)row[i] : 0;
            fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
                       "fill-opacity=\"%.3f\" stroke=\"#ccc\"/>\n",
                    left + cell * (double)j, top + cell * (double)i, cell, cell, BLUE, 0.05 + 0.85 * share);
            char count[32];
            snprintf(count, sizeof count, "%lld", (long long)c[i * k + j]);
            if (k <= 20) svg_text(f, left + cell * ((double)j + 0.5), top + cell * ((double)i + 0.5) + 4, "middle", 11, count);
        }
    }
    svg_text(f, left + side / 2, top + side + 34, "middle", 12, "predicted class");
    fprintf(f, "<g transform=\"translate(%.1f %.1f) rotate(-90)\">", x0 + 14, top + side / 2);
    svg_text(f, 0, 0, "middle", 12, "true class");
    fputs("</g>\n", f);
    free(c), free(row);
}

static void predicted_vs_actual(FILE *f, const cli_plot_data *d, double x0)
{
    int64_t n = d->y_true->shape[0];
    const double *t = nb_data(d->y_true), *p = nb_data(d->y_pred);
    svg_axes ax = {INFINITY, -INFINITY, INFINITY, -INFINITY, 0, 0, 0, 0};
    range(t, (int)n, &ax.xlo, &ax.xhi);
    range(p, (int)n, &ax.xlo, &ax.xhi);
    ax.ylo = ax.xlo, ax.yhi = ax.xhi;
    svg_panel(f, &ax, x0, 0, PANEL_W, PANEL_H, "predicted vs actual (held-out rows)", "actual", "predicted");
    svg_polyline(f, &ax, (const double[]){ax.xlo, ax.xhi}, (const double[]){ax.xlo, ax.xhi}, 2, "#999");
    for (int64_t i = 0; i < n; i++) svg_point(f, &ax, t[i], p[i], 2.5, BLUE);
}

static bool has_truth(const cli_plot_data *d)
{
    return d->y_true && d->y_pred && d->y_true->shape[0] > 0 &&
           (d->task == NB_TASK_REGRESSION ? d->y_true->dtype == NB_F64 && d->y_pred->dtype == NB_F64
                                          : d->nclasses > 0 && d->y_true->dtype == NB_I64 && d->y_pred->dtype == NB_I64);
}

static int write_plot(FILE *f, void *arg)
{
    const cli_plot_data *d = arg;
    int panels = (d->npoints > 0) + (d->nloss > 1) + has_truth(d);
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
               "font-family=\"sans-serif\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
            PANEL_W * (panels ? panels : 1), PANEL_H + 30);
    fprintf(f, "<g transform=\"translate(0 30)\">\n");
    double x = 0;
    if (d->npoints > 0) learning_curve(f, d, x), x += PANEL_W;
    if (d->nloss > 1) loss_curve(f, d, x), x += PANEL_W;
    if (has_truth(d)) {
        if (d->task == NB_TASK_REGRESSION) predicted_vs_actual(f, d, x);
        else confusion(f, d, x);
    }
    fprintf(f, "</g>\n");
    svg_text(f, 10, 20, "start", 15, d->title);
    fprintf(f, "</svg>\n");
    return ferror(f) ? -1 : 0;
}

int cli_plot_write(const char *cmd, const char *path, const cli_plot_data *d)
{
    return cli_write_file(cmd, path, write_plot, (void *)d);
}

int cli_plot_stage(cli_staged *s, const char *path, const cli_plot_data *d)
{
    return cli_stage_write(s, path, write_plot, (void *)d);
}
