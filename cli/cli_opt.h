/* cli_opt.h - one declarative option table per subcommand and one parser
 * over it.  The same table gives --help, the man page (pel --man CMD) and
 * the bash completion (pel --completion), so an option, its unit, its range
 * and its default are written once.
 *
 * Every command reports the same mistake with the same words:
 *   pel CMD: option --X needs a value
 *   pel CMD: --X: expected a number in [a, b] UNIT, got 'v'
 *   pel CMD: --X: expected an integer >= 1, got 'v'
 *   pel CMD: --X: expected one of a, b, c; got 'v'
 *   pel CMD: unknown option '--X' (see pel CMD --help)
 *   pel CMD: --X is required (see pel CMD --help)
 *   pel CMD: unexpected argument 'v' (see pel CMD --help) */
#ifndef PEL_CLI_OPT_H
#define PEL_CLI_OPT_H

#include <stddef.h>
#include <stdio.h>

/* What an option's value is and where it goes (cli_opt.dest). */
typedef enum cli_kind {
    CLI_FLAG,   /* no value; int *dest set to 1 */
    CLI_DOUBLE, /* double *dest, finite, within the declared bounds */
    CLI_LONG,   /* long *dest, within the declared bounds */
    CLI_STRING, /* const char **dest, any text */
    CLI_FILE,   /* const char **dest, a path (completes file names) */
    CLI_ENUM,   /* const char **dest, one of cli_opt.choices ("a|b|c") */
    CLI_GRID,   /* const char **dest, "from:to:step" with from <= to, step > 0,
                 * from and to within the declared bounds */
} cli_kind;

/* cli_opt.flags */
enum {
    CLI_REQ = 1u << 0,    /* must be given */
    CLI_GE = 1u << 1,     /* value >= lo */
    CLI_GT = 1u << 2,     /* value >  lo */
    CLI_LE = 1u << 3,     /* value <= hi */
    CLI_LT = 1u << 4,     /* value <  hi */
    CLI_REPEAT = 1u << 5, /* may be given more than once: each value goes to `each` */
};

typedef struct cli_opt {
    const char *name;    /* long name without "--" */
    char shrt;           /* one-letter form "-x", or 0 */
    cli_kind kind;
    void *dest;          /* see cli_kind; NULL with `each` */
    const char *arg;     /* placeholder of the value in help text ("K", "FILE") */
    const char *help;    /* one line: what the option means */
    const char *def;     /* default as shown in help; NULL: none */
    const char *unit;    /* unit of a number, shown with its range ("K", "eV") */
    double lo, hi;       /* bounds, applied as `flags` says */
    unsigned flags;
    const char *choices; /* CLI_ENUM: "fire|cg|lbfgs" */
    const char *old;     /* former name, still accepted with a note on stderr */
    /* CLI_REPEAT: called with each value in order; nonzero = error already
     * printed (the parser returns CLI_USAGE).  `value` points into argv and
     * may be cut in place ("FILE@RATE"). */
    int (*each)(void *ctx, const char *cmd, char *value);
    void *ctx;
} cli_opt;

/* One subcommand: its name, one-line summary, usage line, the text of its
 * description and output sections, and its option table. */
typedef struct cli_spec {
    const char *name;     /* "barrier" */
    const char *synopsis; /* after "pel NAME ": "--W w --m eV --T K [options]" */
    const char *about;    /* description, paragraphs separated by blank lines */
    const char *output;   /* what is printed or written; NULL: nothing to add */
    const char *args;     /* positional arguments ("CATALOG..."); NULL: none accepted */
    const cli_opt *opts;
    size_t n_opts;
    /* A second mode of the command, chosen by one of its options (md
     * --protocol), with a table of its own: called to add that table to
     * this command's man page (what = CLI_DOC_MAN, cli_man_mode) and bash
     * completion (CLI_DOC_COMPLETE, cli_complete_mode); NULL: none. */
    void (*mode_doc)(FILE *fp, int what, const struct cli_spec *base);
} cli_spec;

enum { CLI_DOC_MAN, CLI_DOC_COMPLETE };

#define CLI_NOPTS(a) (sizeof(a) / sizeof((a)[0]))
/* .opts and .n_opts of a cli_spec from one array */
#define CLI_SPEC_OPTS(a) .opts = (a), .n_opts = CLI_NOPTS(a)
#define CLI_STR_(x) #x
#define CLI_STR(x) CLI_STR_(x)

/* Options that mean the same on every command that takes them. */
#define CLI_OPT_JSON(dst, what) {.name = "json", .kind = CLI_FLAG, .dest = (dst), .help = (what)}
#define CLI_OPT_MATERIAL(dst)                                                                                         \
    {.name = "material", .kind = CLI_STRING, .dest = (dst), .arg = "NAME|FILE",                                      \
     .help = "material preset or INI file (docs/material.md)", .def = "cu56zr44"}
#define CLI_OPT_THREADS(dst)                                                                                          \
    {.name = "threads", .kind = CLI_LONG, .dest = (dst), .arg = "N",                                                  \
     .help = "OpenMP threads (1 is never slower on a busy machine)", .def = "1", .lo = 1, .hi = 256,                  \
     .flags = CLI_GE | CLI_LE}
#define CLI_OPT_POTENTIAL(dst)                                                                                        \
    {.name = "potential", .kind = CLI_FILE, .dest = (dst), .arg = "FILE", .help = "EAM potential (setfl or funcfl)",   \
     .def = PEL_EAM_DEFAULT_PATH}
#define CLI_OPT_ELEMENTS(dst)                                                                                         \
    {.name = "elements", .kind = CLI_STRING, .dest = (dst), .arg = "A,B",                                             \
     .help = "element of each atom type", .def = "from the data file"}
#define CLI_OPT_SEED(dst, what)                                                                                       \
    {.name = "seed", .kind = CLI_LONG, .dest = (dst), .arg = "N", .help = (what), .lo = 0, .flags = CLI_GE}
#define CLI_OPT_PLOT_SIZE(dst)                                                                                        \
    {.name = "size", .kind = CLI_STRING, .dest = (dst), .arg = "WxH",                                                 \
     .help = "page size in pixels (PNG) or points (SVG/PDF), W and H in [" CLI_STR(PEL_PLOT_MIN_SIZE) ", "            \
             CLI_STR(PEL_PLOT_MAX_SIZE) "]",                                                                          \
     .def = CLI_STR(PEL_PLOT_WIDTH) "x" CLI_STR(PEL_PLOT_HEIGHT)}
/* MD options shared by md, md --protocol and quench (LAMMPS metal units). */
#define CLI_OPT_DT(dst)                                                                                               \
    {.name = "dt", .kind = CLI_DOUBLE, .dest = (dst), .arg = "PS", .help = "timestep", .def = "0.001", .unit = "ps",   \
     .lo = 0, .hi = 0.1, .flags = CLI_GT | CLI_LT}
#define CLI_OPT_TDAMP(dst)                                                                                            \
    {.name = "Tdamp", .kind = CLI_DOUBLE, .dest = (dst), .arg = "PS", .help = "thermostat damping time",              \
     .def = "0.1", .unit = "ps", .lo = 0, .flags = CLI_GT}
#define CLI_OPT_PDAMP(dst)                                                                                            \
    {.name = "Pdamp", .kind = CLI_DOUBLE, .dest = (dst), .arg = "PS", .help = "barostat damping time", .def = "1.0",  \
     .unit = "ps", .lo = 0, .flags = CLI_GT}
#define CLI_OPT_P(dst)                                                                                                \
    {.name = "P", .kind = CLI_DOUBLE, .dest = (dst), .arg = "BAR", .help = "NPT target pressure", .def = "0",         \
     .unit = "bar"}
/* The minimiser options of every command that minimises (pel_min_params):
 * one name, one range, one unit everywhere.  --min-algo was --algo on
 * minimize, is, quench and mdrun. */
#define CLI_OPT_FTOL(dst, dflt)                                                                                       \
    {.name = "ftol", .kind = CLI_DOUBLE, .dest = (dst), .arg = "F", .help = "max force component at convergence",     \
     .def = (dflt), .unit = "eV/Å", .lo = 0, .flags = CLI_GT}
#define CLI_OPT_PTOL(dst)                                                                                             \
    {.name = "ptol", .kind = CLI_DOUBLE, .dest = (dst), .arg = "P",                                                   \
     .help = "|P - target| at convergence of a box relaxation", .def = "1", .unit = "bar", .lo = 0, .flags = CLI_GT}
#define CLI_OPT_MAX_CALLS(name_, dst, what)                                                                           \
    {.name = (name_), .kind = CLI_LONG, .dest = (dst), .arg = "N", .help = (what), .def = "100000", .lo = 1,          \
     .flags = CLI_GE}
#define CLI_OPT_MIN_ALGO(dst, what)                                                                                   \
    {.name = "min-algo", .kind = CLI_ENUM, .dest = (dst), .choices = "fire|cg|lbfgs", .help = (what),                 \
     .def = "fire", .old = "algo"}

/* Parse argv (argv[0] = subcommand name) against the table.  Returns 0 when
 * the command should go on; then the positional arguments are moved to
 * argv[1..*n_pos] (in order).  Returns nonzero when the command must stop:
 * *rc = CLI_OK after --help / --man / --complete (text printed on stdout),
 * CLI_USAGE after one line on stderr. */
int cli_parse(const cli_spec *spec, int argc, char **argv, int *n_pos, int *rc);

/* Print --help text, a roff man page, or the bash completion arm of `spec`. */
void cli_help(const cli_spec *spec, FILE *fp);
void cli_man(const cli_spec *spec, FILE *fp);
void cli_complete(const cli_spec *spec, FILE *fp);
/* The second mode's table inside the man page and completion arm of
 * `base` (cli_spec.mode_doc): a section `title` with its synopsis,
 * description, options and output; its options that base lacks added to
 * the completion arm. */
void cli_man_mode(const cli_spec *spec, const char *title, FILE *fp);
void cli_complete_mode(const cli_spec *spec, const cli_spec *base, FILE *fp);
/* One line per option for scripts and tests (pel CMD --list-options):
 * --name TAB kind TAB required|optional TAB choices|- TAB bounds|- */
void cli_list(const cli_spec *spec, FILE *fp);

/* The man page of the pel(1) overview: `n` commands with their summaries. */
void cli_man_overview(FILE *fp, const char *const *names, const char *const *summaries, size_t n);
/* Text escaped for roff (backslashes, leading dots, dashes of options). */
void cli_roff_text(FILE *fp, const char *s);

/* The one wording for a required option that was not given, and for a
 * value check the table cannot express (e.g. one option relative to
 * another): "pel CMD: --X: expected <what>, got 'v'".  Return CLI_USAGE. */
int cli_missing(const char *cmd, const char *opt);
/* "pel CMD: --A and --B cannot be combined"; returns CLI_USAGE. */
int cli_conflict(const char *cmd, const char *a, const char *b);
int cli_bad_value(const char *cmd, const char *opt, const char *what, const char *value);

#endif
