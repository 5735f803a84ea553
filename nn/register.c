/* nn/register.c — nn's ops enter the op table once, on first use.
 *
 * The autograd layer knows nothing of nn (arrows point down), so nn adds its
 * own entries through nb_op_register; every public function that applies one
 * of them calls nb__nn_ensure first. */
#include <pthread.h>
#include <string.h>

#include "nn_internal.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int status;
static char failure[512];

static void register_all(void)
{
    status = nb__nn_register_linear() || nb__nn_register_window() || nb__nn_register_conv() || nb__nn_register_pool() ||
             nb__nn_register_losses() || nb__nn_register_embedding() || nb__nn_register_norm();
    if (status) snprintf(failure, sizeof failure, "%s", nb_last_error());
}

int nb__nn_ensure(void)
{
    pthread_once(&once, register_all);
    if (status) nb__error("nn: registering the ops failed: %s", failure);
    return status ? -1 : 0;
}

int nb_nn_init(void) { return nb__nn_ensure(); }

const nb_op_def *nb__nn_op(const char *name)
{
    if (nb__nn_ensure()) return NULL;
    const nb_op_def *def = nb_op_find(name);
    if (!def) nb__error("nn: op '%s' is missing from the op table", name);
    return def;
}

int nb__check_float(const char *api, const char *what, const nb_tensor *t)
{
    if (t->dtype != NB_F32 && t->dtype != NB_F64) {
        nb__error("%s: %s must be f32 or f64, got %s", api, what, nb_dtype_name(t->dtype));
        return -1;
    }
    return 0;
}
