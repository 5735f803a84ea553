/* cli/svg.h — the small SVG toolkit behind the plots. */
#ifndef NB_CLI_SVG_H
#define NB_CLI_SVG_H

#include <stdio.h>

/* A panel's data ranges and, after svg_panel, its plotting box in pixels. */
typedef struct svg_axes {
    double xlo, xhi, ylo, yhi;
    double left, right, top, bottom;
} svg_axes;

/* Frame, title, axis labels, ticks and grid of a w x h panel at (x0, y0). */
void svg_panel(FILE *f, svg_axes *ax, double x0, double y0, double w, double h, const char *title,
               const char *xlabel, const char *ylabel);
double svg_x(const svg_axes *ax, double x);
double svg_y(const svg_axes *ax, double y);
/* x NULL: 1, 2, 3, ... Non-finite y are skipped. */
void svg_polyline(FILE *f, const svg_axes *ax, const double *x, const double *y, int n, const char *color);
void svg_point(FILE *f, const svg_axes *ax, double x, double y, double r, const char *color);
void svg_legend(FILE *f, const svg_axes *ax, const char *const *names, const char *const *colors, int n);
/* Escaped text; anchor "start", "middle" or "end". */
void svg_text(FILE *f, double x, double y, const char *anchor, double size, const char *s);

#endif
