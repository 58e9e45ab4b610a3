/*
** MPI for `xrsim sweep` (see sweep_mpi.h): start-up only under a launcher,
** and the four collectives the sweep uses.  With XRSIM_MPI unset every
** function is the one-process version and <mpi.h> is not needed.
*/
#include "sweep_mpi.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(XRSIM_MPI) && XRSIM_MPI
#include <mpi.h>
#define HAVE_MPI 1
#else
#define HAVE_MPI 0
#endif

bool cli_mpi_built_in(void) { return HAVE_MPI; }

/* The value of environment variable `name` as a number > 1, else 1. */
static long env_size(const char *name) {
    const char *s = getenv(name);
    if (s == NULL || *s == '\0') return 1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < 2) return 1;
    return v;
}

long cli_mpi_launcher_size(void) {
    long n = env_size("OMPI_COMM_WORLD_SIZE");
    return n > 1 ? n : env_size("PMI_SIZE");
}

#if HAVE_MPI

/* True when an MPI launcher started this process (whatever its size). */
static bool launched(void) {
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("PMIX_RANK");
}

bool cli_mpi_begin(cli_mpi *m, char *err, size_t err_len) {
    assert(m && err && err_len > 0);
    memset(m, 0, sizeof *m);
    m->size = m->local_size = 1;
    err[0] = '\0';
    if (!launched()) return true;
    if (MPI_Init(NULL, NULL) != MPI_SUCCESS) {
        snprintf(err, err_len, "MPI_Init failed");
        return false;
    }
    m->active = true;
    MPI_Comm node;
    if (MPI_Comm_rank(MPI_COMM_WORLD, &m->rank) != MPI_SUCCESS ||
        MPI_Comm_size(MPI_COMM_WORLD, &m->size) != MPI_SUCCESS ||
        MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) != MPI_SUCCESS) {
        snprintf(err, err_len, "MPI could not tell this process's rank");
        return false;
    }
    if (MPI_Comm_size(node, &m->local_size) != MPI_SUCCESS || m->local_size < 1) m->local_size = 1;
    MPI_Comm_free(&node);
    assert(m->size >= 1 && m->rank >= 0 && m->rank < m->size);
    return true;
}

void cli_mpi_end(cli_mpi *m) {
    assert(m);
    if (m->active) MPI_Finalize();
    m->active = false;
}

bool cli_mpi_allgather_i64(const cli_mpi *m, int64_t v, int64_t *all) {
    assert(m && all);
    if (!m->active) {
        all[0] = v;
        return true;
    }
    return MPI_Allgather(&v, 1, MPI_INT64_T, all, 1, MPI_INT64_T, MPI_COMM_WORLD) == MPI_SUCCESS;
}

bool cli_mpi_gather_i64(const cli_mpi *m, const int64_t *mine, size_t n, int64_t *all) {
    assert(m && mine && n > 0 && n <= INT_MAX);
    assert(m->rank != 0 || all);
    if (!m->active) {
        memcpy(all, mine, n * sizeof *mine);
        return true;
    }
    return MPI_Gather(mine, (int)n, MPI_INT64_T, all, (int)n, MPI_INT64_T, 0, MPI_COMM_WORLD) == MPI_SUCCESS;
}

bool cli_mpi_bcast(const cli_mpi *m, void *buf, size_t len) {
    assert(m && (buf || len == 0));
    if (!m->active) return true;
    /* MPI counts are int: send large buffers in pieces. */
    char *p = buf;
    while (len > 0) {
        int piece = len > (size_t)INT_MAX ? INT_MAX : (int)len;
        if (MPI_Bcast(p, piece, MPI_BYTE, 0, MPI_COMM_WORLD) != MPI_SUCCESS) return false;
        p += piece;
        len -= (size_t)piece;
    }
    return true;
}

#else /* one process */

bool cli_mpi_begin(cli_mpi *m, char *err, size_t err_len) {
    assert(m && err && err_len > 0);
    memset(m, 0, sizeof *m);
    m->size = m->local_size = 1;
    err[0] = '\0';
    return true;
}

void cli_mpi_end(cli_mpi *m) {
    assert(m);
    m->active = false;
}

bool cli_mpi_allgather_i64(const cli_mpi *m, int64_t v, int64_t *all) {
    assert(m && all);
    all[0] = v;
    return true;
}

bool cli_mpi_gather_i64(const cli_mpi *m, const int64_t *mine, size_t n, int64_t *all) {
    assert(m && mine && all && n > 0);
    memcpy(all, mine, n * sizeof *mine);
    return true;
}

bool cli_mpi_bcast(const cli_mpi *m, void *buf, size_t len) {
    assert(m && (buf || len == 0));
    return true;
}

#endif
