/* cli/cmd_describe.c — `nabla describe DATA.csv`: the data layer's summary
 * of every column (kind, missing cells, distinct values, quartiles). */
#include "cli.h"

static const cli_opt_spec opts[] = {
    {"target", true, "COL   mark this column as the target"},
    CLI_DATA_OPTS,
};

int cli_describe(int argc, char **argv)
{
    cli_args a = {.cmd = "describe", .specs = opts, .nspecs = sizeof opts / sizeof opts[0],
                  .usage = "nabla describe DATA.csv [--target COL] [--delimiter C] [--no-quoting] [--na TOKENS]",
                  .about = "Summarises each column of a CSV (or TSV) file: its kind, count, missing cells, distinct\n"
                           "values, the commonest values, and for numbers mean, std and quartiles."};
    int status;
    if (cli_parse(&a, argc, argv, &status) < 0) return status;
    if (a.npos != 1) return cli_error(a.cmd, CLI_USAGE, "expected one CSV file (try 'nabla describe --help')");
    nb_dataset *ds;
    if ((status = cli_read_data(&a, a.pos[0], cli_get(&a, "target"), &ds)) != CLI_OK) return status;
    nb_summary *s = nb_describe(ds);
    printf("%s: ", cli_basename(a.pos[0]));
    status = s && nb_describe_print(stdout, s) == 0 ? CLI_OK : cli_lib_error(a.cmd, CLI_FAIL, NULL);
    nb_summary_free(s);
    nb_dataset_free(ds);
    return status;
}
