/* catalog.h - the ART event catalog: a CSV file with one row per search
 * (docs/art.md "Catalog").
 *
 * The first 13 columns are fixed because other tools read them:
 *   search_id,center_id,status,E_initial_eV,E_saddle_eV,E_final_eV,EA_eV,ER_eV,
 *   eigenvalue_eV_per_A2,force_eV_per_A,force_calls,n_displaced,max_disp_A
 * followed by force_calls_saddle, E_IS_eV_per_atom (E_initial / N, read by
 * `pel fit`), max_disp_dist_A (distance from the centre of the atom that moved
 * most, initial minimum to saddle) and displaced_ids (atom ids moved more than the displacement
 * threshold between initial and saddle, ';'-separated, ascending), E_back_eV and
 * back_disp_A (energy of the pushed-back minimum and the largest atom
 * displacement between it and the initial minimum: the connectivity check's
 * evidence) and eigenvalue2_eV_per_A2 (second-lowest Hessian eigenvalue at the
 * saddle: >= 0 up to the order tolerance for a first-order saddle).  Values a failed search never reached are empty fields.
 *
 * Writing is append-only, one whole line per write(2) followed by fsync, so a
 * kill leaves at most one torn last line; pel_catalog_recover truncates it. */
#ifndef PEL_CATALOG_H
#define PEL_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "pel/art.h"
#include "pel/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PEL_CATALOG_HEADER_V2                                                                              \
    "search_id,center_id,status,E_initial_eV,E_saddle_eV,E_final_eV,EA_eV,ER_eV,eigenvalue_eV_per_A2,"     \
    "force_eV_per_A,force_calls,n_displaced,max_disp_A,force_calls_saddle,E_IS_eV_per_atom,max_disp_dist_A," \
    "displaced_ids,E_back_eV,back_disp_A,eigenvalue2_eV_per_A2"
#define PEL_CATALOG_HEADER PEL_CATALOG_HEADER_V2 ",configs_xyz"
/* The header of catalogs written before the last four columns existed. */
#define PEL_CATALOG_HEADER_V1                                                                              \
    "search_id,center_id,status,E_initial_eV,E_saddle_eV,E_final_eV,EA_eV,ER_eV,eigenvalue_eV_per_A2,"     \
    "force_eV_per_A,force_calls,n_displaced,max_disp_A,force_calls_saddle,E_IS_eV_per_atom,max_disp_dist_A," \
    "displaced_ids"
/* Optional first line, before the header: the campaign's parameters
 * (art_run.h), "# pel art campaign: key=value key=value ...". */
#define PEL_CATALOG_CAMPAIGN_PREFIX "# pel art campaign: "
#define PEL_CATALOG_VERSION 3 /* this header; 2: without configs_xyz; 1: 17 columns */

/* Default redundancy tolerance on E_saddle, eV (docs/art.md). */
#define PEL_CATALOG_SADDLE_TOL 1e-3

typedef struct pel_catalog_row {
    long search_id;
    long center_id;          /* atom id (as in the data file) of the central atom */
    int status;              /* pel_art_status */
    double e_initial, e_saddle, e_final, ea, er, eigenvalue, force, max_disp; /* NaN = not reached */
    double e_is_per_atom;    /* E_initial / number of atoms, eV (NaN = unknown) */
    double max_disp_dist;    /* distance of the most displaced atom from the centre, Å (NaN = none) */
    double e_back, back_disp; /* pushed-back minimum: energy, eV, and largest displacement from the
                                 initial minimum, Å (NaN = not reached or an older catalog) */
    double eigenvalue2;      /* second-lowest eigenvalue at the saddle, eV/Å^2 (NaN = not reached or
                                an older catalog) */
    long force_calls, force_calls_saddle;
    size_t n_displaced;
    int64_t *displaced_ids;  /* [n_displaced] owned by the row (catalog) */
    char *configs;           /* configs_xyz: "SADDLE.xyz;FINAL.xyz" written by --write-configs, owned
                                by the row; NULL = none */
} pel_catalog_row;

typedef struct pel_catalog {
    int version;             /* header read: PEL_CATALOG_VERSION, or 1, 2 for older catalogs (read,
                                never appended to) */
    char *campaign;          /* text after PEL_CATALOG_CAMPAIGN_PREFIX, owned; NULL = no such line */
    size_t n, cap;
    pel_catalog_row *rows;
} pel_catalog;

/* Read a catalog strictly: wrong header, malformed or torn rows and duplicate
 * search ids are PEL_EPARSE naming the file and line.  Counts are bounded by
 * the line (n_displaced must equal the ids listed). */
int pel_catalog_read(const char *path, pel_catalog **out, pel_error *err);
/* Resume scan: read strictly up to a torn last line (no final newline), and
 * only when everything before it is a valid catalog truncate that line away
 * (ftruncate); on any error the file is left untouched.  With campaign not
 * NULL the catalog must be of this version with exactly this campaign line
 * (PEL_ESTATE naming the first difference otherwise).  A missing or empty file
 * gives an empty catalog.  *truncated is set when a torn line was removed. */
int pel_catalog_recover(const char *path, const char *campaign, pel_catalog **out, int *truncated, pel_error *err);
void pel_catalog_free(pel_catalog **cat);

/* Fill a row from one search result; ids[i] is the data-file id of atom i
 * (NULL: ids are indices + 1); natoms gives E_IS_eV_per_atom (0: unknown).  The row owns a copy of the displaced ids;
 * release with pel_catalog_row_clear. */
int pel_catalog_row_from_result(pel_catalog_row *row, long search_id, long center_id, const pel_art_result *res,
                                const int64_t *ids, size_t natoms, pel_error *err);
void pel_catalog_row_clear(pel_catalog_row *row);
/* Append a copy of row to cat. */
int pel_catalog_add(pel_catalog *cat, const pel_catalog_row *row, pel_error *err);

/* Append-only writer.  Opening creates the file with the campaign line (if
 * campaign is not NULL) and the header, or appends to an existing catalog
 * (checked by the caller with pel_catalog_recover). */
typedef struct pel_catalog_writer pel_catalog_writer;
int pel_catalog_writer_open(const char *path, const char *campaign, pel_catalog_writer **out, pel_error *err);
/* Format the row as one line, write it with a single write(2), fsync.
 * Not thread-safe: serialise calls. */
int pel_catalog_writer_append(pel_catalog_writer *w, const pel_catalog_row *row, pel_error *err);
void pel_catalog_writer_close(pel_catalog_writer **w);

/* One row as the catalog line the writer appends (newline included), for
 * moving rows between processes: *line is malloc'd (caller frees).  The
 * parse is the reader's, strict, for this version's columns; the row owns
 * its ids (pel_catalog_row_clear). */
int pel_catalog_row_format(const pel_catalog_row *row, char **line, pel_error *err);
int pel_catalog_row_parse(const char *line, pel_catalog_row *row, pel_error *err);

/* Sort rows by search_id. */
void pel_catalog_sort(pel_catalog *cat);
/* Redundancy filter (docs/art.md): in search_id order, a converged event is
 * "redundant" when an earlier kept converged event has |E_saddle difference|
 * <= e_tol and exactly the same set of displaced atom ids.  Idempotent (rows
 * already marked redundant are re-judged).  Returns the number marked. */
size_t pel_catalog_filter_redundant(pel_catalog *cat, double e_tol);
/* Rewrite the whole catalog atomically (temp file + rename, pel_afile), its
 * campaign line first. */
int pel_catalog_write(const pel_catalog *cat, const char *path, pel_error *err);

#ifdef __cplusplus
}
#endif

#endif
