/* models/env_corridor.c — the built-in test environment: a corridor.
 *
 *     [S] [ ] [ ] [ ] [ ] [G]      states 0 .. L-1, start S = 0, goal G = L-1
 *
 * Actions: 0 = left, 1 = right. With probability `slip` a move goes the
 * other way (walls keep you in place). Entering the goal gives reward +1 and
 * ends the episode; every other step gives -step_cost. After max_steps steps
 * the episode is truncated. The optimal policy is "always right", worth
 * 1 - (L - 2) step_cost from the start when slip = 0, which makes it a small
 * exact check for any control learner. */
#include "internal.h"

#include <stdlib.h>

typedef struct corridor {
    int64_t length, max_steps, pos, steps;
    double slip, step_cost;
    nb_rng rng;
} corridor;

static const nb_param_spec corridor_params[] = {
    {"length", NB_PARAM_INT, "6", "[2, 1000000]", NULL, "number of cells, start to goal"},
    {"slip", NB_PARAM_FLOAT, "0", "[0, 1]", NULL, "probability that a move goes the other way"},
    {"step_cost", NB_PARAM_FLOAT, "0.01", "[0, inf)", NULL, "reward lost per step not reaching the goal"},
    {"max_steps", NB_PARAM_INT, "100", "[1, 1000000000]", NULL, "steps before the episode is truncated"},
};

static void *corridor_create(const nb_params *p)
{
    corridor *c = calloc(1, sizeof *c);
    if (!c) return nb__error("corridor: out of memory"), NULL;
    c->length = nb_params_int(p, "length");
    c->slip = nb_params_float(p, "slip");
    c->step_cost = nb_params_float(p, "step_cost");
    c->max_steps = nb_params_int(p, "max_steps");
    return c;
}

static int64_t corridor_states(const void *env) { return ((const corridor *)env)->length; }
static int64_t corridor_actions(const void *env) { (void)env; return 2; }

static int64_t corridor_reset(void *env, uint64_t seed)
{
    corridor *c = env;
    nb_rng_seed(&c->rng, seed);
    c->pos = 0, c->steps = 0;
    return 0;
}

/* Where a move in direction dir (-1 or +1) from s lands, walls included. */
static int64_t move(const corridor *c, int64_t s, int dir)
{
    int64_t t = s + dir;
    return t < 0 ? 0 : t >= c->length ? c->length - 1 : t;
}

static int corridor_step(void *env, int64_t action, nb_env_result *out)
{
    corridor *c = env;
    int dir = action == 1 ? 1 : -1;
    if (c->slip > 0 && nb_rng_uniform(&c->rng) < c->slip) dir = -dir;
    c->pos = move(c, c->pos, dir);
    c->steps++;
    out->state = c->pos;
    out->terminated = c->pos == c->length - 1;
    out->reward = out->terminated ? 1.0 : -c->step_cost;
    out->truncated = !out->terminated && c->steps >= c->max_steps;
    return 0;
}

/* The goal is absorbing: from it every action stays there with reward 0. */
static int corridor_transitions(const void *env, int64_t s, int64_t a, nb_env_transition *out, int max)
{
    const corridor *c = env;
    if (s == c->length - 1) {
        if (max >= 1) out[0] = (nb_env_transition){s, 1.0, 0.0, true};
        return 1;
    }
    int dir = a == 1 ? 1 : -1, n = 0;
    const double prob[2] = {1 - c->slip, c->slip};
    for (int k = 0; k < 2; k++) {
        if (prob[k] == 0) continue;
        int64_t t = move(c, s, k ? -dir : dir);
        bool goal = t == c->length - 1;
        if (n < max) out[n] = (nb_env_transition){t, prob[k], goal ? 1.0 : -c->step_cost, goal};
        n++;
    }
    return n;
}

static void corridor_destroy(void *env) { free(env); }

const nb_env_type nb_env_corridor = {
    .size = sizeof(nb_env_type),
    .name = "corridor",
    .summary = "a 1-D corridor: walk right to the goal (a test environment)",
    .params = corridor_params,
    .nparams = sizeof corridor_params / sizeof corridor_params[0],
    .create = corridor_create,
    .n_states = corridor_states,
    .n_actions = corridor_actions,
    .reset = corridor_reset,
    .step = corridor_step,
    .transitions = corridor_transitions,
    .destroy = corridor_destroy,
};
