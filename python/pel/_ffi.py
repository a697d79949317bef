"""_ffi.py - the C declarations of libpel that the Python package uses, and
the loading of libpel.so (cffi ABI mode: no compiler needed at import).

The structs below mirror include/pel/*.h field by field; tests/test_layout.py
compiles a C program against the headers and checks every offset and size,
so a change to a header that is not copied here fails the tests."""
import ctypes.util
import os

from cffi import FFI

ffi = FFI()
ffi.cdef(r"""
/* error.h */
#define PEL_ERROR_MSG_MAX 512
enum { PEL_OK = 0, PEL_EINVAL = -1, PEL_ENOMEM = -2, PEL_EIO = -3, PEL_EPARSE = -4, PEL_ENOROOT = -5,
       PEL_ENOCONV = -6, PEL_ENUMERIC = -7, PEL_EBLOWUP = -8, PEL_ENOTIMPL = -9, PEL_ESTATE = -10 };
typedef struct pel_error { int code; char msg[512]; } pel_error;
const char *pel_strerror(int code);
/* version.h */
const char *pel_version(void);

/* spectrum.h */
typedef struct pel_spectrum { double W; double m; double eA; double s; } pel_spectrum;
int pel_spectrum_check(const pel_spectrum *sp, pel_error *err);
double pel_spectrum_pdf(const pel_spectrum *sp, double EA);
double pel_spectrum_pdf_m1(const pel_spectrum *sp, double EA);
double pel_spectrum_pdf_m2(const pel_spectrum *sp, double EA);
int pel_spectrum_barrier(const pel_spectrum *sp, double T_K, double *Z, double *EA_mean, pel_error *err);

/* material.h */
typedef struct pel_material {
    char name[64];
    double eA; double s; double eR;
    double W_inf, W_top, W_E0, W_dE, W_0, W_slope;
    double m_0, m_slope, m_E0, m_amp, m_dE;
    double nu0_per_s, S_E, S_E0, S_T, S_T0, S_dT;
    double E_lo, E_hi;
    int W_form; int m_form; int S_form; /* pel_W_form, pel_m_form, pel_S_form */
} pel_material;
int pel_material_preset(const char *name, pel_material *out, pel_error *err);
int pel_material_load(const char *path, pel_material *out, pel_error *err);
int pel_material_save(const pel_material *mat, const char *path, pel_error *err);
int pel_material_check(const pel_material *mat, pel_error *err);
double pel_material_W(const pel_material *mat, double E);
double pel_material_m(const pel_material *mat, double E);
double pel_material_log_nu(const pel_material *mat, double E, double T_K);
void pel_material_spectrum(const pel_material *mat, double E, pel_spectrum *out);

/* equilibrium.h */
double pel_equilibrium_D(const pel_material *mat, double E, double T_K);
int pel_equilibrium_E(const pel_material *mat, double T_K, double *E_eq, pel_error *err);
int pel_equilibrium_Tc(const pel_material *mat, double *Tc_K, pel_error *err);

/* protocol.h */
typedef enum { PEL_START_EQUILIBRIUM = 0, PEL_START_ENERGY = 1 } pel_start_kind;
typedef enum { PEL_SEG_RAMP = 0, PEL_SEG_HOLD = 1 } pel_segment_kind;
typedef struct pel_segment {
    pel_segment_kind kind; double T_end_K; double rate_K_per_s; double duration_s; size_t text_pos;
} pel_segment;
typedef struct pel_protocol {
    pel_start_kind start; double T0_K; double E0; size_t nseg; pel_segment *seg;
} pel_protocol;
int pel_protocol_parse(const char *text, pel_protocol *out, pel_error *err);
void pel_protocol_clear(pel_protocol *p);

/* evolve.h */
typedef struct pel_evolve_opts {
    double rtol; double atol; double dT_out_K; size_t hold_points; int eq_column; int rate_columns;
} pel_evolve_opts;
typedef struct pel_trace_point {
    double t_s; double T_K; double E; double dEdt; double dEdT; double D; double EA_mean; double Eeq;
    int segment;
} pel_trace_point;
typedef struct pel_trace { size_t n, cap; pel_trace_point *p; } pel_trace;
void pel_evolve_opts_default(pel_evolve_opts *o);
int pel_evolve_run(const pel_material *mat, const pel_protocol *proto, const pel_evolve_opts *opts,
                   pel_trace *out, pel_error *err);
void pel_trace_clear(pel_trace *tr);

/* fit.h */
typedef struct pel_events {
    int format; size_t n; double *EA; double *ER; double *E_initial;
    size_t n_rows; size_t n_skipped; int torn_last_line; double E_IS_eV_per_atom; long n_atoms;
} pel_events;
int pel_events_read(const char *path, pel_events **out, pel_error *err);
void pel_events_free(pel_events **ev);
typedef struct pel_fit_options {
    double eA, s; int free_eA_s; double EA_min; size_t bootstrap; double ci_level; uint64_t seed;
    size_t min_events;
} pel_fit_options;
void pel_fit_options_default(pel_fit_options *opt);
typedef struct pel_fit_param { double value, se, ci_lo, ci_hi; } pel_fit_param;
typedef struct pel_fit_result {
    size_t n; pel_fit_param W, m, eA, s; double nll; double ks_D, ks_p; size_t n_boot_ok;
    size_t n_R; pel_fit_param eR; double ks_R_D, ks_R_p;
} pel_fit_result;
typedef int (*pel_progress_fn)(void *ctx, double done, double total, const char *note);
int pel_fit_events(const double *EA, size_t n, const double *ER, size_t n_R, const pel_fit_options *opt,
                   pel_fit_result *res, pel_progress_fn progress, void *progress_ctx, pel_error *err);

/* system.h */
#define PEL_MAX_TYPES 8
typedef struct pel_system {
    size_t n; int ntypes; double lo[3]; double len[3]; double tilt[3];
    double *x; double *v; int *type; int64_t *id; int *image;
    double mass[8]; char elem[8][8]; int has_velocities; unsigned ignored;
} pel_system;
int pel_system_new(pel_system **out, size_t n, int ntypes, pel_error *err);
void pel_system_free(pel_system **sys);
int pel_system_read_data(const char *path, const char *elements, pel_system **out, pel_error *err);
void pel_system_wrap(pel_system *sys);
double pel_system_volume(const pel_system *sys);

/* eam.h */
typedef struct pel_eam pel_eam;
typedef struct pel_forces { double *f; double *e_atom; double energy; double virial[6]; } pel_forces;
typedef struct pel_calc pel_calc;
int pel_eam_read_auto(const char *path, pel_eam **out, pel_error *err);
void pel_eam_free(pel_eam **pot);
double pel_eam_cutoff(const pel_eam *pot);
int pel_eam_nelements(const pel_eam *pot);
const char *pel_eam_element(const pel_eam *pot, int i);
double pel_eam_mass(const pel_eam *pot, int i);
int pel_calc_new(pel_calc **out, const pel_eam *pot, const pel_system *sys, double skin, int nthreads,
                 pel_error *err);
void pel_calc_free(pel_calc **calc);
int pel_calc_compute(pel_calc *calc, const pel_system *sys, pel_forces *out, pel_error *err);
""")

# The structs the layout test checks against the C headers.
STRUCTS = ("pel_error", "pel_spectrum", "pel_material", "pel_segment", "pel_protocol",
           "pel_evolve_opts", "pel_trace_point", "pel_trace", "pel_events", "pel_fit_options",
           "pel_fit_param", "pel_fit_result", "pel_system", "pel_forces")

_SONAME = "libpel.so.0"


def _candidates():
    """Where libpel may be: $PEL_LIBRARY, beside an installed package (the
    relative path written at install time), then the system's loader path."""
    env = os.environ.get("PEL_LIBRARY")
    if env:
        yield env
        return
    try:
        from . import _install  # written by cmake --install
        here = os.path.dirname(os.path.abspath(__file__))
        yield os.path.normpath(os.path.join(here, _install.LIBDIR_FROM_PACKAGE, _SONAME))
    except ImportError:
        pass
    yield ctypes.util.find_library("pel") or _SONAME


_pinned = []


def _load():
    tried = []
    for path in _candidates():
        try:
            lib = ffi.dlopen(path)
            # ctypes never closes what it opens: libpel (and the OpenMP runtime it
            # links) stay mapped until the process ends, so OpenMP worker threads
            # never run unmapped code when cffi closes its handle at shutdown
            # (that was a segfault at exit after a threaded force call).
            _pinned.append(ctypes.CDLL(path))
            return lib
        except OSError as e:
            tried.append(f"{path} ({e})")
    raise ImportError("pel: cannot load libpel: tried " + "; ".join(tried) +
                      " (set PEL_LIBRARY to the path of libpel.so)")


lib = _load()
# Resolve every symbol now: cffi's ABI-mode library resolves a name on first
# use under a lock, and a garbage-collected destructor that calls into lib
# while another resolution holds that lock deadlocks.
for _name in dir(lib):
    getattr(lib, _name)


class PelError(RuntimeError):
    """A libpel call failed: .code is the PEL_E* code, str() the library's one-line message."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def new_error():
    return ffi.new("pel_error *")


def check(status, err):
    """Raise PelError for a negative status; return it otherwise."""
    if status < 0:
        msg = ffi.string(err.msg).decode("utf-8", "replace") if err is not None else ""
        raise PelError(status, msg or ffi.string(lib.pel_strerror(status)).decode())
    return status


def path_bytes(path):
    return os.fsencode(os.fspath(path))
