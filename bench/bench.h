/* bench/bench.h — timing helpers shared by the nabla-bench subcommands.
 *
 * Method everywhere: warm up, then time several samples (each repeating the
 * work until it lasts long enough to time well) and report the median. */
#ifndef NB_BENCH_H
#define NB_BENCH_H

#include <stdint.h>

double bench_now(void);                       /* seconds, CLOCK_MONOTONIC */
double bench_median(double *xs, int n);       /* sorts xs in place */

/* Calls fn(arg) `reps` times per sample, with reps grown until one sample
 * lasts at least min_seconds; returns the median seconds per call over
 * `samples` samples. */
double bench_time(void (*fn)(void *), void *arg, int samples, double min_seconds);

/* Subcommands: int NAME(int argc, char **argv), argv[0] is the subcommand. */
int bench_elementwise(int argc, char **argv);
int bench_reduce(int argc, char **argv);
int bench_matmul(int argc, char **argv);
int bench_autograd(int argc, char **argv);
int bench_nn(int argc, char **argv);
int bench_csv(int argc, char **argv);
int bench_softmax_ce(int argc, char **argv);

#endif
