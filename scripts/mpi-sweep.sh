#!/bin/bash
# One sweep over the MPI ranks of a Slurm allocation (xrsim built with
# -DXRSIM_MPI=ON, which `make build` does when OpenMPI is installed):
#
#   sbatch --ntasks=64 scripts/mpi-sweep.sh scenarios/examples/quorum-sweep.yaml results/quorum.db
#
# runs `mpirun xrsim sweep SCENARIO --out OUT --jobs 1`: rank r of R runs
# the points --shard r+1/R would, each in its own process (one rank per
# core), and rank 0 gathers every rank's results into OUT, which must be on
# a filesystem all nodes share.  Submitting the same job again resumes:
# points already `ok` in OUT are skipped.  Outside Slurm:
#   MPIRUN="mpirun -n 4" bash scripts/mpi-sweep.sh SCENARIO OUT.db
# Set XRSIM to the xrsim binary (default: build/release/xrsim).
#SBATCH --job-name=xrsim-mpi-sweep
#SBATCH --cpus-per-task=1
#SBATCH --time=12:00:00
#SBATCH --output=%x-%j.log
set -euo pipefail

SCENARIO=${1:?usage: sbatch --ntasks=R mpi-sweep.sh SCENARIO OUT.db}
OUT=${2:?usage: sbatch --ntasks=R mpi-sweep.sh SCENARIO OUT.db}
XRSIM=${XRSIM:-build/release/xrsim}
MPIRUN=${MPIRUN:-mpirun}

mkdir -p "$(dirname "$OUT")"
# shellcheck disable=SC2086
exec $MPIRUN "$XRSIM" sweep "$SCENARIO" --out "$OUT" --jobs 1
