# `mpirun -n R xrsim sweep` (an XRSIM_MPI build): two ranks give the same
# runs as a local sweep and as two shards merged -- same (params, seed)
# set, event digests, per-run rows and summary numbers; resume skips what
# --out already has on every rank (three ranks, --jobs 2, one rank with
# nothing to run); ranks that disagree on the sweep, or an --out that is not
# an xrsim file, stop every rank with exit 2 and nothing written; SIGINT to
# rank 1 alone makes every rank exit 130 naming rank 1, with rank 0's run
# kept; kill -9 of every rank keeps the points they finished, which the next
# mpirun adopts (issue 19).  A build without MPI is only checked to refuse to run under a
# launcher, then the test reports SKIP (exit 77).
. "$(dirname "$0")/lib.sh"
scn=$DATA/sweep.yaml

if [ -z "${XRSIM_MPIEXEC:-}" ]; then
  out=$(OMPI_COMM_WORLD_SIZE=2 "$XRSIM" sweep "$scn" --out "$TMP/x.db" 2>&1); rc=$?
  [ $rc = 2 ] || fail "non-MPI build under a launcher: exit $rc: $out"
  echo "$out" | grep -q "built without MPI" || fail "non-MPI refusal message: $out"
  [ -e "$TMP/x.db" ] && fail "non-MPI refusal created --out"
  ok "a build without MPI refuses to run under mpirun"
  echo "SKIP: xrsim was built without MPI (cmake -DXRSIM_MPI=ON); the mpirun comparisons did not run"
  exit 77
fi

command -v "$XRSIM_MPIEXEC" >/dev/null || fail "xrsim has MPI but mpiexec ($XRSIM_MPIEXEC) is missing: install openmpi-bin"
if [ "$(id -u)" = 0 ]; then # containers
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
# Under ASan, OpenMPI's own memory at exit is not ours (tests/lsan-openmpi.supp);
# slow unwinding, for the ranks only, lets the suppressions see its frames.
MPI_LSAN="suppressions=$SRC/tests/lsan-openmpi.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
MPI_ASAN="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}fast_unwind_on_malloc=0"
mpirun_() { # mpirun_ ARGS...: mpirun with the above (2 cores here: oversubscribe)
  # shellcheck disable=SC2086
  LSAN_OPTIONS=$MPI_LSAN ASAN_OPTIONS=$MPI_ASAN $XRSIM_MPIEXEC --oversubscribe \
    $([ "$(id -u)" = 0 ] && echo --allow-run-as-root) "$@"
}
mpi() { # mpi R ARGS...: xrsim on R ranks
  r=$1; shift
  mpirun_ -n "$r" "$XRSIM" "$@"
}
no_parts() { ls "$TMP" | grep -q "\.part-" && fail "$1: part files left behind: $(ls "$TMP" | grep "\.part-")"; true; }

runs_of() { q "$1" "SELECT params_json, seed, event_digest, event_count, sim_s FROM runs WHERE status = 'ok'
                    ORDER BY 1, 2"; }
rows_of() { q "$1" "SELECT r.params_json, r.seed, count(m.msg_id), sum(m.executed_ns), sum(m.gas_used) FROM runs r
                    LEFT JOIN messages m ON m.run_id = r.id WHERE r.status = 'ok' GROUP BY r.id ORDER BY 1, 2"; }
sums_of() { q "$1" "SELECT r.params_json, r.seed, c.heights_committed_count, c.height_p99_ns, c.approval_p99_ns,
                    f.level, f.executed_count, f.p50_s, f.p99_s
                    FROM runs r JOIN consensus_summary c ON c.run_id = r.id JOIN v_finality f ON f.run_id = r.id
                    WHERE r.status = 'ok' ORDER BY 1, 2, f.level"; }
same() { # same A.db B.db WHAT
  [ "$(q "$1" "SELECT count(*) FROM runs WHERE status = 'ok'")" = 4 ] || fail "$3: $1 has not 4 ok runs"
  [ "$(runs_of "$1")" = "$(runs_of "$2")" ] || fail "$3: runs (params, seed, digest) differ"
  [ "$(rows_of "$1")" = "$(rows_of "$2")" ] || fail "$3: per-run message rows differ"
  [ -n "$(sums_of "$1")" ] || fail "$3: no summary rows"
  [ "$(sums_of "$1")" = "$(sums_of "$2")" ] || fail "$3: summary numbers differ"
}

# The references: a local sweep, and two shards merged.
"$XRSIM" sweep "$scn" --out "$TMP/local.db" --jobs 2 --quiet || fail "local sweep"
"$XRSIM" sweep "$scn" --out "$TMP/s1.db" --shard 1/2 --jobs 1 --quiet || fail "shard 1/2"
"$XRSIM" sweep "$scn" --out "$TMP/s2.db" --shard 2/2 --jobs 1 --quiet || fail "shard 2/2"
"$XRSIM" merge "$TMP/merged.db" "$TMP/s1.db" "$TMP/s2.db" --quiet || fail "merge"
same "$TMP/merged.db" "$TMP/local.db" "shards + merge vs local"

out=$(mpi 2 sweep "$scn" --out "$TMP/mpi.db"); rc=$?
echo "$out"
[ $rc = 0 ] || fail "mpirun -n 2 sweep: exit $rc"
[ "$(echo "$out" | grep -c "4 points on 2 ranks; 0 already done in .*, 4 to run")" = 1 ] || fail "plan line: $out"
[ "$(echo "$out" | grep -c "ran 4 of 4 on 2 ranks: 4 ok, 0 failed, 0 interrupted")" = 1 ] || fail "summary: $out"
no_parts "mpirun -n 2"
same "$TMP/mpi.db" "$TMP/local.db" "mpirun -n 2 vs local"
same "$TMP/mpi.db" "$TMP/merged.db" "mpirun -n 2 vs shards + merge"
[ "$(q "$TMP/mpi.db" "SELECT group_concat(id) FROM runs")" = "1,2,3,4" ] || fail "run ids not renumbered"
ok "mpirun -n 2 = local sweep = 2 shards + merge"

cp "$TMP/mpi.db" "$TMP/before.db"
out=$(mpi 2 sweep "$scn" --out "$TMP/mpi.db"); rc=$?
[ $rc = 0 ] || fail "resume: exit $rc: $out"
echo "$out" | grep -q "4 already done in .*, 0 to run" || fail "resume ran something: $out"
cmp -s "$TMP/mpi.db" "$TMP/before.db" || fail "resume changed the file"
ok "resume on 2 ranks: 0 to run, file unchanged"

# Resume from shard 1's file on 3 ranks with 2 jobs each: ranks 0 and 1 run
# one point each, rank 2 none (points 1 and 3 of 0..3 are missing).
cp "$TMP/s1.db" "$TMP/part3.db"
out=$(mpi 3 sweep "$scn" --out "$TMP/part3.db" --jobs 2); rc=$?
[ $rc = 0 ] || fail "3 ranks: exit $rc: $out"
echo "$out" | grep -q "4 points on 3 ranks; 2 already done in .*, 2 to run" || fail "3 ranks plan: $out"
no_parts "3 ranks"
same "$TMP/part3.db" "$TMP/local.db" "3 ranks resuming shard 1/2 vs local"
ok "resume on 3 ranks with --jobs 2"

out=$(mpi 2 sweep "$scn" --out "$TMP/sh2.db" --shard 2/2 --quiet); rc=$?
[ $rc = 0 ] || fail "2 ranks --shard 2/2: exit $rc: $out"
[ "$(runs_of "$TMP/sh2.db")" = "$(runs_of "$TMP/s2.db")" ] || fail "2 ranks of shard 2/2 differ from shard 2/2"
ok "--shard K/N splits further over the ranks"

# Ranks that disagree: exit 2 everywhere, naming rank 1, nothing written.
out=$(mpirun_ -n 1 "$XRSIM" sweep "$scn" --out "$TMP/odd.db" : \
               -n 1 "$XRSIM" sweep "$scn" --out "$TMP/odd.db" --set run.duration=15s 2>&1); rc=$?
[ $rc = 2 ] || fail "mismatched ranks: exit $rc: $out"
echo "$out" | grep -q "differ from rank 0's on rank 1 " || fail "mismatch message: $out"
[ -e "$TMP/odd.db" ] && fail "mismatched ranks created --out"
ok "ranks with different options: exit 2, nothing written"

# A bad --out, seen by rank 0 only: exit 2 on every rank, file unchanged.
sqlite3 "$TMP/foreign.db" "CREATE TABLE t (x)"
cp "$TMP/foreign.db" "$TMP/foreign0.db"
out=$(mpi 2 sweep "$scn" --out "$TMP/foreign.db" 2>&1); rc=$?
[ $rc = 2 ] || fail "foreign --out: exit $rc: $out"
echo "$out" | grep -q "rank 0: .*not written by xrsim" || fail "foreign message: $out"
cmp -s "$TMP/foreign.db" "$TMP/foreign0.db" || fail "foreign --out changed"
no_parts "foreign --out"
ok "foreign --out: exit 2 on every rank, unchanged"

# SIGINT to rank 1 alone, mid-run: rank 0's short point is kept, rank 1's
# long one recorded as interrupted, every rank exits 130.
set -- --set 'sweep.grid={run.duration: [20s, 100d]}' --set sweep.seeds=1
out=$(mpirun_ -n 1 "$XRSIM" sweep "$scn" --out "$TMP/int.db" "$@" : \
               -n 1 timeout --preserve-status -s INT 2 "$XRSIM" sweep "$scn" --out "$TMP/int.db" "$@" \
               2>"$TMP/int.err"); rc=$?
echo "$out"
[ $rc = 130 ] || fail "interrupted rank: exit $rc: $out $(cat "$TMP/int.err")"
grep -q "^xrsim sweep: interrupted on rank 1$" "$TMP/int.err" || fail "interrupt message: $(cat "$TMP/int.err")"
# (rank 1's run is recorded as interrupted, or absent if the signal came
# before it began; never ok)
[ "$(q "$TMP/int.db" "SELECT count(*) FROM runs WHERE status = 'ok' AND sim_s <= 20")" = 1 ] \
  || fail "rank 0's run not kept: $(q "$TMP/int.db" "SELECT id, status, sim_s FROM runs")"
[ "$(q "$TMP/int.db" "SELECT count(*) FROM runs WHERE status != 'interrupted' AND sim_s > 20")" = 0 ] \
  || fail "rank 1's run not interrupted: $(q "$TMP/int.db" "SELECT id, status, sim_s FROM runs")"
no_parts "interrupt"
ok "SIGINT on rank 1: exit 130, rank 0's run kept"

if ldd "$XRSIM" 2>/dev/null | grep -q libasan; then
  echo "skip: kill -9 of the ranks under ASan (the release build runs it; this test's time is spent)"
  exit 0
fi
# kill -9 of every rank and of mpirun (a Slurm job past its time limit):
# the points each rank finished stay committed in its part files, and the
# next mpirun adopts them before it plans, running only what is missing.
out=$TMP/kill.db
# Points of about 2 s each, so the ranks are still running when they are
# killed (at 200 s a point took 0.1 s and an idle machine finished first).
sets="--set sweep.seeds=3 --set run.duration=10000s --set workload.all_pairs.stop=10000s"
# shellcheck disable=SC2086
mpi 2 sweep "$scn" --out "$out" --jobs 1 $sets > "$TMP/kill1" 2>&1 &
for t in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do grep -q "to run" "$TMP/kill1" && break; sleep 0.4; done
sleep 1
pids=$(pgrep -f -- "--out $out ")
[ -n "$pids" ] || fail "no rank to kill: $(cat "$TMP/kill1")"
# shellcheck disable=SC2086
kill -KILL $pids 2>/dev/null
wait
# The ranks are not this shell's children: wait until they are gone (a
# sweep leaves the part files of a process still alive to that process).
for t in $(seq 50); do
  # shellcheck disable=SC2086
  kill -0 $pids 2>/dev/null || break
  sleep 0.1
done
sleep 0.5
committed=0
for f in "$out".part-*; do
  case $f in *-journal) continue ;; esac
  [ -f "$f" ] || continue
  committed=$((committed + $(q "$f" "SELECT count(*) FROM runs WHERE status = 'ok'")))
done
[ -e "$out" ] && committed=$((committed + $(q "$out" "SELECT count(*) FROM runs WHERE status = 'ok'")))
# shellcheck disable=SC2086
res=$(mpi 2 sweep "$scn" --out "$out" --jobs 1 $sets 2>&1) || fail "mpirun resume after kill -9: $res"
echo "$res" | grep -q "; $committed already done in" || fail "resume did not adopt the $committed finished points: $res"
[ "$(q "$out" "SELECT count(*) FROM runs WHERE status = 'ok'")" = 6 ] || fail "not 6 ok runs after the resume"
[ "$(q "$out" "SELECT count(DISTINCT params_json || seed) FROM runs WHERE status = 'ok'")" = 6 ] || fail "a point twice"
no_parts "kill -9 of the ranks, then resume"
ok "kill -9 of every rank: $committed finished points adopted, the rest run on resume"
exit 0
