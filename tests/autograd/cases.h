/* tests/autograd/cases.h — the test cases of the autograd suite. */
#ifndef NB_TEST_AUTOGRAD_CASES_H
#define NB_TEST_AUTOGRAD_CASES_H

#include <nabla/autograd.h>

#include "../testutil.h"

TCase *tcase_op_table(void);
TCase *tcase_engine(void);
TCase *tcase_higher_order(void);
TCase *tcase_custom_ops(void);

#define AUTOGRAD_CASES tcase_op_table, tcase_engine, tcase_higher_order, tcase_custom_ops

#endif
