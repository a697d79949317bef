/* evolve_summary.c - landmarks of a trace per segment (include/pel/evolve.h):
 * extrema of E, the dE/dT peak (the DSC-like heat-capacity peak), and where
 * the path leaves or rejoins the equilibrium line (docs/theory.md §5 claims). */
#include <math.h>

#include "pel/evolve.h"

/* Resolution of E when locating extrema, eV/atom: well above the
 * integration noise (~1e-10), far below any physical feature. */
#define PEL_EVOLVE_E_RES 1e-9

static int on_line(const pel_trace_point *p)
{
    return isfinite(p->Eeq) && fabs(p->E - p->Eeq) <= PEL_EVOLVE_EQ_TOL;
}

/* T where |E - E_eq| crosses PEL_EVOLVE_EQ_TOL between rows a and b (one on
 * the line, one off); b's T when E_eq is missing at either row. */
static double crossing_T(const pel_trace_point *a, const pel_trace_point *b)
{
    if (!isfinite(a->Eeq) || !isfinite(b->Eeq))
        return b->T_K;
    double ga = fabs(a->E - a->Eeq) - PEL_EVOLVE_EQ_TOL, gb = fabs(b->E - b->Eeq) - PEL_EVOLVE_EQ_TOL;
    if (ga == gb)
        return b->T_K;
    return a->T_K + (b->T_K - a->T_K) * ga / (ga - gb);
}

static void summarize_one(const pel_trace_point *p, size_t n, int segment, pel_segment_summary *s)
{
    /* p[0] is the start state (last row of the previous segment) */
    s->segment = segment;
    s->ramp = isfinite(p[n - 1].dEdT);
    s->T_start_K = p[0].T_K;
    s->T_end_K = p[n - 1].T_K;
    s->t_start_s = p[0].t_s;
    s->t_end_s = p[n - 1].t_s;
    s->E_start = p[0].E;
    s->E_end = p[n - 1].E;
    s->E_min = s->E_max = p[0].E;
    s->T_at_E_min_K = s->T_at_E_max_K = p[0].T_K;
    s->dEdT_peak = s->T_at_dEdT_peak_K = NAN;
    s->T_depart_K = s->T_rejoin_K = NAN;
    for (size_t i = 1; i < n; i++) {
        s->E_min = fmin(s->E_min, p[i].E);
        s->E_max = fmax(s->E_max, p[i].E);
    }
    /* T of an extremum: the first row within PEL_EVOLVE_E_RES of it, so that
     * interpolation noise along a frozen (flat) stretch does not move it */
    for (size_t i = n; i-- > 0;) {
        if (p[i].E <= s->E_min + PEL_EVOLVE_E_RES)
            s->T_at_E_min_K = p[i].T_K;
        if (p[i].E >= s->E_max - PEL_EVOLVE_E_RES)
            s->T_at_E_max_K = p[i].T_K;
    }
    for (size_t i = 1; i < n; i++) {
        if (s->ramp && (!isfinite(s->dEdT_peak) || p[i].dEdT > s->dEdT_peak)) {
            s->dEdT_peak = p[i].dEdT;
            s->T_at_dEdT_peak_K = p[i].T_K;
        }
    }
    if (on_line(&p[0])) {
        for (size_t i = 1; i < n; i++)
            if (!on_line(&p[i])) {
                s->T_depart_K = crossing_T(&p[i - 1], &p[i]);
                break;
            }
    } else if (on_line(&p[n - 1])) {
        /* start of the final stretch on the line: a path that only passes
         * through the line (the heating minimum, where D = 0) is not a rejoin */
        size_t i = n - 1;
        while (i > 0 && on_line(&p[i - 1]))
            i--;
        s->T_rejoin_K = i > 0 ? crossing_T(&p[i], &p[i - 1]) : p[0].T_K;
    }
}

int pel_trace_summarize(const pel_trace *tr, size_t nseg, pel_segment_summary *out, pel_error *err)
{
    size_t i = 0;
    for (size_t k = 0; k < nseg; k++) {
        /* rows of segment k follow the rows of segments < k */
        while (i < tr->n && tr->p[i].segment < (int)k)
            i++;
        size_t j = i;
        while (j < tr->n && tr->p[j].segment == (int)k)
            j++;
        if (j == i || i == 0)
            return pel_error_set(err, PEL_EINVAL, "trace has no rows for segment %zu", k + 1);
        summarize_one(&tr->p[i - 1], j - i + 1, (int)k, &out[k]);
        i = j;
    }
    return PEL_OK;
}

size_t pel_trace_outside_range(const pel_material *mat, const pel_trace *tr, double *E_far)
{
    size_t n = 0;
    double worst = 0.0, far = NAN;
    for (size_t i = 0; i < tr->n; i++) {
        double E = tr->p[i].E, off = E < mat->E_lo ? mat->E_lo - E : E > mat->E_hi ? E - mat->E_hi : 0.0;
        if (!(off > 0.0))
            continue;
        n++;
        if (off > worst) {
            worst = off;
            far = E;
        }
    }
    if (E_far)
        *E_far = far;
    return n;
}
