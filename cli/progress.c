/* cli/progress.c — what the user sees while a model trains: a progress bar
 * on stderr (only on a terminal, and only once a fit has run for a second),
 * a JSON-lines log of every step (--log), and Ctrl-C, which asks the fit to
 * stop at its next step instead of killing the process. A second Ctrl-C
 * kills it the usual way. */
#include "cli.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct cli_run {
    const char *cmd;
    FILE *log;
    const char *log_path;
    bool tty, bar_shown;
    double last_draw;  /* when the bar was last drawn (progress seconds) */
    double *loss;
    int nloss, cap;
    struct sigaction old_int;
};

static volatile sig_atomic_t stop_requested;

static void on_sigint(int sig)
{
    (void)sig;
    stop_requested = 1;
    signal(SIGINT, SIG_DFL); /* a second Ctrl-C ends the process */
}

cli_run *cli_run_start(const char *cmd, cli_staged *out, const char *log_path)
{
    cli_run *r = calloc(1, sizeof *r);
    if (!r) return cli_error(cmd, CLI_FAIL, "out of memory"), NULL;
    r->cmd = cmd;
    r->tty = isatty(STDERR_FILENO);
    r->log_path = log_path;
    const char *tmp = log_path ? cli_stage(out, log_path) : NULL;
    if (log_path && !(tmp && (r->log = fopen(tmp, "w")))) {
        if (tmp) cli_error(cmd, CLI_FAIL, "--log %s: cannot write it", log_path);
        free(r);
        return NULL;
    }
    stop_requested = 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &r->old_int);
    return r;
}

bool cli_run_interrupted(const cli_run *r) { return r && stop_requested; }

void cli_run_log(cli_run *r, const char *json)
{
    if (r && r->log && json) fprintf(r->log, "%s\n", json);
}

void cli_run_clear_bar(cli_run *r)
{
    if (r && r->bar_shown) fprintf(stderr, "\r\033[K"), fflush(stderr), r->bar_shown = false;
}

/* "fold 2/5  iter 340/1000 [=======>      ]  loss 0.41235  1520 it/s  0:02 left" */
static void draw_bar(cli_run *r, const nb_progress *p)
{
    char fold[32] = "", bar[32] = "", left[32] = "";
    if (p->nfolds) snprintf(fold, sizeof fold, "fold %d/%d  ", p->fold, p->nfolds);
    double rate = p->seconds > 0 ? (double)p->iter / p->seconds : 0;
    if (p->total > 0) {
        int w = 20, done = (int)(w * (double)p->iter / (double)p->total);
        done = done > w ? w : done;
        bar[0] = '[';
        for (int k = 0; k < w; k++) bar[k + 1] = k < done ? '=' : k == done ? '>' : ' ';
        bar[w + 1] = ']', bar[w + 2] = 0;
        double eta = rate > 0 ? (double)(p->total - p->iter) / rate : 0;
        snprintf(left, sizeof left, "  %d:%02d left", (int)eta / 60, (int)eta % 60);
    }
    fprintf(stderr, "\r\033[K%siter %lld%s%lld %s  loss %.6g  %.0f it/s%s", fold, (long long)p->iter,
            p->total > 0 ? "/" : "", p->total > 0 ? (long long)p->total : 0LL, bar, p->loss, rate, left);
    fflush(stderr);
    r->bar_shown = true;
}

static int on_progress(void *user, const nb_progress *p)
{
    cli_run *r = user;
    if (r->nloss == r->cap) {
        int cap = r->cap ? 2 * r->cap : 256;
        double *g = realloc(r->loss, (size_t)cap * sizeof *g);
        if (g) r->loss = g, r->cap = cap;
    }
    if (r->nloss < r->cap) r->loss[r->nloss++] = p->loss;
    if (r->log) {
        fprintf(r->log, "{\"event\": \"step\", \"fold\": %d, \"iter\": %lld, \"total\": %lld, \"seconds\": %.6f",
                p->fold, (long long)p->iter, (long long)p->total, p->seconds);
        if (isfinite(p->loss)) fprintf(r->log, ", \"loss\": %.17g", p->loss);
        if (isfinite(p->metric)) fprintf(r->log, ", \"%s\": %.17g", p->metric_name ? p->metric_name : "metric", p->metric);
        fprintf(r->log, "}\n");
    }
    /* a bar once a fit has run a second, redrawn ten times a second at most */
    if (p->seconds < r->last_draw) r->last_draw = 0; /* a new fit began */
    if (r->tty && p->seconds >= 1.0 && (p->seconds - r->last_draw >= 0.1 || p->iter == p->total)) {
        draw_bar(r, p);
        r->last_draw = p->seconds;
    }
    return stop_requested ? 1 : 0;
}

void cli_run_attach(cli_run *r, nb_fit_options *o)
{
    o->progress = on_progress;
    o->progress_user = r;
}

int cli_run_losses(const cli_run *r, const double **loss)
{
    *loss = r->loss;
    return r->nloss;
}

void cli_run_reset_losses(cli_run *r) { r->nloss = 0; }

int cli_run_end(cli_run *r, int status)
{
    if (!r) return status;
    cli_run_clear_bar(r);
    sigaction(SIGINT, &r->old_int, NULL);
    if (r->log) {
        bool ok = fflush(r->log) == 0 && fsync(fileno(r->log)) == 0;
        ok = fclose(r->log) == 0 && ok;
        if (status == CLI_OK && !ok) status = cli_error(r->cmd, CLI_FAIL, "--log %s: could not write it", r->log_path);
    }
    free(r->loss), free(r);
    return status;
}
