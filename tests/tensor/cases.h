/* tests/tensor/cases.h — the test cases of the tensor suite, one function per
 * file of tests/tensor/. */
#ifndef NB_TEST_TENSOR_CASES_H
#define NB_TEST_TENSOR_CASES_H

#include "../testutil.h"

/* ck_assert_error, with the whole message: the call fails saying exactly msg. */
#define ck_assert_error_is(call, msg)                                                  \
    do {                                                                               \
        nb_clear_error();                                                              \
        ck_assert_msg((call) == NULL, "%s should have failed", #call);                 \
        ck_assert_str_eq(nb_last_error(), (msg));                                      \
    } while (0)

TCase *tcase_creation(void);
TCase *tcase_views(void);
TCase *tcase_unary(void);
TCase *tcase_binary(void);
TCase *tcase_inplace(void);
TCase *tcase_reduce(void);
TCase *tcase_matmul(void);
TCase *tcase_index(void);
TCase *tcase_print(void);
TCase *tcase_null(void);
TCase *tcase_vmath(void);
TCase *tcase_gemm(void);

#define TENSOR_CASES tcase_creation, tcase_views, tcase_unary, tcase_binary, tcase_inplace, tcase_reduce, tcase_matmul, tcase_index, tcase_print, tcase_null, tcase_vmath, tcase_gemm

#endif
