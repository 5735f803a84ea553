/* tests/models/test_registry.c — the plugin registry against the real
 * plugins and against deliberately broken ones (tests/models/plugins/): each
 * is refused with a note naming the file and the reason while the others
 * load; the first plugin of a name wins; unsafe files and folders are
 * refused; NABLA_PLUGIN_PATH is searched and its empty entries skipped. */
#include "mtest.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The note about a file whose name ends with `file`, or NULL. */
static const nb_registry_note *note_for(const nb_registry *r, const char *file)
{
    for (int k = 0; k < nb_registry_nnotes(r); k++) {
        const nb_registry_note *n = nb_registry_note_at(r, k);
        size_t a = strlen(n->path), b = strlen(file);
        if (a >= b && !strcmp(n->path + a - b, file)) return n;
    }
    return NULL;
}

static void expect_note(const nb_registry *r, const char *file, nb_note_kind kind, const char *reason)
{
    const nb_registry_note *n = note_for(r, file);
    ck_assert_msg(n != NULL, "no note about %s", file);
    ck_assert_int_eq(n->kind, kind);
    ck_assert_contains(n->reason, reason);
}

START_TEST(registry_real_plugins)
{
    unsetenv("NABLA_PLUGIN_PATH");
    nb_registry *r = nb_registry_new();
    ck_assert_int_eq(nb_registry_load(r, (const char *[]){PLUGIN_DIR}, 1), 3);
    const char *want[] = {"baseline_classifier", "baseline_regressor", "linreg", "logreg"};
    for (int k = 0; k < 4; k++) ck_assert_ptr_nonnull(mt_type(r, want[k]));
    const nb_plugin_info *p = nb_registry_model_plugin(r, mt_type(r, "linreg"));
    ck_assert_str_eq(p->name, "linreg");
    ck_assert_int_eq(p->abi_major, NB_ABI_MAJOR);
    ck_assert_contains(p->path, "/plugins/linreg.so");
    ck_assert_str_eq(nb_registry_plugin(r, 0)->name, "nabla"); /* the built-in corridor */
    ck_assert_ptr_nonnull(nb_registry_find_env(r, "corridor"));
    ck_assert_error(nb_registry_find_model(r, "svm"), "no model type 'svm' (known: baseline_classifier");
    ck_assert_error(nb_registry_find_env(r, "maze"), "no environment 'maze' (known: corridor)");
    ck_assert_int_eq(nb_registry_nnotes(r), 0);
    ck_assert_int_ge(nb_registry_nsearched(r), 1);
    /* loading the same folder again adds nothing and notes nothing */
    ck_assert_int_eq(nb_registry_load(r, (const char *[]){PLUGIN_DIR}, 1), 0);
    ck_assert_int_eq(nb_registry_nnotes(r), 0);
    nb_registry_free(r);
}
END_TEST

START_TEST(registry_refuses_broken_plugins)
{
    unsetenv("NABLA_PLUGIN_PATH");
    nb_registry *r = nb_registry_new();
    ck_assert_int_ge(nb_registry_load(r, (const char *[]){PLUGIN_DIR, TEST_PLUGIN_DIR}, 2), 4);
    expect_note(r, "/broken1.so", NB_NOTE_REFUSED, "built for plugin ABI 99.0; this nabla has ABI 1.0 (a different major version)");
    expect_note(r, "/broken2.so", NB_NOTE_REFUSED, "built for plugin ABI 1.99; this nabla has ABI 1.0 (the plugin is newer");
    expect_note(r, "/broken3.so", NB_NOTE_REFUSED, "not a nabla plugin (no entry symbol nb_plugin_entry): ");
    expect_note(r, "/broken3.so", NB_NOTE_REFUSED, "undefined symbol: nb_plugin_entry"); /* dlerror() */
    expect_note(r, "/broken4.so", NB_NOTE_REFUSED, "model type 'linreg' is already provided by " PLUGIN_DIR);
    expect_note(r, "/broken5.so", NB_NOTE_REFUSED, "model type 'broken_model': nb_params_check_schema: default: k=0: out of range");
    expect_note(r, "/broken6.so", NB_NOTE_REFUSED, "wrong magic number");
    expect_note(r, "/broken7.so", NB_NOTE_REFUSED, "a required function");
    expect_note(r, "/broken8.so", NB_NOTE_SHADOWED, "plugin 'baseline' is already loaded from " PLUGIN_DIR);
    expect_note(r, "/static_copy.so", NB_NOTE_REFUSED, "carries its own copy of libnabla");
    /* the good one among them loaded; nothing from the broken ones did */
    ck_assert_ptr_nonnull(mt_type(r, "test_vi"));
    ck_assert_error(nb_registry_find_model(r, "broken_model"), "no model type 'broken_model'");
    ck_assert_str_eq(nb_registry_model_plugin(r, mt_type(r, "linreg"))->name, "linreg");
    nb_registry_free(r);
}
END_TEST

/* Copies a file (the test plugin) into dir. */
static void copy_file(const char *from, const char *to, mode_t mode)
{
    size_t n;
    char *data = mt_slurp(from, &n);
    ck_assert_ptr_nonnull(data);
    ck_assert_int_eq(mt_spit(to, data, n), 0);
    chmod(to, mode);
    free(data);
}

START_TEST(registry_unsafe_and_bad_files)
{
    char *dir = mt_tmpdir(), plug[4096], fake[4096];
    snprintf(plug, sizeof plug, "%s/testplug.so", dir);
    snprintf(fake, sizeof fake, "%s/fake.so", dir);
    copy_file(TEST_PLUGIN_DIR "/testplug.so", plug, 0666);
    char text[512];
    memset(text, 'x', sizeof text);
    ck_assert_int_eq(mt_spit(fake, text, sizeof text), 0);
    chmod(dir, 0755);

    nb_registry *r = nb_registry_new();
    ck_assert_int_eq(nb_registry_load_path(r, dir), 0);
    expect_note(r, "/testplug.so", NB_NOTE_REFUSED, "the file is writable by other users (mode 666)");
    expect_note(r, "/fake.so", NB_NOTE_REFUSED, "not a loadable shared object: ");
    expect_note(r, "/fake.so", NB_NOTE_REFUSED, "invalid ELF header");
    nb_registry_free(r);

    chmod(plug, 0644), chmod(dir, 0777);
    r = nb_registry_new();
    ck_assert_int_eq(nb_registry_load_path(r, dir), 0);
    ck_assert_int_eq(nb_registry_nnotes(r), 1);
    ck_assert_contains(nb_registry_note_at(r, 0)->reason, "the folder is writable by other users (mode 777)");
    ck_assert_int_eq(nb_registry_load_path(r, plug), 0); /* the file alone: its folder is still unsafe */
    ck_assert_contains(nb_registry_note_at(r, 1)->reason, "its folder is writable by other users");
    nb_registry_free(r);

    chmod(dir, 0755);
    r = nb_registry_new();
    ck_assert_int_eq(nb_registry_load_path(r, plug), 0);
    ck_assert_ptr_nonnull(mt_type(r, "test_centre"));
    ck_assert_error_status(nb_registry_load_path(r, "/no/such/folder"), "No such file or directory");
    ck_assert_int_ge(nb_registry_load(r, (const char *[]){"/no/such/folder"}, 1), 0);
    expect_note(r, "/no/such/folder", NB_NOTE_REFUSED, "no such file or folder");
    nb_registry_free(r);

    /* group-writable in a shared group, or owned by someone else: refused
     * (only root can hand a file to another group or user, as CI runs) */
    if (geteuid() == 0) {
        ck_assert_int_eq(chown(plug, (uid_t)-1, 100), 0); /* Debian's "users" */
        chmod(plug, 0664);
        r = nb_registry_new();
        ck_assert_int_eq(nb_registry_load_path(r, plug), 0);
        expect_note(r, "/testplug.so", NB_NOTE_REFUSED, "the file is writable by its group (gid 100, mode 664)");
        nb_registry_free(r);
        chmod(plug, 0644);
        ck_assert_int_eq(chown(plug, 65534, (gid_t)-1), 0); /* nobody */
        r = nb_registry_new();
        ck_assert_int_eq(nb_registry_load_path(r, plug), 0);
        expect_note(r, "/testplug.so", NB_NOTE_REFUSED, "the file belongs to another user (uid 65534)");
        nb_registry_free(r);
    }
    mt_rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(registry_search_path_and_shadowing)
{
    char *dir = mt_tmpdir();
    chmod(dir, 0755);
    copy_file(TEST_PLUGIN_DIR "/testplug.so", mt_path(dir, "testplug.so"), 0644);
    copy_file(PLUGIN_DIR "/baseline.so", mt_path(dir, "baseline.so"), 0644);
    /* empty entries never mean the current directory */
    char path[4200];
    snprintf(path, sizeof path, "::%s:", dir);
    setenv("NABLA_PLUGIN_PATH", path, 1);
    nb_registry *r = nb_registry_new();
    ck_assert_int_ge(nb_registry_load(r, NULL, 0), 4);
    unsetenv("NABLA_PLUGIN_PATH");
    ck_assert_ptr_nonnull(mt_type(r, "test_vi"));
    ck_assert_ptr_nonnull(mt_type(r, "linreg")); /* the build tree comes after the path */
    ck_assert_str_eq(nb_registry_searched(r, 0), dir);
    for (int k = 0; k < nb_registry_nsearched(r); k++) ck_assert_str_ne(nb_registry_searched(r, k), ".");
    /* the copy came first: it wins, the build tree's baseline is shadowed */
    const nb_plugin_info *b = nb_registry_model_plugin(r, mt_type(r, "baseline_classifier"));
    ck_assert_contains(b->path, dir);
    expect_note(r, "/plugins/baseline.so", NB_NOTE_SHADOWED, "plugin 'baseline' is already loaded from");
    ck_assert_contains(nb_registry_install_dir(), "nabla/plugins");
    nb_registry_free(r);
    mt_rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(registry_corridor_environment)
{
    nb_registry *r = mt_registry();
    const nb_env_type *t = nb_registry_find_env(r, "corridor");
    nb_params *p = nb_params_parse(t->name, t->params, t->nparams, "length=4,max_steps=5");
    nb_env *env = nb_env_new(t, p);
    ck_assert_ptr_nonnull(env);
    ck_assert_int_eq(nb_env_n_states(env), 4);
    ck_assert_int_eq(nb_env_n_actions(env), 2);
    nb_env_result s;
    ck_assert_error_status(nb_env_step(env, 1, &s), "call nb_env_reset first");
    ck_assert_int_eq(nb_env_reset(env, 1), 0);
    ck_assert_error_status(nb_env_step(env, 2, &s), "action 2 outside 0..1");
    ck_assert_int_eq(nb_env_step(env, 0, &s), 0); /* into the wall */
    ck_assert_int_eq(s.state, 0);
    ck_assert_double_eq(s.reward, -0.01);
    for (int k = 0; k < 3; k++) ck_assert_int_eq(nb_env_step(env, 1, &s), 0);
    ck_assert(s.terminated && !s.truncated && s.state == 3 && s.reward == 1.0);
    ck_assert_error_status(nb_env_step(env, 1, &s), "the episode is over");
    nb_env_reset(env, 1);
    for (int k = 0; k < 5; k++) nb_env_step(env, 0, &s);
    ck_assert(s.truncated && !s.terminated);
    nb_env_transition tr[4];
    ck_assert(nb_env_has_model(env));
    ck_assert_int_eq(nb_env_transitions(env, 2, 1, tr, 4), 1);
    ck_assert(tr[0].next_state == 3 && tr[0].prob == 1 && tr[0].terminal);
    ck_assert_int_eq(nb_env_transitions(env, 3, 0, tr, 4), 1); /* the goal absorbs */
    ck_assert(tr[0].next_state == 3 && tr[0].reward == 0);
    ck_assert_int_eq(nb_env_transitions(env, 1, 0, tr, 0), 1); /* how many there are */
    nb_env_free(env);
    nb_params_update(p, "slip=0.25");
    env = nb_env_new(t, p);
    ck_assert_int_eq(nb_env_transitions(env, 1, 1, tr, 4), 2);
    ck_assert_double_eq(tr[0].prob + tr[1].prob, 1.0);
    ck_assert(tr[0].next_state == 2 && tr[1].next_state == 0);
    nb_env_free(env);
    nb_params_free(p);
    nb_registry_free(r);
}
END_TEST

TCase *mt_registry_case(void)
{
    TCase *tc = tcase_create("registry");
    tcase_add_test(tc, registry_real_plugins);
    tcase_add_test(tc, registry_refuses_broken_plugins);
    tcase_add_test(tc, registry_unsafe_and_bad_files);
    tcase_add_test(tc, registry_search_path_and_shadowing);
    tcase_add_test(tc, registry_corridor_environment);
    return tc;
}
