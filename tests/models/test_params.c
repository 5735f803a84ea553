/* tests/models/test_params.c — parameter sets: defaults, "k=v" text, typed
 * setters, text and JSON forms, and the messages for every kind of mistake. */
#include "mtest.h"

#include <math.h>
#include <stdlib.h>

static const nb_param_spec schema[] = {
    {"C", NB_PARAM_FLOAT, "1.0", "(0, inf)", NULL, "inverse strength"},
    {"max_iter", NB_PARAM_INT, "100", "[1, 1000]", NULL, "iterations"},
    {"solver", NB_PARAM_ENUM, "lbfgs", NULL, "lbfgs|sgd|adam", "optimizer"},
    {"shuffle", NB_PARAM_BOOL, "true", NULL, NULL, "shuffle rows"},
    {"name", NB_PARAM_STRING, "", NULL, NULL, "a label"},
    {"hidden", NB_PARAM_INT_LIST, "64:32", "[1, 4096]", NULL, "layer widths"},
};
enum { N = sizeof schema / sizeof schema[0] };

START_TEST(params_defaults)
{
    nb_params *p = nb_params_new("m", schema, N);
    ck_assert_ptr_nonnull(p);
    ck_assert_double_eq(nb_params_float(p, "C"), 1.0);
    ck_assert_int_eq(nb_params_int(p, "max_iter"), 100);
    ck_assert_str_eq(nb_params_string(p, "solver"), "lbfgs");
    ck_assert(nb_params_bool(p, "shuffle"));
    ck_assert_str_eq(nb_params_string(p, "name"), "");
    int n;
    const int64_t *h = nb_params_int_list(p, "hidden", &n);
    ck_assert_int_eq(n, 2);
    ck_assert_int_eq(h[0], 64);
    ck_assert_int_eq(h[1], 32);
    char *s = nb_params_to_string(p);
    ck_assert_str_eq(s, "C=1,max_iter=100,solver=lbfgs,shuffle=true,name=,hidden=64:32");
    free(s);
    nb_params_free(p);
}
END_TEST

START_TEST(params_parse_text)
{
    nb_params *p = nb_params_parse("m", schema, N, " C = 0.5 , solver=adam,shuffle=no,hidden=128,64,16,max_iter=7");
    ck_assert_msg(p != NULL, "%s", nb_last_error());
    ck_assert_double_eq(nb_params_float(p, "C"), 0.5);
    ck_assert_str_eq(nb_params_string(p, "solver"), "adam");
    ck_assert(!nb_params_bool(p, "shuffle"));
    ck_assert_int_eq(nb_params_int(p, "max_iter"), 7);
    int n;
    const int64_t *h = nb_params_int_list(p, "hidden", &n);
    ck_assert_int_eq(n, 3);
    ck_assert_int_eq(h[2], 16);
    ck_assert_int_eq(nb_params_update(p, "hidden=8:4"), 0);
    ck_assert_str_eq(nb_params_text(p, 5), "8:4");
    nb_params_free(p);
    p = nb_params_parse("m", schema, N, NULL); /* NULL and "" keep the defaults */
    ck_assert_ptr_nonnull(p);
    nb_params_free(p);
    p = nb_params_parse("m", schema, N, "");
    ck_assert_ptr_nonnull(p);
    nb_params_free(p);
}
END_TEST

START_TEST(params_errors_name_key_value_and_allowed)
{
    ck_assert_error(nb_params_parse("logreg", schema, N, "foo=1"),
                    "logreg: unknown parameter 'foo' (parameters: C, max_iter, solver");
    ck_assert_error(nb_params_parse("logreg", schema, N, "C=-1"),
                    "logreg: C=-1: out of range; C takes a number in (0, inf)");
    ck_assert_error(nb_params_parse("logreg", schema, N, "C=0"), "C=0: out of range");
    ck_assert_error(nb_params_parse("logreg", schema, N, "C=abc"), "C=abc: not a number");
    ck_assert_error(nb_params_parse("logreg", schema, N, "C=inf"), "C=inf: not a finite number");
    ck_assert_error(nb_params_parse("logreg", schema, N, "max_iter=2.5"),
                    "max_iter=2.5: not an integer; max_iter takes an integer in [1, 1000]");
    ck_assert_error(nb_params_parse("logreg", schema, N, "max_iter=1001"), "max_iter=1001: out of range");
    ck_assert_error(nb_params_parse("logreg", schema, N, "max_iter=99999999999999999999"), "not an integer");
    ck_assert_error(nb_params_parse("logreg", schema, N, "solver=newton"),
                    "solver=newton: not a choice; solver takes one of lbfgs|sgd|adam");
    ck_assert_error(nb_params_parse("logreg", schema, N, "shuffle=maybe"), "shuffle=maybe: not a boolean");
    ck_assert_error(nb_params_parse("logreg", schema, N, "hidden=64:0"), "hidden=64:0: an item is out of range");
    ck_assert_error(nb_params_parse("logreg", schema, N, "hidden=64::8"), "not a list of integers");
    ck_assert_error(nb_params_parse("logreg", schema, N, "C=1,C=2"), "C is given twice");
    ck_assert_error(nb_params_parse("logreg", schema, N, "C"), "'C' is not key=value");
    ck_assert_error(nb_params_parse("logreg", schema, N, "C=1,,max_iter=2"), "empty item");
    ck_assert_error(nb_params_parse("logreg", schema, N, "solver=sgd,5"), "'5' is not key=value");
}
END_TEST

START_TEST(params_typed_setters_and_getters)
{
    nb_params *p = nb_params_new("m", schema, N);
    ck_assert_int_eq(nb_params_set_float(p, "C", 2.5), 0);
    ck_assert_str_eq(nb_params_text(p, 0), "2.5");
    ck_assert_error_status(nb_params_set_float(p, "C", -3), "C=-3: out of range");
    ck_assert_error_status(nb_params_set_float(p, "C", NAN), "not a finite number");
    ck_assert_error_status(nb_params_set_int(p, "C", 3), "C is a float parameter");
    ck_assert_error_status(nb_params_set_int(p, "max_iter", 0), "max_iter=0: out of range");
    ck_assert_int_eq(nb_params_set_int(p, "max_iter", 5), 0);
    ck_assert_int_eq(nb_params_set_bool(p, "shuffle", false), 0);
    ck_assert_error_status(nb_params_set_string(p, "solver", "svd"), "not a choice");
    ck_assert_int_eq(nb_params_set_string(p, "solver", "sgd"), 0);
    ck_assert_int_eq(nb_params_set_int_list(p, "hidden", (int64_t[]){3, 2, 1}, 3), 0);
    ck_assert_error_status(nb_params_set_int_list(p, "hidden", (int64_t[]){0}, 1), "out of range");
    ck_assert_error_status(nb_params_set(p, "nope", "1"), "unknown parameter 'nope'");
    nb_clear_error();
    ck_assert(isnan(nb_params_float(p, "max_iter")));
    ck_assert_str_eq(nb_last_error(), "nb_params_float: m: max_iter is an int parameter");
    ck_assert_int_eq(nb_params_int(p, "missing"), 0);
    char *s = nb_params_to_string(p);
    ck_assert_str_eq(s, "C=2.5,max_iter=5,solver=sgd,shuffle=false,name=,hidden=3:2:1");
    free(s);
    nb_params_free(p);
}
END_TEST

START_TEST(params_json_round_trip)
{
    nb_params *p = nb_params_parse("m", schema, N, "C=0.1,name=run one,hidden=5");
    ck_assert_ptr_nonnull(p);
    char *js = nb_params_to_json(p);
    ck_assert_str_eq(js, "{\"C\":\"0.1\",\"max_iter\":\"100\",\"solver\":\"lbfgs\","
                         "\"shuffle\":\"true\",\"name\":\"run one\",\"hidden\":\"5\"}");
    nb_params *q = nb_params_from_json("m", schema, N, js);
    ck_assert_ptr_nonnull(q);
    ck_assert_double_eq(nb_params_float(q, "C"), 0.1);
    ck_assert_str_eq(nb_params_string(q, "name"), "run one");
    nb_params *c = nb_params_clone(q);
    ck_assert_int_eq(nb_params_int_list(c, "hidden", NULL)[0], 5);
    ck_assert_error(nb_params_from_json("m", schema, N, "{\"bogus\": \"1\"}"), "unknown parameter 'bogus'");
    ck_assert_error(nb_params_from_json("m", schema, N, "{\"C\": 1}"), "C: expected a string value");
    ck_assert_error(nb_params_from_json("m", schema, N, "{\"C\": \"-1\"}"), "C=-1: out of range");
    ck_assert_error(nb_params_from_json("m", schema, N, "{\"C\": "), "m: 1:");
    free(js);
    nb_params_free(p), nb_params_free(q), nb_params_free(c);
}
END_TEST

START_TEST(params_schema_checks)
{
    nb_param_spec bad[1];
    bad[0] = (nb_param_spec){"9lives", NB_PARAM_INT, "1", NULL, NULL, "h"};
    ck_assert_error_status(nb_params_check_schema(bad, 1), "name '9lives' is not an identifier");
    bad[0] = (nb_param_spec){"k", NB_PARAM_INT, "0", "[1, 10]", NULL, "h"};
    ck_assert_error_status(nb_params_check_schema(bad, 1), "k=0: out of range");
    bad[0] = (nb_param_spec){"k", NB_PARAM_INT, "1", "[1, 10", NULL, "h"};
    ck_assert_error_status(nb_params_check_schema(bad, 1), "bad range '[1, 10'");
    bad[0] = (nb_param_spec){"k", NB_PARAM_INT, "1", "[10, 1]", NULL, "h"};
    ck_assert_error_status(nb_params_check_schema(bad, 1), "bad range");
    bad[0] = (nb_param_spec){"k", NB_PARAM_ENUM, "a", NULL, "a||b", "h"};
    ck_assert_error_status(nb_params_check_schema(bad, 1), "an enum needs its choices");
    bad[0] = (nb_param_spec){"k", NB_PARAM_BOOL, "true", "[0, 1]", NULL, "h"};
    ck_assert_error_status(nb_params_check_schema(bad, 1), "bad range");
    bad[0] = (nb_param_spec){"k", (nb_param_type)42, "1", NULL, NULL, "h"};
    ck_assert_error_status(nb_params_check_schema(bad, 1), "unknown type 42");
    bad[0] = (nb_param_spec){"k", NB_PARAM_INT, "1", NULL, NULL, NULL};
    ck_assert_error_status(nb_params_check_schema(bad, 1), "no help line");
    nb_param_spec twice[2] = {schema[0], schema[0]};
    ck_assert_error_status(nb_params_check_schema(twice, 2), "parameter 'C' appears twice");
    ck_assert_error(nb_params_new("m", twice, 2), "appears twice");
    ck_assert_int_eq(nb_params_check_schema(schema, N), 0);
    ck_assert_str_eq(nb_param_type_name(NB_PARAM_INT_LIST), "int list");
    ck_assert_str_eq(nb_task_name(NB_TASK_CONTROL), "control");
}
END_TEST

TCase *mt_params_case(void)
{
    TCase *tc = tcase_create("params");
    tcase_add_test(tc, params_defaults);
    tcase_add_test(tc, params_parse_text);
    tcase_add_test(tc, params_errors_name_key_value_and_allowed);
    tcase_add_test(tc, params_typed_setters_and_getters);
    tcase_add_test(tc, params_json_round_trip);
    tcase_add_test(tc, params_schema_checks);
    return tc;
}
