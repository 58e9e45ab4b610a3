/*
** The little MPI that `xrsim sweep` needs to run one sweep across the ranks
** of `mpirun -n R xrsim sweep ...` (cli/cmd_sweep.c has the protocol: rank r
** of R runs the same slice --shard r+1/R would, rank 0 gathers).  This file
** is the only one that includes <mpi.h>; it compiles with and without the
** CMake option XRSIM_MPI (which defines XRSIM_MPI=1 and links OpenMPI).
**
**   - Built with MPI, cli_mpi_begin calls MPI_Init only when the process was
**     started by an MPI launcher (its environment names a world size:
**     OMPI_COMM_WORLD_SIZE, PMI_SIZE, PMIX_RANK).  A plain `xrsim sweep`
**     never touches MPI, so it behaves exactly like a build without it.
**   - Built without MPI, every call is the one-process version (rank 0 of
**     1), and cli_mpi_launcher_size lets the caller refuse to run under a
**     launcher rather than have every rank write the same file.
**
** The collectives are blocking and must be called by every rank in the
** same order (MPI's rule).  They report MPI failures by returning false;
** with MPI's default error handler (MPI_ERRORS_ARE_FATAL) a failed
** collective aborts the whole job anyway, which is also what happens when
** a rank dies: mpirun kills the others.
*/
#ifndef XRSIM_SWEEP_MPI_H
#define XRSIM_SWEEP_MPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cli_mpi {
    int rank;        /* 0-based; 0 when not under MPI */
    int size;        /* ranks in the job; 1 when not under MPI */
    int local_size;  /* ranks on this machine (>= 1) */
    bool active;     /* MPI_Init was called: cli_mpi_end must be */
} cli_mpi;

/* True when this binary was built with XRSIM_MPI. */
bool cli_mpi_built_in(void);

/* The number of processes an MPI launcher says the job has, read from the
** environment (OMPI_COMM_WORLD_SIZE, else PMI_SIZE); 1 when none is set or
** the value is not a number above 1.  Works in every build. */
long cli_mpi_launcher_size(void);

/* Fills *m.  In an MPI build started by a launcher, initialises MPI and
** reads rank and size; otherwise sets rank 0 of 1 and touches nothing.
** Returns false (with a message in err) when MPI could not start. */
bool cli_mpi_begin(cli_mpi *m, char *err, size_t err_len);

/* Finalises MPI if cli_mpi_begin initialised it.  Idempotent. */
void cli_mpi_end(cli_mpi *m);

/* Every rank gets every rank's `v`: all[0..size) (all has m->size slots). */
bool cli_mpi_allgather_i64(const cli_mpi *m, int64_t v, int64_t *all);

/* Rank 0 gets every rank's n values in all[r * n + i] (all: size * n slots,
** needed on rank 0 only; may be NULL elsewhere). */
bool cli_mpi_gather_i64(const cli_mpi *m, const int64_t *mine, size_t n, int64_t *all);

/* Copies rank 0's len bytes at buf to every rank's buf (any len). */
bool cli_mpi_bcast(const cli_mpi *m, void *buf, size_t len);

#endif
