#!/bin/bash
# A sweep as a Slurm job array: one array task per shard, each writing its
# own results file, then one dependent job that merges them.
#
#   sbatch --array=1-16 scripts/slurm-sweep.sh scenarios/examples/quorum-sweep.yaml results/quorum
#
# submits 16 shards (task K runs `xrsim sweep --shard K/16`) and, when all of
# them succeeded, a merge into results/quorum.db.  A shard that is re-run
# after a failure resumes: points already `ok` in its file are skipped.
# Set XRSIM to the xrsim binary (default: build/release/xrsim, built with
# `make build` on a shared filesystem the nodes can read).
#SBATCH --job-name=xrsim-sweep
#SBATCH --cpus-per-task=1
#SBATCH --time=12:00:00
#SBATCH --output=%x-%A_%a.log
set -euo pipefail

SCENARIO=${1:?usage: sbatch --array=1-N slurm-sweep.sh SCENARIO OUT_PREFIX}
PREFIX=${2:?usage: sbatch --array=1-N slurm-sweep.sh SCENARIO OUT_PREFIX}
XRSIM=${XRSIM:-build/release/xrsim}

if [ "${XRSIM_MERGE:-0}" = 1 ]; then
    # The merge step: every shard file into PREFIX.db (refuses duplicates).
    exec "$XRSIM" merge "$PREFIX.db" "$PREFIX".shard-*.db
fi

K=${SLURM_ARRAY_TASK_ID:?run me with sbatch --array=1-N}
N=${SLURM_ARRAY_TASK_COUNT:?run me with sbatch --array=1-N}
mkdir -p "$(dirname "$PREFIX")"
"$XRSIM" sweep "$SCENARIO" --shard "$K/$N" --jobs 1 --quiet --out "$PREFIX.shard-$K.db"

# The last task to start queues the merge after the whole array succeeded.
if [ "$K" = "$N" ]; then
    sbatch --dependency="afterok:${SLURM_ARRAY_JOB_ID}" --job-name=xrsim-merge \
        --export=ALL,XRSIM_MERGE=1 "$0" "$SCENARIO" "$PREFIX"
fi
