/* models/env.c — environment instances. The host stands between a learner
 * and an environment plugin and checks both sides: actions in range going
 * in; states in range, finite rewards and transition probabilities that sum
 * to 1 coming out. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>

struct nb_env {
    const nb_env_type *type;
    void *impl;
    int64_t nstates, nactions;
    bool started, done;
};

nb_env *nb_env_new(const nb_env_type *type, const nb_params *params)
{
    const char *fn = "nb_env_new";
    if (!type) return nb__error("%s: NULL environment type", fn), NULL;
    nb_params *defaults = NULL;
    if (!params && !(params = defaults = nb_params_new(type->name, type->params, type->nparams)))
        return NULL;
    nb_env *env = calloc(1, sizeof *env);
    if (!env) nb__error("%s: out of memory", fn);
    else if (!(env->impl = type->create(params))) free(env), env = NULL;
    nb_params_free(defaults);
    if (!env) return NULL;
    env->type = type;
    env->nstates = type->n_states(env->impl);
    env->nactions = type->n_actions(env->impl);
    if (env->nstates < 1 || env->nactions < 1) {
        nb__error("%s: %s: %lld states and %lld actions (need at least one of each)", fn, type->name,
                  (long long)env->nstates, (long long)env->nactions);
        nb_env_free(env);
        return NULL;
    }
    return env;
}

void nb_env_free(nb_env *env)
{
    if (!env) return;
    if (env->impl) env->type->destroy(env->impl);
    free(env);
}

const nb_env_type *nb_env_get_type(const nb_env *env) { return env ? env->type : NULL; }
int64_t nb_env_n_states(const nb_env *env) { return env ? env->nstates : -1; }
int64_t nb_env_n_actions(const nb_env *env) { return env ? env->nactions : -1; }
bool nb_env_has_model(const nb_env *env) { return env && env->type->transitions; }

static int bad_state(const nb_env *env, const char *fn, int64_t s)
{
    nb__error("%s: %s returned state %lld, outside 0..%lld", fn, env->type->name, (long long)s,
              (long long)env->nstates - 1);
    return -1;
}

int64_t nb_env_reset(nb_env *env, uint64_t seed)
{
    if (!env) return nb__error("nb_env_reset: NULL environment"), -1;
    int64_t s = env->type->reset(env->impl, seed);
    if (s < 0 || s >= env->nstates) return bad_state(env, "nb_env_reset", s);
    env->started = true, env->done = false;
    return s;
}

int nb_env_step(nb_env *env, int64_t action, nb_env_result *out)
{
    const char *fn = "nb_env_step";
    if (!env || !out) return nb__error("%s: NULL %s", fn, env ? "output" : "environment"), -1;
    if (!env->started || env->done) {
        nb__error("%s: %s: %s", fn, env->type->name,
                  env->started ? "the episode is over; call nb_env_reset" : "call nb_env_reset first");
        return -1;
    }
    if (action < 0 || action >= env->nactions) {
        nb__error("%s: %s: action %lld outside 0..%lld", fn, env->type->name, (long long)action,
                  (long long)env->nactions - 1);
        return -1;
    }
    if (env->type->step(env->impl, action, out) < 0) return -1;
    if (out->state < 0 || out->state >= env->nstates) return bad_state(env, fn, out->state);
    if (!isfinite(out->reward)) {
        nb__error("%s: %s returned a reward of %g", fn, env->type->name, out->reward);
        return -1;
    }
    env->done = out->terminated || out->truncated;
    return 0;
}

int nb_env_transitions(const nb_env *env, int64_t state, int64_t action, nb_env_transition *out,
                       int max)
{
    const char *fn = "nb_env_transitions";
    if (!env) return nb__error("%s: NULL environment", fn), -1;
    if (!env->type->transitions) return nb__error("%s: %s has no transition model", fn, env->type->name), -1;
    if (state < 0 || state >= env->nstates || action < 0 || action >= env->nactions || max < 0 || (max && !out)) {
        nb__error("%s: %s: bad query (state %lld of %lld, action %lld of %lld, room for %d)", fn,
                  env->type->name, (long long)state, (long long)env->nstates, (long long)action,
                  (long long)env->nactions, max);
        return -1;
    }
    int n = env->type->transitions(env->impl, state, action, out, max);
    if (n < 0 || n > max) return n;
    double total = 0;
    for (int k = 0; k < n; k++) {
        if (out[k].next_state < 0 || out[k].next_state >= env->nstates) return bad_state(env, fn, out[k].next_state);
        if (!(out[k].prob >= 0 && out[k].prob <= 1) || !isfinite(out[k].reward)) {
            nb__error("%s: %s: outcome %d has probability %g and reward %g", fn, env->type->name, k,
                      out[k].prob, out[k].reward);
            return -1;
        }
        total += out[k].prob;
    }
    if (fabs(total - 1) > 1e-9) {
        nb__error("%s: %s: probabilities of (state %lld, action %lld) sum to %.17g, not 1", fn,
                  env->type->name, (long long)state, (long long)action, total);
        return -1;
    }
    return n;
}
