/* cli/svg.c — just enough SVG for the plots: panels with axes, "nice" ticks
 * (1, 2 or 5 times a power of ten), lines, points and text. Coordinates in
 * data units are mapped into a panel's plotting box. */
#include "svg.h"

#include <math.h>
#include <string.h>

void svg_text(FILE *f, double x, double y, const char *anchor, double size, const char *s)
{
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%.0f\">", x, y, anchor, size);
    for (; s && *s; s++) {
        if (*s == '<') fputs("&lt;", f);
        else if (*s == '>') fputs("&gt;", f);
        else if (*s == '&') fputs("&amp;", f);
        else if (*s == '"') fputs("&quot;", f);
        else fputc(*s, f);
    }
    fputs("</text>\n", f);
}

/* The tick step: the 1, 2 or 5 times 10^k closest to span / 5. */
static double nice_step(double span)
{
    double raw = span / 5, p = pow(10, floor(log10(raw))), m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

static void widen(double *lo, double *hi)
{
    if (!isfinite(*lo) || !isfinite(*hi)) *lo = 0, *hi = 1;
    if (*hi - *lo < 1e-12 * (fabs(*lo) + fabs(*hi)) || *hi == *lo) *lo -= 0.5, *hi += 0.5;
}

void svg_panel(FILE *f, svg_axes *ax, double x0, double y0, double w, double h, const char *title,
               const char *xlabel, const char *ylabel)
{
    widen(&ax->xlo, &ax->xhi), widen(&ax->ylo, &ax->yhi);
    ax->left = x0 + 62, ax->right = x0 + w - 16, ax->top = y0 + 34, ax->bottom = y0 + h - 46;
    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#999\"/>\n",
            ax->left, ax->top, ax->right - ax->left, ax->bottom - ax->top);
    svg_text(f, x0 + w / 2, y0 + 20, "middle", 14, title);
    svg_text(f, (ax->left + ax->right) / 2, y0 + h - 10, "middle", 12, xlabel);
    fprintf(f, "<g transform=\"translate(%.1f %.1f) rotate(-90)\">", x0 + 14, (ax->top + ax->bottom) / 2);
    svg_text(f, 0, 0, "middle", 12, ylabel);
    fputs("</g>\n", f);
    for (int axis = 0; axis < 2; axis++) {
        double lo = axis ? ax->ylo : ax->xlo, hi = axis ? ax->yhi : ax->xhi, step = nice_step(hi - lo);
        for (double t = ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step) {
            char label[32];
            snprintf(label, sizeof label, "%g", fabs(t) < 1e-12 * step ? 0.0 : t);
            double px = svg_x(ax, t), py = svg_y(ax, t);
            if (axis) {
                fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>\n", ax->left, py, ax->right, py);
                svg_text(f, ax->left - 5, py + 4, "end", 10, label);
            } else {
                fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>\n", px, ax->top, px, ax->bottom);
                svg_text(f, px, ax->bottom + 14, "middle", 10, label);
            }
        }
    }
}

double svg_x(const svg_axes *ax, double x)
{
    return ax->left + (x - ax->xlo) / (ax->xhi - ax->xlo) * (ax->right - ax->left);
}

double svg_y(const svg_axes *ax, double y)
{
    return ax->bottom - (y - ax->ylo) / (ax->yhi - ax->ylo) * (ax->bottom - ax->top);
}

void svg_polyline(FILE *f, const svg_axes *ax, const double *x, const double *y, int n, const char *color)
{
    fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", color);
    for (int i = 0; i < n; i++)
        if (isfinite(y[i])) fprintf(f, "%.1f,%.1f ", svg_x(ax, x ? x[i] : i + 1), svg_y(ax, y[i]));
    fputs("\"/>\n", f);
}

void svg_point(FILE *f, const svg_axes *ax, double x, double y, double r, const char *color)
{
    if (isfinite(x) && isfinite(y))
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" fill-opacity=\"0.6\"/>\n", svg_x(ax, x),
                svg_y(ax, y), r, color);
}

void svg_legend(FILE *f, const svg_axes *ax, const char *const *names, const char *const *colors, int n)
{
    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"116\" height=\"%d\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#ccc\"/>\n",
            ax->right - 116, ax->bottom - 8 - 16 * n, 4 + 16 * n);
    for (int k = 0; k < n; k++) {
        double y = ax->bottom - 16 * (n - k) + 2;
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"4\" fill=\"%s\"/>\n", ax->right - 110, y - 5, colors[k]);
        svg_text(f, ax->right - 94, y, "start", 11, names[k]);
    }
}
