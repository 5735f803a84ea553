/* tests/test_autograd.c — the autograd layer's Check suite. Each file under
 * tests/autograd/ contributes test cases (declared in autograd/cases.h). */
#include <stdlib.h>

#include "autograd/cases.h"

int main(void)
{
    Suite *s = suite_create("autograd");
    TCase *(*cases[])(void) = {AUTOGRAD_CASES};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) suite_add_tcase(s, cases[i]());
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK); /* see tests/test_tensor.c */
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
