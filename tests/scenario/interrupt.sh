# Ctrl-C mid-run: exit 130, the run recorded as interrupted with none of
# its rows, earlier runs untouched.
. "$(dirname "$0")/lib.sh"
db=$TMP/i.db
"$XRSIM" run "$DATA/small.yaml" --out "$db" --quiet || fail "first run"
before=$(q "$db" "SELECT count(*) FROM net_deliveries")
"$XRSIM" run "$DATA/small.yaml" --out "$db" --quiet --set run.duration=100d --set probes.count=200 &
pid=$!
sleep 2
kill -INT $pid
wait $pid; rc=$?
[ $rc -eq 130 ] || fail "interrupted run exit $rc, want 130"
[ "$(q "$db" "SELECT status FROM runs WHERE id=2")" = interrupted ] || fail "run 2 not marked interrupted"
[ "$(q "$db" "SELECT count(*) FROM net_deliveries WHERE run_id=2")" = 0 ] || fail "interrupted run left rows"
[ "$(q "$db" "SELECT count(*) FROM net_deliveries")" = "$before" ] || fail "earlier rows changed"
[ "$(q "$db" "PRAGMA integrity_check")" = ok ] || fail "integrity"
ok "interrupt recorded: $(q "$db" "SELECT status, error, sim_s FROM runs WHERE id=2")"

# SIGKILL mid-run: no trace of the run, file intact.
"$XRSIM" run "$DATA/small.yaml" --out "$db" --quiet --set run.duration=100d --set probes.count=200 &
pid=$!
sleep 2
kill -KILL $pid; wait $pid 2>/dev/null
[ "$(q "$db" "SELECT count(*) FROM runs")" = 2 ] || fail "killed run left a runs row"
[ "$(q "$db" "PRAGMA integrity_check")" = ok ] || fail "integrity after kill"
"$XRSIM" run "$DATA/small.yaml" --out "$db" --quiet || fail "run after kill"
ok "killed run left nothing; the file still takes runs"
