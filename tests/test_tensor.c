/* tests/test_tensor.c — the tensor layer's Check suite. Each file under
 * tests/tensor/ contributes test cases (declared in tensor/cases.h). */
#include <stdlib.h>

#include "tensor/cases.h"

int main(void)
{
    Suite *s = suite_create("tensor");
    TCase *(*cases[])(void) = {TENSOR_CASES};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) suite_add_tcase(s, cases[i]());
    SRunner *sr = srunner_create(s);
    /* No fork: a child forked after an OpenMP region can hang in libgomp. */
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
