/* autograd/ops.c — the one table of ops: name, arity, forward, backward.
 *
 * Ops are identified by name, never by a number that could end up in a file.
 * An op cannot be registered without saying how it differentiates (a backward
 * rule, or an explicit not-differentiable mark), so a missing gradient shows
 * up here rather than in the middle of someone's training run. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "autograd_internal.h"

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static const nb_op_def **table;
static int table_count, table_cap;

static const nb_op_def *find_locked(const char *name)
{
    for (int i = 0; i < table_count; i++)
        if (!strcmp(table[i]->name, name)) return table[i];
    return NULL;
}

static int check_def(const nb_op_def *def)
{
    if (!def || !def->name || !def->name[0]) {
        nb__error("nb_op_register: an op needs a name");
        return -1;
    }
    if (!def->forward) {
        nb__error("nb_op_register: op '%s' has no forward function", def->name);
        return -1;
    }
    if (!def->backward && !def->not_differentiable) {
        nb__error("nb_op_register: op '%s' has no backward rule; give one or mark it "
                  "not_differentiable",
                  def->name);
        return -1;
    }
    if (def->attrs_size > NB_OP_MAX_ATTRS) {
        nb__error("nb_op_register: op '%s' has %zu bytes of attributes (max %d)", def->name,
                  def->attrs_size, NB_OP_MAX_ATTRS);
        return -1;
    }
    if (def->arity < -1 || def->arity > NB_OP_MAX_INPUTS) {
        nb__error("nb_op_register: op '%s' has arity %d (0..%d, or -1 for a list)", def->name,
                  def->arity, NB_OP_MAX_INPUTS);
        return -1;
    }
    return 0;
}

int nb_op_register(const nb_op_def *def)
{
    if (check_def(def)) return -1;
    pthread_mutex_lock(&table_lock);
    int rc = 0;
    if (find_locked(def->name)) {
        nb__error("nb_op_register: op name '%s' is already taken", def->name);
        rc = -1;
    } else if (table_count == table_cap) {
        int cap = table_cap ? 2 * table_cap : 64;
        const nb_op_def **grown = realloc(table, sizeof *grown * (size_t)cap);
        if (grown) {
            table = grown;
            table_cap = cap;
        } else {
            nb__error("nb_op_register: out of memory");
            rc = -1;
        }
    }
    if (rc == 0) table[table_count++] = def;
    pthread_mutex_unlock(&table_lock);
    return rc;
}

const nb_op_def *nb_op_find(const char *name)
{
    if (!name) return NULL;
    nb__autograd_init();
    pthread_mutex_lock(&table_lock);
    const nb_op_def *def = find_locked(name);
    pthread_mutex_unlock(&table_lock);
    return def;
}

int nb_op_count(void)
{
    nb__autograd_init();
    pthread_mutex_lock(&table_lock);
    int n = table_count;
    pthread_mutex_unlock(&table_lock);
    return n;
}

const nb_op_def *nb_op_at(int i)
{
    nb__autograd_init();
    pthread_mutex_lock(&table_lock);
    const nb_op_def *def = i >= 0 && i < table_count ? table[i] : NULL;
    pthread_mutex_unlock(&table_lock);
    return def;
}
