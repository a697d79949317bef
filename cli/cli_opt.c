/* cli_opt.c - the option parser, help, man page and completion generators
 * over a subcommand's option table (cli_opt.h). */
#include "cli_opt.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pel/util.h"
#include "pel/version.h"

/* Longest option table; a command with more options is a programming error
 * caught by the option tests (every --help runs through here). */
#define CLI_MAX_OPTS 64

static const char *summary_of(const char *name)
{
#define X(n, help)                                                                                                    \
    if (!strcmp(name, #n))                                                                                            \
        return help;
    PEL_CLI_COMMANDS(X)
#undef X
    return "";
}

/* ------------------------------------------------------------------------ */
/* Bounds as text: "in [0, 1] eV", "> 0 K", ">= 1", "" (no bounds). */
static void bounds_text(const cli_opt *o, char *buf, size_t len)
{
    int lo = (o->flags & (CLI_GE | CLI_GT)) != 0, hi = (o->flags & (CLI_LE | CLI_LT)) != 0;
    const char *u = o->unit ? o->unit : "";
    const char *sp = o->unit ? " " : "";
    if (lo && hi)
        snprintf(buf, len, "in %c%.15g, %.15g%c%s%s", o->flags & CLI_GT ? '(' : '[', o->lo, o->hi,
                 o->flags & CLI_LT ? ')' : ']', sp, u);
    else if (lo)
        snprintf(buf, len, "%s %.15g%s%s", o->flags & CLI_GT ? ">" : ">=", o->lo, sp, u);
    else if (hi)
        snprintf(buf, len, "%s %.15g%s%s", o->flags & CLI_LT ? "<" : "<=", o->hi, sp, u);
    else
        snprintf(buf, len, "%s", o->unit ? o->unit : "");
}

static int in_bounds(const cli_opt *o, double v)
{
    if ((o->flags & CLI_GE) && !(v >= o->lo))
        return 0;
    if ((o->flags & CLI_GT) && !(v > o->lo))
        return 0;
    if ((o->flags & CLI_LE) && !(v <= o->hi))
        return 0;
    if ((o->flags & CLI_LT) && !(v < o->hi))
        return 0;
    return 1;
}

static int bad_number(const char *cmd, const cli_opt *o, const char *as, const char *what, const char *v)
{
    char b[160];
    bounds_text(o, b, sizeof b);
    int ranged = (o->flags & (CLI_GE | CLI_GT | CLI_LE | CLI_LT)) != 0;
    return cli_errorf(cmd, CLI_USAGE, "--%s: expected %s%s%s, got '%s'", as, what, ranged || o->unit ? " " : "",
                      ranged || o->unit ? b : "", v);
}

int cli_missing(const char *cmd, const char *opt)
{
    return cli_errorf(cmd, CLI_USAGE, "%s is required (see pel %s --help)", opt, cmd);
}

int cli_conflict(const char *cmd, const char *a, const char *b)
{
    return cli_errorf(cmd, CLI_USAGE, "%s and %s cannot be combined", a, b);
}

int cli_bad_value(const char *cmd, const char *opt, const char *what, const char *value)
{
    return cli_errorf(cmd, CLI_USAGE, "%s: expected %s, got '%s'", opt, what, value);
}

/* pel_parse_double's rules (finite, no trailing text, no underflow); 1 = ok */
static int strict_double(const char *s, double *v)
{
    return pel_parse_double(s, "", v, NULL) == PEL_OK;
}

static int choice_ok(const char *choices, const char *v)
{
    size_t n = strlen(v);
    for (const char *p = choices; *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && !strncmp(p, v, n))
            return 1;
        p += len + (bar != NULL);
    }
    return 0;
}

static int grid_ok(const cli_opt *o, const char *v)
{
    char buf[256];
    if (strlen(v) >= sizeof buf)
        return 0;
    strcpy(buf, v);
    char *b = strchr(buf, ':'), *c = b ? strchr(b + 1, ':') : NULL;
    if (!b || !c)
        return 0;
    *b++ = '\0';
    *c++ = '\0';
    double from, to, step;
    return strict_double(buf, &from) && strict_double(b, &to) && strict_double(c, &step) && step > 0.0 && from <= to &&
           in_bounds(o, from) && in_bounds(o, to);
}

/* Store `v` into o->dest (or hand it to o->each); one line and CLI_USAGE on a bad value. */
static int store(const char *cmd, const cli_opt *o, const char *as, char *v)
{
    switch (o->kind) {
    case CLI_DOUBLE: {
        double d;
        if (!strict_double(v, &d) || !in_bounds(o, d))
            return bad_number(cmd, o, as, "a number", v);
        *(double *)o->dest = d;
        return 0;
    }
    case CLI_LONG: {
        long l;
        if (pel_parse_long(v, "", &l, NULL) != PEL_OK || !in_bounds(o, (double)l))
            return bad_number(cmd, o, as, "an integer", v);
        *(long *)o->dest = l;
        return 0;
    }
    case CLI_ENUM:
        if (!choice_ok(o->choices, v))
            return cli_errorf(cmd, CLI_USAGE, "--%s: expected one of %s, got '%s'", as, o->choices, v);
        break;
    case CLI_GRID:
        if (!grid_ok(o, v))
            return bad_number(cmd, o, as, "from:to:step (from <= to, step > 0)", v);
        break;
    case CLI_STRING:
    case CLI_FILE:
        if (!*v)
            return cli_errorf(cmd, CLI_USAGE, "--%s: expected a value, got ''", as);
        break;
    case CLI_FLAG:
        break;
    }
    if (o->each)
        return o->each(o->ctx, cmd, v) ? CLI_USAGE : 0;
    *(const char **)o->dest = v;
    return 0;
}

/* The option named `name` (len bytes; one letter after a single dash when
 * `single`); *old = 1 when it was found under its former name. */
static const cli_opt *lookup(const cli_spec *spec, const char *name, size_t len, int single, int *old)
{
    for (size_t k = 0; k < spec->n_opts; k++) {
        const cli_opt *o = &spec->opts[k];
        if (single) {
            if (len == 1 && o->shrt && o->shrt == name[0]) {
                *old = 0;
                return o;
            }
            continue;
        }
        if (strlen(o->name) == len && !strncmp(o->name, name, len)) {
            *old = 0;
            return o;
        }
        if (o->old && strlen(o->old) == len && !strncmp(o->old, name, len)) {
            *old = 1;
            return o;
        }
    }
    return NULL;
}

int cli_parse(const cli_spec *spec, int argc, char **argv, int *n_pos, int *rc)
{
    const char *cmd = spec->name;
    unsigned char seen[CLI_MAX_OPTS] = {0};
    int npos = 0, only_pos = 0;
    *rc = CLI_USAGE;
    if (spec->n_opts > CLI_MAX_OPTS) {
        cli_errorf(cmd, CLI_FAIL, "internal error: more than %d options", CLI_MAX_OPTS);
        return *rc = CLI_FAIL;
    }
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        double num;
        if (only_pos || a[0] != '-' || !a[1] || strict_double(a, &num)) {
            if (!spec->args)
                return cli_errorf(cmd, CLI_USAGE, "unexpected argument '%s' (see pel %s --help)", a, cmd), 1;
            argv[++npos] = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            only_pos = 1;
            continue;
        }
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            cli_help(spec, stdout);
            *rc = CLI_OK;
            return 1;
        }
        if (!strcmp(a, "--man") || !strcmp(a, "--complete-bash") || !strcmp(a, "--list-options")) {
            (a[2] == 'm' ? cli_man : a[2] == 'c' ? cli_complete : cli_list)(spec, stdout);
            *rc = CLI_OK;
            return 1;
        }
        char *name = a + (a[1] == '-' ? 2 : 1), *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        int old = 0;
        const cli_opt *o = lookup(spec, name, len, a[1] != '-', &old);
        if (!o)
            return cli_errorf(cmd, CLI_USAGE, "unknown option '%.*s' (see pel %s --help)", (int)(name - a + len), a,
                              cmd),
                   1;
        seen[o - spec->opts] = (unsigned char)(1 + old); /* 2: the note after a good parse */
        const char *as = old ? o->old : o->name;
        if (o->kind == CLI_FLAG) {
            if (eq)
                return cli_errorf(cmd, CLI_USAGE, "option --%s takes no value", as), 1;
            *(int *)o->dest = 1;
            continue;
        }
        char *v = eq ? eq + 1 : NULL;
        if (!v) {
            /* "--W --m 1": the next option is not W's value */
            if (i + 1 >= argc || (!strncmp(argv[i + 1], "--", 2)))
                return cli_errorf(cmd, CLI_USAGE, "option --%s needs a value", as), 1;
            v = argv[++i];
        }
        if (store(cmd, o, as, v))
            return 1;
    }
    for (size_t k = 0; k < spec->n_opts; k++)
        if ((spec->opts[k].flags & CLI_REQ) && !seen[k]) {
            char opt[80];
            snprintf(opt, sizeof opt, "--%s", spec->opts[k].name);
            return cli_missing(cmd, opt), 1;
        }
    /* renamed options: one note each, only when the command goes on, so that
     * a usage error stays one line */
    for (size_t k = 0; k < spec->n_opts; k++)
        if (seen[k] == 2)
            fprintf(stderr, "pel %s: note: --%s is deprecated, use --%s\n", cmd, spec->opts[k].old, spec->opts[k].name);
    *n_pos = npos;
    *rc = CLI_OK;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* "--name ARG" as in help; `len` = its width. */
static int opt_head(const cli_opt *o, char *buf, size_t len)
{
    char s[8] = "";
    if (o->shrt)
        snprintf(s, sizeof s, "-%c, ", o->shrt);
    if (o->kind == CLI_FLAG)
        return snprintf(buf, len, "%s--%s", s, o->name);
    return snprintf(buf, len, "%s--%s %s", s, o->name, o->arg ? o->arg : o->kind == CLI_ENUM ? o->choices : "V");
}

/* The help line after the option head: help; bounds (default) (required). */
static void opt_tail(const cli_opt *o, char *buf, size_t len)
{
    char b[160] = "";
    /* the range and unit of a number ("; > 0 ps"), or its unit alone ("; bar") */
    if ((o->kind == CLI_DOUBLE || o->kind == CLI_LONG || o->kind == CLI_GRID) &&
        ((o->flags & (CLI_GE | CLI_GT | CLI_LE | CLI_LT)) || o->unit))
        bounds_text(o, b, sizeof b);
    snprintf(buf, len, "%s%s%s%s%s%s%s%s%s", o->help, *b ? "; " : "", b, o->def ? " (default " : "",
             o->def ? o->def : "", o->def ? ")" : "", o->flags & CLI_REQ ? " (required)" : "",
             o->flags & CLI_REPEAT ? " (repeatable)" : "", "");
    if (o->old) {
        size_t n = strlen(buf);
        snprintf(buf + n, len - n, " [formerly --%s]", o->old);
    }
}

void cli_help(const cli_spec *spec, FILE *fp)
{
    fprintf(fp, "usage: pel %s %s\n\n%s\n\n", spec->name, spec->synopsis, summary_of(spec->name));
    if (spec->about)
        fprintf(fp, "%s\n\n", spec->about);
    fprintf(fp, "options:\n");
    int w = 8;
    char head[128], tail[512];
    for (size_t k = 0; k < spec->n_opts; k++) {
        int n = opt_head(&spec->opts[k], head, sizeof head);
        if (n > w && n <= 26)
            w = n;
    }
    for (size_t k = 0; k < spec->n_opts; k++) {
        const cli_opt *o = &spec->opts[k];
        int n = opt_head(o, head, sizeof head);
        opt_tail(o, tail, sizeof tail);
        if (n > w)
            fprintf(fp, "  %s\n  %*s  %s\n", head, w, "", tail);
        else
            fprintf(fp, "  %-*s  %s\n", w, head, tail);
    }
    fprintf(fp, "  %-*s  %s\n", w, "--help", "print this help and exit");
    if (spec->output)
        fprintf(fp, "\n%s\n", spec->output);
}

/* ------------------------------------------------------------------------ */
void cli_roff_text(FILE *fp, const char *s)
{
    int bol = 1;
    for (; *s; s++) {
        if (bol && (*s == '.' || *s == '\''))
            fputs("\\&", fp);
        bol = *s == '\n';
        unsigned char c = (unsigned char)*s;
        if (c >= 0xC0 && c < 0xF0) { /* UTF-8 (Å, ≤): groff's \[uXXXX], the page stays ASCII */
            int extra = c >= 0xE0 ? 2 : 1;
            unsigned cp = c & (extra == 2 ? 0x0Fu : 0x1Fu);
            for (int k = 1; k <= extra && (s[k] & 0xC0) == 0x80; k++)
                cp = (cp << 6) | ((unsigned char)s[k] & 0x3Fu);
            fprintf(fp, "\\[u%04X]", cp);
            while ((s[1] & 0xC0) == 0x80)
                s++;
        } else if (*s == '\\')
            fputs("\\e", fp);
        else if (*s == '-')
            fputs("\\-", fp);
        else
            fputc(*s, fp);
    }
}

/* Paragraphs of `text`: a blank line starts a new one; indented lines are
 * kept as they are (formulas, lists). */
static void roff_paragraphs(FILE *fp, const char *text)
{
    int in_nf = 0;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        int indented = len > 0 && p[0] == ' ';
        if (len == 0) {
            if (in_nf)
                fputs(".fi\n", fp);
            in_nf = 0;
            fputs(".PP\n", fp);
        } else {
            if (indented && !in_nf)
                fputs(".nf\n", fp);
            else if (!indented && in_nf)
                fputs(".fi\n", fp);
            in_nf = indented;
            char *line = malloc(len + 1);
            if (line) {
                memcpy(line, p, len);
                line[len] = '\0';
                cli_roff_text(fp, line);
                free(line);
            }
            fputc('\n', fp);
        }
        p += len + (nl != NULL);
    }
    if (in_nf)
        fputs(".fi\n", fp);
}

static void roff_header(FILE *fp, const char *title)
{
    fprintf(fp, ".\\\" generated by pel --man from the option tables in cli/; do not edit\n"
                ".TH %s 1 \"\" \"pel %s\" \"pel manual\"\n",
            title, pel_version());
}

/* The OPTIONS list of a man page, --help last. */
static void roff_options(const cli_spec *spec, FILE *fp)
{
    char head[128], tail[512];
    for (size_t k = 0; k < spec->n_opts; k++) {
        const cli_opt *o = &spec->opts[k];
        opt_head(o, head, sizeof head);
        opt_tail(o, tail, sizeof tail);
        fputs(".TP\n.B ", fp);
        cli_roff_text(fp, head);
        fputc('\n', fp);
        cli_roff_text(fp, tail);
        fputc('\n', fp);
    }
    fputs(".TP\n.B \\-\\-help\nprint the help text and exit\n", fp);
}

void cli_man(const cli_spec *spec, FILE *fp)
{
    char title[64];
    size_t i = 0;
    for (const char *s = "PEL-"; *s; s++)
        title[i++] = *s;
    for (const char *s = spec->name; *s && i + 1 < sizeof title; s++)
        title[i++] = (char)((*s >= 'a' && *s <= 'z') ? *s - 'a' + 'A' : *s);
    title[i] = '\0';
    roff_header(fp, title);
    fprintf(fp, ".SH NAME\npel\\-%s \\- ", spec->name);
    cli_roff_text(fp, summary_of(spec->name));
    fprintf(fp, "\n.SH SYNOPSIS\n.B pel %s\n", spec->name);
    cli_roff_text(fp, spec->synopsis);
    fputs("\n.SH DESCRIPTION\n", fp);
    cli_roff_text(fp, summary_of(spec->name));
    fputs(".\n", fp);
    if (spec->about) {
        fputs(".PP\n", fp);
        roff_paragraphs(fp, spec->about);
    }
    fputs(".SH OPTIONS\n", fp);
    roff_options(spec, fp);
    if (spec->output) {
        fputs(".SH OUTPUT\n", fp);
        roff_paragraphs(fp, spec->output);
    }
    if (spec->mode_doc)
        spec->mode_doc(fp, CLI_DOC_MAN, spec);
    fputs(".SH EXIT STATUS\n0 on success, 1 on a failure (named on standard error), 2 on a usage error.\n"
          ".SH SEE ALSO\n.BR pel (1)\n",
          fp);
}

void cli_man_mode(const cli_spec *spec, const char *title, FILE *fp)
{
    fputs(".SH ", fp);
    cli_roff_text(fp, title);
    fprintf(fp, "\n.B pel %s\n", spec->name);
    cli_roff_text(fp, spec->synopsis);
    fputs("\n.PP\n", fp);
    if (spec->about)
        roff_paragraphs(fp, spec->about);
    fputs(".PP\nOptions of this mode:\n", fp);
    roff_options(spec, fp);
    if (spec->output) {
        fputs(".PP\n", fp);
        roff_paragraphs(fp, spec->output);
    }
}

void cli_man_overview(FILE *fp, const char *const *names, const char *const *summaries, size_t n)
{
    roff_header(fp, "PEL");
    fputs(".SH NAME\npel \\- glass ageing and rejuvenation from the potential energy landscape\n"
          ".SH SYNOPSIS\n.B pel\n.I command\n[options]\n.br\n.B pel help\n.I command\n.br\n.B pel \\-\\-version\n"
          ".SH DESCRIPTION\npel implements the potential-energy-landscape model of glass ageing of Fan, Iwashita and "
          "Egami, Nat. Commun. 8, 15417 (2017), and the atomistic tools (EAM energies, minimisation, molecular "
          "dynamics, ART nouveau saddle searches, fits) that calibrate it.\n.SH COMMANDS\n",
          fp);
    for (size_t i = 0; i < n; i++) {
        fprintf(fp, ".TP\n.BR pel\\-%s (1)\n", names[i]);
        cli_roff_text(fp, summaries[i]);
        fputc('\n', fp);
    }
    fputs(".SH EXIT STATUS\n0 on success, 1 on a failure (named on standard error), 2 on a usage error.\n"
          ".SH SEE ALSO\nThe documents under docs/ in the source tree.\n",
          fp);
}

/* ------------------------------------------------------------------------ */
void cli_list(const cli_spec *spec, FILE *fp)
{
    static const char *const kinds[] = {"flag", "double", "long", "string", "file", "enum", "grid"};
    char b[160];
    for (size_t k = 0; k < spec->n_opts; k++) {
        const cli_opt *o = &spec->opts[k];
        bounds_text(o, b, sizeof b);
        fprintf(fp, "--%s\t%s\t%s\t%s\t%s\n", o->name, kinds[o->kind], o->flags & CLI_REQ ? "required" : "optional",
                o->kind == CLI_ENUM ? o->choices : "-", *b ? b : "-");
    }
}

static void choices_words(FILE *fp, const char *choices)
{
    for (const char *p = choices; *p; p++)
        fputc(*p == '|' ? ' ' : *p, fp);
}

static int has_option(const cli_spec *spec, const char *name)
{
    for (size_t k = 0; spec && k < spec->n_opts; k++)
        if (!strcmp(spec->opts[k].name, name))
            return 1;
    return 0;
}

/* The words of `spec` that `base` lacks (all of them when base is NULL)
 * added to $opts, and the completion of their values. */
static void complete_body(const cli_spec *spec, const cli_spec *base, FILE *fp)
{
    fputs(base ? "        opts=\"$opts " : "        opts=\"", fp);
    for (size_t k = 0; k < spec->n_opts; k++)
        if (!has_option(base, spec->opts[k].name))
            fprintf(fp, "--%s ", spec->opts[k].name);
    fputs(base ? "\"\n" : "--help\"\n", fp);
    fputs("        case \"$prev\" in\n", fp);
    for (size_t k = 0; k < spec->n_opts; k++) {
        const cli_opt *o = &spec->opts[k];
        if (o->kind == CLI_FLAG || has_option(base, o->name))
            continue;
        fprintf(fp, "        --%s) ", o->name);
        if (o->kind == CLI_FILE)
            fputs("COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n", fp);
        else if (o->kind == CLI_ENUM) {
            fputs("COMPREPLY=($(compgen -W \"", fp);
            choices_words(fp, o->choices);
            fputs("\" -- \"$cur\")); return ;;\n", fp);
        } else
            fputs("return ;;\n", fp);
    }
    fputs("        esac\n", fp);
}

void cli_complete(const cli_spec *spec, FILE *fp)
{
    fprintf(fp, "    %s)\n", spec->name);
    complete_body(spec, NULL, fp);
    if (spec->mode_doc)
        spec->mode_doc(fp, CLI_DOC_COMPLETE, spec);
    fputs("        ;;\n", fp);
}

void cli_complete_mode(const cli_spec *spec, const cli_spec *base, FILE *fp)
{
    complete_body(spec, base, fp);
}
