# kill -9 of a sweep keeps every point that finished (issue 19, item 3): a
# 12-point sweep in 2 workers is killed with SIGKILL 5 times at random
# moments (the parent only: its workers die with it); each next attempt
# adopts the results files the killed one left (the points that finished,
# committed one by one) and reports exactly those as already done, so only
# the points running at a kill are run again; the last attempt finishes
# with each point once, no results file, journal or worker left behind.
# Then a Slurm-style stop (SIGTERM, and SIGHUP) records the running points
# as interrupted, keeps the rest, and a resume finishes.
. "$(dirname "$0")/lib.sh"
scn=$DATA/sweep.yaml
out=$TMP/k.db
total=16
args="--jobs 2 --set sweep.seeds=8 --set run.duration=300s --set workload.all_pairs.stop=300s"
sweep() { "$XRSIM" sweep "$scn" --out "$out" $args "$@"; }
# ok runs committed so far: in --out and in the part files of killed attempts
committed() {
  n=0
  for f in "$out" "$out".part-*; do
    case $f in *-journal) continue ;; esac
    [ -f "$f" ] || continue
    c=$(q "$f" "SELECT count(*) FROM runs WHERE status = 'ok'" 2>/dev/null) || c=0
    n=$((n + ${c:-0}))
  done
  echo $n
}
done_before=0
for i in 1 2 3 4 5; do
  delay=$(awk -v s="$$$i" 'BEGIN { srand(s); printf "%.2f", 0.6 + rand() * 1.4 }')
  "$XRSIM" sweep "$scn" --out "$out" $args > "$TMP/out$i" 2>&1 &
  pid=$!
  sleep "$delay"
  kill -KILL $pid 2>/dev/null
  wait $pid 2>/dev/null
  # the workers get SIGKILL when their parent dies (allow a loaded machine 5 s)
  t=0
  while [ $t -lt 25 ] && pgrep -f "sweep $scn --out $out" > /dev/null; do sleep 0.2; t=$((t + 1)); done
  pgrep -f "sweep $scn --out $out" > /dev/null && fail "workers outlived their killed parent"
  # killed before its plan line, an attempt has run nothing
  if grep -q "already done in" "$TMP/out$i"; then
    grep -q "; $done_before already done in" "$TMP/out$i" \
      || fail "attempt $i did not adopt the $done_before finished points: $(cat "$TMP/out$i")"
  fi
  done_before=$(committed)
  echo "kill $i after ${delay}s: $done_before of $total points finished so far"
done
res=$(sweep 2>&1); rc=$?
echo "$res"
[ $rc = 0 ] || fail "resume exit $rc: $res"
echo "$res" | grep -q "; $done_before already done in .*, $((total - done_before)) to run" \
  || fail "resume re-ran finished points (want $done_before done): $res"
[ "$(q "$out" "SELECT count(*) FROM runs WHERE status = 'ok'")" = $total ] || fail "not $total ok runs"
[ "$(q "$out" "SELECT count(DISTINCT params_json || seed) FROM runs WHERE status = 'ok'")" = $total ] \
  || fail "a point twice"
[ "$(q "$out" "SELECT count(*) FROM runs WHERE status NOT IN ('ok', 'failed', 'interrupted')")" = 0 ] \
  || fail "orphan runs rows"
[ "$(q "$out" "PRAGMA integrity_check")" = ok ] || fail "integrity"
ls "$TMP" | grep -q "part-\|journal" && fail "stale files left: $(ls "$TMP")"
ok "5 kill -9 then resume: each point once, only the points running at a kill were run again"

# A time limit: SIGTERM (Slurm), then SIGHUP (a closed terminal).
# points of about 2 s each: at 600 s an idle machine finished a point
# between the start of its run and the signal
args="--jobs 2 --set sweep.seeds=3 --set run.duration=6000s --set workload.all_pairs.stop=6000s"
for sig in TERM HUP; do
  out=$TMP/$sig.db
  "$XRSIM" sweep "$scn" --out "$out" $args > "$TMP/$sig.out" 2>&1 &
  pid=$!
  # a worker's run has begun once its file, schema written (not empty), has
  # a journal again: the run's transaction
  running() {
    for j in "$out".part-*-journal; do
      [ -e "$j" ] && [ -s "${j%-journal}" ] && return 0
    done
    return 1
  }
  t=0
  while [ $t -lt 300 ] && ! running; do sleep 0.2; t=$((t + 1)); done
  sleep 0.3
  kill -$sig $pid
  wait $pid; rc=$?
  [ $rc = 130 ] || fail "SIG$sig: exit $rc, want 130: $(cat "$TMP/$sig.out")"
  ls "$TMP" | grep -q "$sig.db.part-" && fail "SIG$sig: worker files left"
  n=$(q "$out" "SELECT count(*) FROM runs WHERE status = 'ok'")
  [ "$(q "$out" "SELECT count(*) FROM runs WHERE status = 'interrupted'")" -ge 1 ] || fail "SIG$sig: nothing interrupted"
  res=$(sweep 2>&1) || fail "SIG$sig: resume: $res"
  echo "$res" | grep -q "; $n already done in" || fail "SIG$sig: resume did not skip the $n finished: $res"
  ok "SIG$sig: $n points kept, the interrupted ones ran on resume"
done
