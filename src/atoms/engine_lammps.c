/* engine_lammps.c - the LAMMPS force engine (include/pel/engine.h,
 * docs/engines.md): any potential LAMMPS has, through its C library, set up
 * by the user's own lines ("pair_style sw", "pair_coeff * * Si.sw Si").
 *
 * Debian's LAMMPS is built without C++ exceptions, so a LAMMPS error ends the
 * process that runs it.  The engine therefore runs LAMMPS in a child process
 * (fork, no exec: the child only talks to LAMMPS and to this file) and talks
 * to it over a socket pair: positions and box in, energy, virial and forces
 * out.  The child's stdout and stderr (LAMMPS's screen) come back on a pipe
 * whose tail is kept, so that when the child dies its "ERROR: ..." line
 * becomes the pel error.  A call is LAMMPS `run 1 pre no` with no fix (the
 * atoms stay where pel put them; the lists are rebuilt when an atom moved
 * more than half the skin), or `run 0` with its full setup after a box
 * change. */
#include "pel/engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef PEL_HAVE_LAMMPS
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lammps/library.h>

#define LMP_TAIL 4096 /* bytes of the child's output kept for error messages */
#define LMP_FD_MAX 1024 /* inherited descriptors closed in the child */

enum { LMP_OP_COMPUTE = 1, LMP_OP_QUIT = 2 };

typedef struct lmp_req {
    int op;
    double lo[3], len[3]; /* box, Å */
} lmp_req;

typedef struct lmp_rep {
    int status;         /* 0: ok; else the child could not compute (see msg) */
    double energy;      /* eV */
    double virial[6];   /* eV */
    char msg[160];
} lmp_rep;

typedef struct lmp_state {
    pid_t pid;
    int sock;         /* parent end of the request/reply socket */
    int out;          /* read end of the child's stdout + stderr, -1 once closed */
    size_t n;
    int ntypes;
    int dead;         /* the child is gone: every call fails */
    long count;
    double *xw;       /* [3n] wrapped positions sent each call */
    char tail[LMP_TAIL + 1];
    size_t tail_len;
} lmp_state;

/* ------------------------------------------------------------------------ */
/* Plumbing shared by both ends: whole-buffer transfers (send, so that a
 * dead peer is an error and not SIGPIPE). */
/* One transfer, retried on EINTR: bytes moved, <= 0 when the peer is gone. */
static ssize_t xfer_some(int fd, void *p, size_t len, int sending)
{
    ssize_t k;
    do
        k = sending ? send(fd, p, len, MSG_NOSIGNAL) : read(fd, p, len);
    while (k < 0 && errno == EINTR);
    return k;
}

static int xfer_all(int fd, void *buf, size_t len, int sending)
{
    for (char *p = buf; len > 0;) {
        ssize_t k = xfer_some(fd, p, len, sending);
        if (k <= 0)
            return -1;
        p += k;
        len -= (size_t)k;
    }
    return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
    return xfer_all(fd, (void *)buf, len, 1);
}

static int read_all_plain(int fd, void *buf, size_t len)
{
    return xfer_all(fd, buf, len, 0);
}

/* ------------------------------------------------------------------------ */
/* The child: LAMMPS behind the socket.  Never returns. */

/* LAMMPS calls exit(1) on an error: leave at once (its message is flushed
 * first) without the parent's exit handlers, sanitizer leak reports or MPI
 * teardown, none of which belong to this process. */
static void child_exit_now(void)
{
    fflush(stdout);
    fflush(stderr);
    _exit(1);
}

static void child_main(int sock, int outfd, const char *script, lmp_state *s, const pel_system *sys)
{
    if (dup2(outfd, STDOUT_FILENO) < 0 || dup2(outfd, STDERR_FILENO) < 0)
        _exit(2);
    for (int fd = 3; fd < LMP_FD_MAX; fd++)
        if (fd != sock)
            close(fd);
    atexit(child_exit_now);
    char *args[] = {"pel", "-log", "none", "-nocite", NULL};
    void *h = lammps_open_no_mpi(4, args, NULL);
    if (!h)
        _exit(3);
    size_t n = s->n;
    int *ids = malloc((n ? n : 1) * sizeof *ids), *types = malloc((n ? n : 1) * sizeof *types);
    double *f = malloc(3 * (n ? n : 1) * sizeof *f);
    if (!ids || !types || !f)
        _exit(4);
    lmp_rep rep;
    memset(&rep, 0, sizeof rep);
    /* Box first, then the atoms (pel's order as ids 1..n), then the rest. */
    char box[512];
    snprintf(box, sizeof box,
             "units metal\natom_style atomic\natom_modify map array sort 0 0\nboundary p p p\n"
             "region pel_box block %.17g %.17g %.17g %.17g %.17g %.17g units box\ncreate_box %d pel_box\n",
             sys->lo[0], sys->lo[0] + sys->len[0], sys->lo[1], sys->lo[1] + sys->len[1], sys->lo[2],
             sys->lo[2] + sys->len[2], sys->ntypes);
    lammps_commands_string(h, box);
    for (size_t i = 0; i < n; i++) {
        ids[i] = (int)i + 1;
        types[i] = sys->type[i] + 1;
    }
    int made = lammps_create_atoms(h, (int)n, ids, types, s->xw, NULL, NULL, 0);
    if (made != (int)n) {
        snprintf(rep.msg, sizeof rep.msg, "LAMMPS created %d of %zu atoms", made, n);
        rep.status = 1;
    }
    if (!rep.status)
        lammps_commands_string(h, script);
    /* A fix would move the atoms during the step of each force call: pel
     * integrates the motion itself. */
    char fixid[64];
    if (!rep.status && lammps_id_count(h, "fix") > 0 && lammps_id_name(h, "fix", 0, fixid, (int)sizeof fixid)) {
        snprintf(rep.msg, sizeof rep.msg, "the LAMMPS lines define fix %s: pel moves the atoms itself (give pair "
                 "and neighbour settings only)", fixid);
        rep.status = 1;
    }
    write_all(sock, &rep, sizeof rep); /* ready (or not) */
    lmp_req req;
    double lo[3], hi[3];
    for (int k = 0; k < 3; k++) {
        lo[k] = sys->lo[k];
        hi[k] = sys->lo[k] + sys->len[k];
    }
    while (!rep.status && read_all_plain(sock, &req, sizeof req) == 0 && req.op == LMP_OP_COMPUTE) {
        if (read_all_plain(sock, s->xw, 3 * n * sizeof *s->xw))
            break;
        int box_moved = 0;
        for (int k = 0; k < 3; k++)
            box_moved |= req.lo[k] != lo[k] || req.lo[k] + req.len[k] != hi[k];
        if (box_moved) {
            for (int k = 0; k < 3; k++) {
                lo[k] = req.lo[k];
                hi[k] = req.lo[k] + req.len[k];
            }
            /* positions are scattered next: no remap */
            char cb[512];
            snprintf(cb, sizeof cb,
                     "change_box all x final %.17g %.17g y final %.17g %.17g z final %.17g %.17g units box", lo[0],
                     hi[0], lo[1], hi[1], lo[2], hi[2]);
            lammps_command(h, cb);
        }
        lammps_scatter_atoms(h, "x", 1, 3, s->xw);
        /* Same box: one step without setup and without any fix, so nothing
         * moves; LAMMPS rebuilds its lists only when an atom moved more than
         * half the skin (neigh_modify check yes), else it refreshes the
         * ghosts.  A new box needs the full setup of run 0. */
        lammps_command(h, box_moved ? "run 0 post no" : "run 1 pre no post no");
        rep.energy = lammps_get_thermo(h, "pe");
        /* Atoms carry no velocity in LAMMPS: its pressure tensor is the
         * virial alone, W_ab = P_ab V / nktv2p. */
        static const char *const pk[6] = {"pxx", "pyy", "pzz", "pxy", "pxz", "pyz"};
        double V = (hi[0] - lo[0]) * (hi[1] - lo[1]) * (hi[2] - lo[2]);
        for (int k = 0; k < 6; k++)
            rep.virial[k] = lammps_get_thermo(h, pk[k]) * V / PEL_NKTV2P;
        lammps_gather_atoms(h, "f", 1, 3, f);
        if (write_all(sock, &rep, sizeof rep) || write_all(sock, f, 3 * n * sizeof *f))
            break;
    }
    fflush(stdout);
    _exit(0);
}

/* ------------------------------------------------------------------------ */
/* The parent: requests, replies, and the child's output. */

static void tail_add(lmp_state *s, const char *buf, size_t k)
{
    if (k >= LMP_TAIL) {
        memcpy(s->tail, buf + k - LMP_TAIL, LMP_TAIL);
        s->tail_len = LMP_TAIL;
    } else {
        if (s->tail_len + k > LMP_TAIL) {
            size_t drop = s->tail_len + k - LMP_TAIL;
            memmove(s->tail, s->tail + drop, s->tail_len - drop);
            s->tail_len -= drop;
        }
        memcpy(s->tail + s->tail_len, buf, k);
        s->tail_len += k;
    }
    s->tail[s->tail_len] = '\0';
}

/* Read what the child printed; close the pipe at its end. */
static void drain(lmp_state *s)
{
    char buf[4096];
    ssize_t k;
    while (s->out >= 0 && (k = read(s->out, buf, sizeof buf)) != 0) {
        if (k < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            k = 0;
        }
        if (k == 0)
            break;
        tail_add(s, buf, (size_t)k);
    }
    if (s->out >= 0) {
        close(s->out);
        s->out = -1;
    }
}

/* Read len bytes of reply, draining the child's output meanwhile (it would
 * block on a full pipe).  -1 when the child is gone. */
static int recv_reply(lmp_state *s, void *buf, size_t len)
{
    char *p = buf;
    while (len > 0) {
        struct pollfd pf[2] = {{s->sock, POLLIN, 0}, {s->out, POLLIN, 0}};
        if (poll(pf, s->out >= 0 ? 2 : 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (s->out >= 0 && (pf[1].revents & (POLLIN | POLLHUP | POLLERR)))
            drain(s);
        if (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t k = xfer_some(s->sock, p, len, 0);
            if (k <= 0)
                return -1;
            p += k;
            len -= (size_t)k;
        }
    }
    return 0;
}

/* The child died: reap it and turn its last LAMMPS ERROR line (or its exit
 * status) into the error. */
static int child_died(lmp_state *s, pel_error *err)
{
    s->dead = 1;
    while (s->out >= 0) {
        struct pollfd pf = {s->out, POLLIN, 0};
        if (poll(&pf, 1, 5000) <= 0)
            break;
        drain(s);
    }
    int status = 0;
    if (s->pid > 0 && waitpid(s->pid, &status, 0) == s->pid)
        s->pid = -1;
    const char *msg = NULL;
    for (char *line = s->tail; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (strncmp(line, "ERROR", 5) == 0)
            msg = line;
    char one[PEL_ERROR_MSG_MAX - 32];
    if (msg) {
        const char *colon = strchr(msg, ':');
        msg = colon ? colon + 1 : msg;
        while (*msg == ' ')
            msg++;
        size_t k = strcspn(msg, "\n");
        /* drop LAMMPS's " (src/file.cpp:123)" source position */
        const char *src = strstr(msg, " (src/");
        if (src && (size_t)(src - msg) < k)
            k = (size_t)(src - msg);
        snprintf(one, sizeof one, "%.*s", (int)k, msg);
    } else if (WIFSIGNALED(status)) {
        snprintf(one, sizeof one, "LAMMPS stopped by signal %d", WTERMSIG(status));
    } else {
        snprintf(one, sizeof one, "LAMMPS stopped (exit status %d) without an error message",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    return pel_error_set(err, PEL_EINVAL, "lammps: %s", one);
}

static void lmp_free(void *state)
{
    lmp_state *s = state;
    if (!s)
        return;
    if (s->sock >= 0) {
        if (!s->dead) {
            lmp_req req = {.op = LMP_OP_QUIT};
            write_all(s->sock, &req, sizeof req);
        }
        close(s->sock);
    }
    if (s->pid > 0) {
        /* the child leaves on QUIT or on the closed socket; drain its output
         * so that it never blocks on a full pipe while leaving */
        while (s->out >= 0) {
            struct pollfd pf = {s->out, POLLIN, 0};
            if (poll(&pf, 1, 10000) <= 0)
                break;
            drain(s);
        }
        waitpid(s->pid, NULL, 0);
    }
    if (s->out >= 0)
        close(s->out);
    free(s->xw);
    free(s);
}

/* Positions wrapped into the box: LAMMPS moves an atom back by one box
 * length only, pel's may be any number of lengths away. */
static void wrap_into(lmp_state *s, const pel_system *sys)
{
    for (size_t i = 0; i < s->n; i++) {
        int im[3];
        pel_system_wrapped(sys, i, &s->xw[3 * i], im);
    }
}

/* Commands after the atoms: masses, the user's lines, then what this file
 * reads back (thermo pe and pressure tensor; no velocities, so no kinetic
 * part).  Caller frees. */
static char *make_script(const pel_system *sys, const pel_engine_params *p, pel_error *err)
{
    size_t cap = 1024;
    for (int i = 0; i < p->nlines; i++)
        cap += strlen(p->lines[i]) + 1;
    char *sc = malloc(cap);
    if (!sc) {
        pel_error_set(err, PEL_ENOMEM, "out of memory for the LAMMPS script");
        return NULL;
    }
    size_t k = 0;
    for (int t = 0; t < sys->ntypes; t++)
        k += (size_t)snprintf(sc + k, cap - k, "mass %d %.17g\n", t + 1, sys->mass[t]);
    for (int i = 0; i < p->nlines; i++)
        k += (size_t)snprintf(sc + k, cap - k, "%s\n", p->lines[i]);
    snprintf(sc + k, cap - k,
             "neighbor %.17g bin\nneigh_modify delay 0 every 1 check yes\n"
             "thermo_style custom step pe pxx pyy pzz pxy pxz pyz\nthermo 1\n"
             "thermo_modify norm no lost error\nrun 0 post no\n",
             p->skin);
    return sc;
}

static int lmp_alloc(void **state, const pel_system *sys, const pel_engine_params *p, pel_error *err)
{
    *state = NULL;
    if (p->nlines < 1 || !p->lines)
        return pel_error_set(err, PEL_EINVAL,
                             "engine lammps: no LAMMPS lines given (e.g. --pair \"pair_style sw\" --pair "
                             "\"pair_coeff * * Si.sw Si\")");
    if (sys->n < 1 || sys->n > (size_t)0x7fffffff)
        return pel_error_set(err, PEL_EINVAL, "engine lammps: %zu atoms (1..2^31-1)", sys->n);
    if (!(p->skin >= 0) || !isfinite(p->skin))
        return pel_error_set(err, PEL_EINVAL, "engine lammps: neighbour skin %g must be >= 0", p->skin);
    for (int t = 0; t < sys->ntypes; t++)
        if (!(sys->mass[t] > 0) || !isfinite(sys->mass[t]))
            return pel_error_set(err, PEL_EINVAL,
                                 "engine lammps: atom type %d has no mass (give Masses in the data file)", t + 1);
    for (int i = 0; i < p->nlines; i++)
        if (!p->lines[i] || strchr(p->lines[i], '\n'))
            return pel_error_set(err, PEL_EINVAL, "engine lammps: line %d is empty or holds a newline", i + 1);
    lmp_state *s = calloc(1, sizeof *s);
    char *script = s ? make_script(sys, p, err) : NULL;
    if (!s || !script) {
        free(s);
        return s ? PEL_ENOMEM : pel_error_set(err, PEL_ENOMEM, "out of memory for the LAMMPS engine");
    }
    s->n = sys->n;
    s->ntypes = sys->ntypes;
    s->sock = s->out = -1;
    s->pid = -1;
    s->xw = malloc(3 * s->n * sizeof *s->xw);
    int sv[2] = {-1, -1}, pv[2] = {-1, -1};
    if (!s->xw || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || pipe(pv)) {
        int e = errno;
        for (int k = 0; k < 2; k++) {
            if (sv[k] >= 0) close(sv[k]);
            if (pv[k] >= 0) close(pv[k]);
        }
        free(script);
        lmp_free(s);
        return pel_error_set(err, PEL_ENOMEM, "engine lammps: cannot start (%s)", strerror(e));
    }
    wrap_into(s, sys);
    fflush(NULL); /* nothing buffered may be written twice by the child */
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        close(pv[0]);
        child_main(sv[1], pv[1], script, s, sys);
    }
    free(script);
    close(sv[1]);
    close(pv[1]);
    s->sock = sv[0];
    s->out = pv[0];
    fcntl(s->out, F_SETFL, fcntl(s->out, F_GETFL) | O_NONBLOCK);
    s->pid = pid;
    if (pid < 0) {
        int e = errno;
        lmp_free(s);
        return pel_error_set(err, PEL_ENOMEM, "engine lammps: cannot fork (%s)", strerror(e));
    }
    lmp_rep rep;
    int rc = recv_reply(s, &rep, sizeof rep) ? child_died(s, err) : PEL_OK;
    if (!rc && rep.status)
        rc = pel_error_set(err, PEL_EINVAL, "engine lammps: %s", rep.msg);
    if (rc) {
        lmp_free(s);
        return rc;
    }
    *state = s;
    return PEL_OK;
}

static int lmp_compute(void *state, const pel_system *sys, pel_forces *out, pel_error *err)
{
    lmp_state *s = state;
    if (s->dead)
        return pel_error_set(err, PEL_ESTATE, "engine lammps: LAMMPS stopped at an earlier error");
    if (sys->n != s->n || sys->ntypes != s->ntypes)
        return pel_error_set(err, PEL_EINVAL, "engine lammps: built for %zu atoms of %d types, given %zu of %d",
                             s->n, s->ntypes, sys->n, sys->ntypes);
    if (out->e_atom)
        return pel_error_set(err, PEL_ENOTIMPL, "engine lammps: per-atom energies are not available");
    for (size_t i = 0; i < 3 * s->n; i++)
        if (!isfinite(sys->x[i]))
            return pel_error_set(err, PEL_EBLOWUP, "engine lammps: atom %lld has a non-finite position",
                                 (long long)sys->id[i / 3]);
    wrap_into(s, sys);
    lmp_req req = {.op = LMP_OP_COMPUTE};
    for (int k = 0; k < 3; k++) {
        req.lo[k] = sys->lo[k];
        req.len[k] = sys->len[k];
    }
    lmp_rep rep;
    double *f = out->f ? out->f : s->xw; /* forces land somewhere: xw is rewritten each call */
    if (write_all(s->sock, &req, sizeof req) || write_all(s->sock, s->xw, 3 * s->n * sizeof *s->xw) ||
        recv_reply(s, &rep, sizeof rep) || recv_reply(s, f, 3 * s->n * sizeof *f))
        return child_died(s, err);
    s->count++;
    int ok = isfinite(rep.energy);
    for (int k = 0; k < 6; k++)
        ok &= isfinite(rep.virial[k]);
    for (size_t i = 0; out->f && i < 3 * s->n; i++)
        ok &= isfinite(f[i]);
    if (!ok)
        return pel_error_set(err, PEL_EBLOWUP, "engine lammps: non-finite energy, virial or force");
    out->energy = rep.energy;
    memcpy(out->virial, rep.virial, sizeof rep.virial);
    return PEL_OK;
}

static long lmp_count(const void *state)
{
    return ((const lmp_state *)state)->count;
}

#else /* !PEL_HAVE_LAMMPS */

static int lmp_alloc(void **state, const pel_system *sys, const pel_engine_params *p, pel_error *err)
{
    (void)sys;
    (void)p;
    *state = NULL;
    return pel_error_set(err, PEL_ENOTIMPL,
                         "engine lammps: this pel was built without LAMMPS (install Debian liblammps-dev and "
                         "rebuild with -DPEL_LAMMPS=ON)");
}
static int lmp_compute(void *state, const pel_system *sys, pel_forces *out, pel_error *err)
{
    (void)state;
    (void)sys;
    (void)out;
    return pel_error_set(err, PEL_ENOTIMPL, "engine lammps: not built");
}
static long lmp_count(const void *state)
{
    (void)state;
    return 0;
}
static void lmp_free(void *state)
{
    (void)state;
}

#endif

static const pel_engine_type lmp_type = {"lammps", lmp_alloc, lmp_compute, lmp_count, lmp_free};
const pel_engine_type *const pel_engine_lammps = &lmp_type;
