/* tests/test_models.c — the models layer's Check suite: parameters,
 * metrics, the plugin registry (with deliberately broken plugins), fitting
 * and predicting through the three first plugins, model files, evaluation
 * loops, environments, and the nabla command end to end. The cases live in
 * tests/models/. */
#include <stdlib.h>

#include "models/mtest.h"

int main(void)
{
    Suite *s = suite_create("models");
    TCase *(*cases[])(void) = {mt_params_case, mt_metrics_case, mt_registry_case, mt_model_case,
                               mt_files_case, mt_eval_case, mt_cli_case};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) suite_add_tcase(s, cases[i]());
    SRunner *sr = srunner_create(s);
    /* No fork: a child forked after an OpenMP region can hang in libgomp. */
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
