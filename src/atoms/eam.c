/* eam.c - read LAMMPS eam/fs and eam/alloy (setfl) potential files and build
 * the per-interval cubic splines exactly as LAMMPS pair_eam.cpp does, so that
 * the force loop in calc.c reproduces LAMMPS energies and forces to rounding
 * (docs/atoms.md).
 *
 * File layout (LAMMPS docs, pair_style eam):
 *   3 comment lines
 *   line 4: Nelements El1 El2 ...
 *   line 5: Nrho drho Nr dr cutoff
 *   per element a: "Z mass a0 lattice", F_a[Nrho], then
 *       eam/alloy: rho_a[Nr]          eam/fs: rho_{a,b}[Nr] for b = 1..Nel
 *   r*phi_{ab}[Nr] for a = 1..Nel, b = 1..a (lower triangle).
 * Values after line 5 are free-format (any number per line), as LAMMPS reads them. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atoms/eam_internal.h"

/* Largest potential file accepted (bytes): CuZr_mm.eam.fs is ~2 MB. */
#define PEL_EAM_MAX_FILE_BYTES (512L * 1024 * 1024)
/* Longest number token (characters); longer ones are an error, not truncated. */
#define PEL_EAM_TOKEN_MAX 63
#define PEL_EAM_TOOLONG ((size_t)-1)
/* Accepted cutoffs (Å): an EAM cutoff outside this range is a broken file
 * (1e300 overflows the neighbour search, 1e-9 asks for 1e9 cells). */
#define PEL_EAM_CUT_MIN 1.0
#define PEL_EAM_CUT_MAX 100.0
/* LAMMPS clamps lookups to the last node, so the tables must reach the
 * cutoff: Nr dr >= cut (most files have (Nr - 1) dr = cut - dr, some Nr dr =
 * cut to rounding, hence the relative slack). */
#define PEL_EAM_COVER_RTOL 1e-9

/* ------------------------------------------------------------------------
 * Tokenizer over the file in memory, tracking line numbers for errors. */
typedef struct eam_tok {
    const char *path;
    const char *p; /* current position */
    long line;     /* 1-based line of *p */
} eam_tok;

static void tok_skip_line(eam_tok *t)
{
    while (*t->p && *t->p != '\n')
        t->p++;
    if (*t->p == '\n') {
        t->p++;
        t->line++;
    }
}

/* Copy the next whitespace-delimited token into buf; returns its length
 * (0 at end of file, PEL_EAM_TOOLONG if it does not fit: never truncated
 * silently).  With same_line, stop at a newline instead. */
static size_t tok_next(eam_tok *t, char *buf, size_t cap, int same_line)
{
    while (*t->p && isspace((unsigned char)*t->p)) {
        if (*t->p == '\n') {
            if (same_line)
                return 0;
            t->line++;
        }
        t->p++;
    }
    size_t n = 0, len = 0;
    while (*t->p && !isspace((unsigned char)*t->p)) {
        if (n + 1 < cap)
            buf[n++] = *t->p;
        len++;
        t->p++;
    }
    buf[n] = '\0';
    return len == n ? n : PEL_EAM_TOOLONG;
}

/* Error for a token that tok_next could not hold. */
static int tok_toolong(const eam_tok *t, const char *what, const char *buf, pel_error *err)
{
    return pel_error_set(err, PEL_EPARSE, "%s:%ld: token '%.20s...' in %s is longer than %d characters", t->path,
                         t->line, buf, what, PEL_EAM_TOKEN_MAX);
}

static int tok_double(eam_tok *t, const char *what, double *out, pel_error *err)
{
    char buf[PEL_EAM_TOKEN_MAX + 1];
    size_t len = tok_next(t, buf, sizeof buf, 0);
    if (len == 0)
        return pel_error_set(err, PEL_EPARSE, "%s: unexpected end of file reading %s (line %ld)", t->path,
                             what, t->line);
    if (len == PEL_EAM_TOOLONG)
        return tok_toolong(t, what, buf, err);
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (end == buf || *end || !isfinite(v))
        return pel_error_set(err, PEL_EPARSE, "%s:%ld: malformed number '%s' in %s", t->path, t->line, buf,
                             what);
    *out = v;
    return PEL_OK;
}

static int tok_long(eam_tok *t, const char *what, long *out, int same_line, pel_error *err)
{
    char buf[PEL_EAM_TOKEN_MAX + 1];
    size_t len = tok_next(t, buf, sizeof buf, same_line);
    if (len == 0)
        return pel_error_set(err, PEL_EPARSE, "%s:%ld: missing %s", t->path, t->line, what);
    if (len == PEL_EAM_TOOLONG)
        return tok_toolong(t, what, buf, err);
    char *end;
    errno = 0;
    long v = strtol(buf, &end, 10);
    if (end == buf || *end || errno == ERANGE)
        return pel_error_set(err, PEL_EPARSE, "%s:%ld: malformed integer '%s' for %s", t->path, t->line, buf,
                             what);
    *out = v;
    return PEL_OK;
}

/* Read n values into f[1..n] (LAMMPS 1-based tables). */
static int tok_table(eam_tok *t, const char *what, double *f, int n, pel_error *err)
{
    for (int m = 1; m <= n; m++) {
        int rc = tok_double(t, what, &f[m], err);
        if (rc)
            return rc;
    }
    return PEL_OK;
}

/* ------------------------------------------------------------------------
 * LAMMPS PairEAM::interpolate: local C1 cubic Hermite with 4th-order
 * finite-difference slopes; node values f[1..n] -> spline[m*7 + k]. */
static void eam_interpolate(int n, double delta, const double *f, double *spl)
{
#define S(m, k) spl[(size_t)(m) * PEL_SPL + (k)]
    for (int m = 1; m <= n; m++)
        S(m, 6) = f[m];
    S(1, 5) = S(2, 6) - S(1, 6);
    S(2, 5) = 0.5 * (S(3, 6) - S(1, 6));
    S(n - 1, 5) = 0.5 * (S(n, 6) - S(n - 2, 6));
    S(n, 5) = S(n, 6) - S(n - 1, 6);
    for (int m = 3; m <= n - 2; m++)
        S(m, 5) = ((S(m - 2, 6) - S(m + 2, 6)) + 8.0 * (S(m + 1, 6) - S(m - 1, 6))) / 12.0;
    for (int m = 1; m <= n - 1; m++) {
        S(m, 4) = 3.0 * (S(m + 1, 6) - S(m, 6)) - 2.0 * S(m, 5) - S(m + 1, 5);
        S(m, 3) = S(m, 5) + S(m + 1, 5) - 2.0 * (S(m + 1, 6) - S(m, 6));
    }
    S(n, 4) = 0.0;
    S(n, 3) = 0.0;
    for (int m = 1; m <= n; m++) {
        S(m, 2) = S(m, 5) / delta;
        S(m, 1) = 2.0 * S(m, 4) / delta;
        S(m, 0) = 3.0 * S(m, 3) / delta;
    }
#undef S
}

static int read_file(const char *path, char **out, pel_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return pel_error_set(err, PEL_EIO, "cannot open potential file %s: %s", path, strerror(errno));
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (cap - len < 65536) {
            cap = cap ? 2 * cap : 1 << 20;
            if (cap > (size_t)PEL_EAM_MAX_FILE_BYTES) {
                free(buf);
                fclose(fp);
                return pel_error_set(err, PEL_EPARSE, "%s: file too large for a potential", path);
            }
            char *nb = realloc(buf, cap + 1);
            if (!nb) {
                free(buf);
                fclose(fp);
                return pel_error_set(err, PEL_ENOMEM, "out of memory reading %s", path);
            }
            buf = nb;
        }
        size_t k = fread(buf + len, 1, cap - len, fp);
        len += k;
        if (k == 0)
            break;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        free(buf);
        return pel_error_set(err, PEL_EIO, "error reading %s", path);
    }
    buf[len] = '\0';
    *out = buf;
    return PEL_OK;
}

/* Grid line "Nrho drho Nr dr cutoff": the spline needs 5 nodes (4th-order
 * slopes); sizes bounded for memory; steps normal positive numbers; the
 * cutoff sane and covered by the r tables. */
static int check_grid(const eam_tok *t, long nrho, double drho, long nr, double dr, double cut, pel_error *err)
{
    if (nrho < 5 || nr < 5 || nrho > 10000000 || nr > 10000000 || !isnormal(drho) || !(drho > 0) ||
        !isnormal(dr) || !(dr > 0) || !(cut > 0))
        return pel_error_set(err, PEL_EPARSE, "%s:%ld: invalid grid (Nrho=%ld Nr=%ld drho=%g dr=%g cut=%g)",
                             t->path, t->line, nrho, nr, drho, dr, cut);
    if (!(cut >= PEL_EAM_CUT_MIN && cut <= PEL_EAM_CUT_MAX))
        return pel_error_set(err, PEL_EPARSE, "%s:%ld: cutoff %g A outside %g..%g A", t->path, t->line, cut,
                             PEL_EAM_CUT_MIN, PEL_EAM_CUT_MAX);
    if ((double)nr * dr < cut * (1.0 - PEL_EAM_COVER_RTOL))
        return pel_error_set(err, PEL_EPARSE, "%s:%ld: r tables end at Nr*dr = %g A, short of the cutoff %g A",
                             t->path, t->line, (double)nr * dr, cut);
    return PEL_OK;
}

/* Parse header, tables; fill pot (store allocated here). */
static int eam_parse(eam_tok *t, pel_eam *pot, pel_error *err)
{
    int rc;
    for (int k = 0; k < 3; k++)
        tok_skip_line(t);
    long nel;
    if ((rc = tok_long(t, "number of elements (line 4)", &nel, 0, err)))
        return rc;
    if (nel < 1 || nel > PEL_EAM_MAXEL)
        return pel_error_set(err, PEL_EPARSE, "%s:%ld: number of elements %ld outside 1..%d", t->path, t->line,
                             nel, PEL_EAM_MAXEL);
    pot->nel = (int)nel;
    for (int a = 0; a < pot->nel; a++) {
        char buf[64];
        size_t len = tok_next(t, buf, sizeof buf, 1);
        if (len == 0 || len >= sizeof pot->elem[a])
            return pel_error_set(err, PEL_EPARSE, "%s:%ld: missing or invalid element name %d", t->path, t->line,
                                 a + 1);
        memcpy(pot->elem[a], buf, len + 1);
    }
    tok_skip_line(t);
    long nrho, nr;
    if ((rc = tok_long(t, "Nrho", &nrho, 0, err)) || (rc = tok_double(t, "drho", &pot->drho, err)) ||
        (rc = tok_long(t, "Nr", &nr, 1, err)) || (rc = tok_double(t, "dr", &pot->dr, err)) ||
        (rc = tok_double(t, "cutoff", &pot->cut, err)))
        return rc;
    if ((rc = check_grid(t, nrho, pot->drho, nr, pot->dr, pot->cut, err)))
        return rc;
    pot->nrho = (int)nrho;
    pot->nr = (int)nr;
    tok_skip_line(t);

    int nel2 = pot->nel * pot->nel;
    int nrhor = pot->fmt == PEL_EAM_FS ? nel2 : pot->nel;
    int nz2r = pot->nel * (pot->nel + 1) / 2;
    size_t lrho = (size_t)(nrho + 1) * PEL_SPL, lr = (size_t)(nr + 1) * PEL_SPL;
    size_t total = (size_t)pot->nel * lrho + (size_t)(nrhor + nz2r) * lr;
    size_t rawlen = (size_t)(nrho > nr ? nrho : nr) + 1;
    pot->store = calloc(total, sizeof(double));
    double *raw = malloc(rawlen * sizeof(double));
    if (!pot->store || !raw) {
        free(raw);
        return pel_error_set(err, PEL_ENOMEM, "out of memory for potential %s", t->path);
    }
    double *next = pot->store;
    double *rhotab[PEL_EAM_MAXEL * PEL_EAM_MAXEL];
    char what[96];
    for (int a = 0; a < pot->nel; a++) {
        long z;
        if ((rc = tok_long(t, "atomic number", &z, 0, err)) ||
            (rc = tok_double(t, "element mass", &pot->mass[a], err)))
            goto out;
        tok_skip_line(t); /* lattice constant and structure are not used */
        snprintf(what, sizeof what, "F(rho) of %s", pot->elem[a]);
        if ((rc = tok_table(t, what, raw, pot->nrho, err)))
            goto out;
        pot->frho[a] = next;
        next += lrho;
        eam_interpolate(pot->nrho, pot->drho, raw, pot->frho[a]);
        int nsub = pot->fmt == PEL_EAM_FS ? pot->nel : 1;
        for (int b = 0; b < nsub; b++) {
            snprintf(what, sizeof what, "rho(r) of %s (sub-table %d)", pot->elem[a], b + 1);
            if ((rc = tok_table(t, what, raw, pot->nr, err)))
                goto out;
            rhotab[a * nsub + b] = next;
            next += lr;
            eam_interpolate(pot->nr, pot->dr, raw, rhotab[a * nsub + b]);
        }
    }
    for (int a = 0; a < pot->nel; a++)
        for (int b = 0; b <= a; b++) {
            snprintf(what, sizeof what, "r*phi(r) of %s-%s", pot->elem[a], pot->elem[b]);
            if ((rc = tok_table(t, what, raw, pot->nr, err)))
                goto out;
            pot->z2r[a * pot->nel + b] = next;
            pot->z2r[b * pot->nel + a] = next;
            next += lr;
            eam_interpolate(pot->nr, pot->dr, raw, pot->z2r[a * pot->nel + b]);
        }
    /* Density at an atom of element a from a neighbour of element b. */
    for (int b = 0; b < pot->nel; b++)
        for (int a = 0; a < pot->nel; a++)
            pot->rhor[b * pot->nel + a] = pot->fmt == PEL_EAM_FS ? rhotab[b * pot->nel + a] : rhotab[b];
    pot->rdr = 1.0 / pot->dr;
    pot->rdrho = 1.0 / pot->drho;
    pot->rhomax = (pot->nrho - 1) * pot->drho;
    pot->cutsq = pot->cut * pot->cut;
    rc = PEL_OK;
out:
    free(raw);
    return rc;
}

/* ------------------------------------------------------------------------
 * funcfl (LAMMPS pair_style eam, one element per file):
 *   line 1 comment; line 2 "Z mass a0 lattice"; line 3 "Nrho drho Nr dr cut";
 *   F(rho)[Nrho], Z(r)[Nr] (effective charge), rho(r)[Nr].
 * Converted as LAMMPS PairEAM::file2array does: a global grid spanning the
 * file's tables with round(span/step) nodes (one fewer than the file), values
 * by 4-point Lagrange interpolation of the file, and r*phi = 27.2*0.529 Z_i Z_j
 * (Hartree * Bohr: Z^2/r in atomic units to eV*Å).  rho_max stays the file's
 * (Nrho - 1) drho, as in LAMMPS. */

/* Chemical symbols by atomic number: funcfl files give Z, not a symbol. */
static const char *const pel_symbols[] = {
    "",   "H",  "He", "Li", "Be", "B",  "C",  "N",  "O",  "F",  "Ne", "Na", "Mg", "Al", "Si", "P",  "S",
    "Cl", "Ar", "K",  "Ca", "Sc", "Ti", "V",  "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As",
    "Se", "Br", "Kr", "Rb", "Sr", "Y",  "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn",
    "Sb", "Te", "I",  "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho",
    "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W",  "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po",
    "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U",  "Np", "Pu", "Am", "Cm", "Bk", "Cf", "Es", "Fm"};

/* LAMMPS funcfl resampling: value of the 1-based table f[1..n] (step delta) at r. */
static double funcfl_lagrange(const double *f, int n, double delta, double r)
{
    const double sixth = 1.0 / 6.0;
    double p = r / delta + 1.0;
    int k = (int)p;
    k = k < n - 2 ? k : n - 2;
    k = k > 2 ? k : 2;
    p -= k;
    p = p < 2.0 ? p : 2.0;
    double c1 = -sixth * p * (p - 1.0) * (p - 2.0), c2 = 0.5 * (p * p - 1.0) * (p - 2.0);
    double c3 = -0.5 * p * (p + 1.0) * (p - 2.0), c4 = sixth * p * (p * p - 1.0);
    return c1 * f[k - 1] + c2 * f[k] + c3 * f[k + 1] + c4 * f[k + 2];
}

static int funcfl_parse(eam_tok *t, pel_eam *pot, pel_error *err)
{
    int rc;
    long z, nrho, nr;
    double drho, dr, cut;
    tok_skip_line(t);
    if ((rc = tok_long(t, "atomic number (line 2)", &z, 0, err)) ||
        (rc = tok_double(t, "element mass", &pot->mass[0], err)))
        return rc;
    if (!(pot->mass[0] > 0))
        return pel_error_set(err, PEL_EPARSE, "%s:%ld: element mass %g must be positive", t->path, t->line,
                             pot->mass[0]);
    tok_skip_line(t);
    if ((rc = tok_long(t, "Nrho", &nrho, 0, err)) || (rc = tok_double(t, "drho", &drho, err)) ||
        (rc = tok_long(t, "Nr", &nr, 1, err)) || (rc = tok_double(t, "dr", &dr, err)) ||
        (rc = tok_double(t, "cutoff", &cut, err)) || (rc = check_grid(t, nrho, drho, nr, dr, cut, err)))
        return rc;
    if (nrho < 6 || nr < 6) /* the resampled grid has one node fewer and needs 5 */
        return pel_error_set(err, PEL_EPARSE, "%s:%ld: funcfl tables need at least 6 values (Nrho=%ld Nr=%ld)",
                             t->path, t->line, nrho, nr);
    tok_skip_line(t);
    pot->nel = 1;
    snprintf(pot->elem[0], sizeof pot->elem[0], "%s",
             z >= 1 && z < (long)(sizeof pel_symbols / sizeof pel_symbols[0]) ? pel_symbols[z] : "");
    double rhomax = (double)(nrho - 1) * drho, rmax = (double)(nr - 1) * dr;
    int gnrho = (int)(rhomax / drho + 0.5), gnr = (int)(rmax / dr + 0.5);
    size_t lrho = (size_t)(gnrho + 1) * PEL_SPL, lr = (size_t)(gnr + 1) * PEL_SPL;
    size_t nraw = (size_t)nrho + 2 * (size_t)nr + 3, ngrid = (size_t)(gnrho > gnr ? gnrho : gnr) + 1;
    pot->store = calloc(lrho + 2 * lr, sizeof(double));
    double *raw = malloc((nraw + ngrid) * sizeof(double));
    if (!pot->store || !raw) {
        free(raw);
        return pel_error_set(err, PEL_ENOMEM, "out of memory for potential %s", t->path);
    }
    double *F = raw, *Z = F + nrho + 1, *R = Z + nr + 1, *grid = R + nr + 1;
    if ((rc = tok_table(t, "F(rho)", F, (int)nrho, err)) || (rc = tok_table(t, "Z(r)", Z, (int)nr, err)) ||
        (rc = tok_table(t, "rho(r)", R, (int)nr, err)))
        goto out;
    pot->frho[0] = pot->store;
    pot->rhor[0] = pot->store + lrho;
    pot->z2r[0] = pot->store + lrho + lr;
    for (int m = 1; m <= gnrho; m++)
        grid[m] = funcfl_lagrange(F, (int)nrho, drho, (m - 1) * drho);
    eam_interpolate(gnrho, drho, grid, pot->frho[0]);
    for (int m = 1; m <= gnr; m++)
        grid[m] = funcfl_lagrange(R, (int)nr, dr, (m - 1) * dr);
    eam_interpolate(gnr, dr, grid, pot->rhor[0]);
    for (int m = 1; m <= gnr; m++) {
        double zr = funcfl_lagrange(Z, (int)nr, dr, (m - 1) * dr);
        grid[m] = 27.2 * 0.529 * zr * zr;
    }
    eam_interpolate(gnr, dr, grid, pot->z2r[0]);
    pot->nrho = gnrho;
    pot->nr = gnr;
    pot->drho = drho;
    pot->dr = dr;
    pot->cut = cut;
    pot->rdr = 1.0 / dr;
    pot->rdrho = 1.0 / drho;
    pot->rhomax = rhomax;
    pot->cutsq = cut * cut;
out:
    free(raw);
    return rc;
}

int pel_eam_read(const char *path, pel_eam_format fmt, pel_eam **out, pel_error *err)
{
    *out = NULL;
    if (fmt != PEL_EAM_FS && fmt != PEL_EAM_ALLOY && fmt != PEL_EAM_FUNCFL)
        return pel_error_set(err, PEL_EINVAL, "unknown EAM format %d", (int)fmt);
    char *text = NULL;
    int rc = read_file(path, &text, err);
    if (rc)
        return rc;
    pel_eam *pot = calloc(1, sizeof *pot);
    if (!pot) {
        free(text);
        return pel_error_set(err, PEL_ENOMEM, "out of memory reading %s", path);
    }
    pot->fmt = fmt;
    eam_tok t = {path, text, 1};
    rc = fmt == PEL_EAM_FUNCFL ? funcfl_parse(&t, pot, err) : eam_parse(&t, pot, err);
    free(text);
    if (rc) {
        pel_eam_free(&pot);
        return rc;
    }
    *out = pot;
    return PEL_OK;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

int pel_eam_read_auto(const char *path, pel_eam **out, pel_error *err)
{
    pel_eam_format fmt = ends_with(path, ".alloy") ? PEL_EAM_ALLOY
                         : ends_with(path, ".eam") ? PEL_EAM_FUNCFL
                                                   : PEL_EAM_FS;
    return pel_eam_read(path, fmt, out, err);
}

void pel_eam_free(pel_eam **pot)
{
    if (!pot || !*pot)
        return;
    free((*pot)->store);
    free(*pot);
    *pot = NULL;
}

double pel_eam_cutoff(const pel_eam *pot) { return pot->cut; }
int pel_eam_nelements(const pel_eam *pot) { return pot->nel; }

const char *pel_eam_element(const pel_eam *pot, int i)
{
    return i >= 0 && i < pot->nel ? pot->elem[i] : "";
}

double pel_eam_mass(const pel_eam *pot, int i) { return i >= 0 && i < pot->nel ? pot->mass[i] : 0.0; }

double pel_eam_table_rmin(const pel_eam *pot) { return pot->dr; }

/* "Cu 63.546, Zr 91.224" for error messages. */
static void list_elements(const pel_eam *pot, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = '\0';
    for (int a = 0; a < pot->nel && k < cap; a++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%s %.6g", a ? ", " : "", pot->elem[a][0] ? pot->elem[a] : "?",
                              pot->mass[a]);
}

int pel_eam_map_types(const pel_eam *pot, const pel_system *sys, int *map, pel_error *err)
{
    if (sys->ntypes < 1 || sys->ntypes > PEL_MAX_TYPES)
        return pel_error_set(err, PEL_EINVAL, "system has %d atom types (allowed 1..%d)", sys->ntypes,
                             PEL_MAX_TYPES);
    char have[256];
    list_elements(pot, have, sizeof have);
    for (int t = 0; t < sys->ntypes; t++) {
        const char *name = sys->elem[t];
        double m = sys->mass[t];
        map[t] = -1;
        if (name[0]) {
            for (int a = 0; a < pot->nel; a++)
                if (strcmp(name, pot->elem[a]) == 0)
                    map[t] = a;
            if (map[t] < 0)
                return pel_error_set(err, PEL_EINVAL, "element %s (atom type %d) is not in the potential (%s)",
                                     name, t + 1, have);
            if (m > 0 && fabs(m - pot->mass[map[t]]) > PEL_EAM_MASS_TOL)
                return pel_error_set(err, PEL_EINVAL,
                                     "atom type %d has mass %g but element %s has %g in the potential: "
                                     "wrong element order?",
                                     t + 1, m, name, pot->mass[map[t]]);
            continue;
        }
        /* No name: identify the element by its mass; never by position. */
        if (!(m > 0))
            return pel_error_set(err, PEL_EINVAL,
                                 "atom type %d has neither an element name nor a mass: give the elements "
                                 "(--elements, or '# El' comments in Masses); the potential holds %s",
                                 t + 1, have);
        for (int a = 0; a < pot->nel; a++)
            if (fabs(m - pot->mass[a]) <= PEL_EAM_MASS_TOL) {
                if (map[t] >= 0)
                    return pel_error_set(err, PEL_EINVAL,
                                         "atom type %d (mass %g) matches two elements of the potential (%s): "
                                         "give the elements",
                                         t + 1, m, have);
                map[t] = a;
            }
        if (map[t] < 0)
            return pel_error_set(err, PEL_EINVAL,
                                 "atom type %d (mass %g) matches no element of the potential (%s): wrong "
                                 "potential, or give the elements",
                                 t + 1, m, have);
    }
    return PEL_OK;
}
