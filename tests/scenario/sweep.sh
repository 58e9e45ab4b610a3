# `xrsim sweep` and `xrsim merge` through the command line: a 2 x 2 sweep
# with --jobs 2 gives 4 ok runs and leaves no worker files; running it
# again runs nothing (resume); two shards merged give the same (params,
# seed, event digest) set as the local sweep; merge refuses duplicates,
# text and foreign SQLite files, newer schemas and mixed scenarios with
# exit 2, leaving OUT byte-for-byte unchanged (and not creating a new
# OUT); a bad sweep key is an error at its file:line:col, nothing written.
. "$(dirname "$0")/lib.sh"
scn=$DATA/sweep.yaml
local=$TMP/local.db

out=$("$XRSIM" sweep "$scn" --out "$local" --jobs 2); rc=$?
echo "$out"
[ $rc = 0 ] || fail "sweep exit $rc"
echo "$out" | grep -q "4 points; 0 already done in .*, 4 to run" || fail "no plan line: $out"
[ "$(q "$local" "SELECT count(*) FROM runs WHERE status = 'ok'")" = 4 ] || fail "not 4 ok runs"
[ "$(q "$local" "SELECT count(DISTINCT params_json || seed) FROM runs")" = 4 ] || fail "points not distinct"
[ "$(q "$local" "SELECT count(*) FROM runs WHERE params_json LIKE '%\"quorum\":0.75%' AND seed = 2")" = 1 ] \
  || fail "point quorum 0.75 seed 2 missing"
[ "$(q "$local" "SELECT count(*) FROM messages")" -gt 0 ] || fail "no per-run rows"
ls "$TMP" | grep -q part && fail "worker files left behind: $(ls "$TMP")"
ok "sweep: 4 ok runs with --jobs 2"

cp "$local" "$TMP/before.db"
out=$("$XRSIM" sweep "$scn" --out "$local" --jobs 2); rc=$?
[ $rc = 0 ] || fail "resume exit $rc"
echo "$out" | grep -q "4 already done in .*, 0 to run" || fail "resume ran something: $out"
cmp -s "$local" "$TMP/before.db" || fail "resume changed the file"
ok "resume: 0 to run"

"$XRSIM" sweep "$scn" --out "$TMP/a.db" --shard 1/2 --jobs 1 --quiet || fail "shard 1/2"
"$XRSIM" sweep "$scn" --out "$TMP/b.db" --shard 2/2 --quiet || fail "shard 2/2"
[ "$(q "$TMP/a.db" "SELECT count(*) FROM runs")" = 2 ] || fail "shard 1/2 not 2 runs"
merged=$TMP/merged.db
"$XRSIM" merge "$merged" "$TMP/a.db" "$TMP/b.db" || fail "merge exit $?"
set_of() { q "$1" "SELECT params_json, seed, event_digest FROM runs WHERE status = 'ok' ORDER BY 1, 2"; }
[ "$(set_of "$merged")" = "$(set_of "$local")" ] || fail "shards + merge differ from the local sweep"
rows_of() { q "$1" "SELECT r.params_json, r.seed, count(m.msg_id), sum(m.executed_ns) FROM runs r
                    LEFT JOIN messages m ON m.run_id = r.id GROUP BY r.id ORDER BY 1, 2"; }
[ "$(rows_of "$merged")" = "$(rows_of "$local")" ] || fail "merged per-run rows differ"
[ "$(q "$merged" "SELECT group_concat(id) FROM runs")" = "1,2,3,4" ] || fail "run ids not renumbered"
ok "2 shards + merge = local sweep"

cp "$merged" "$TMP/m0.db"
refuse() { # refuse WHAT ARGS...: merge must exit 2 and leave merged.db unchanged
  what=$1; shift
  out=$("$XRSIM" merge "$merged" "$@" 2>&1); rc=$?
  [ $rc = 2 ] || fail "$what: exit $rc: $out"
  echo "$out" | grep -q "nothing was written" || fail "$what: message: $out"
  cmp -s "$merged" "$TMP/m0.db" || fail "$what: OUT changed"
  echo "$out"
}
refuse duplicate "$TMP/a.db" | grep -q "duplicate run" || fail "duplicate message"
echo "not a database" > "$TMP/text.db"
refuse text "$TMP/text.db" | grep -q "not SQLite" || fail "text message"
sqlite3 "$TMP/foreign.db" "CREATE TABLE t (x)"
refuse foreign "$TMP/foreign.db" | grep -q "not written by xrsim" || fail "foreign message"
cp "$TMP/a.db" "$TMP/newer.db"
sqlite3 "$TMP/newer.db" "PRAGMA user_version = 99"
refuse newer "$TMP/newer.db" | grep -q "newer" || fail "newer message"
"$XRSIM" run "$DATA/small.yaml" --out "$TMP/other.db" --quiet --set run.duration=10s || fail "other run"
refuse mixed "$TMP/other.db" | grep -q "mixed scenarios" || fail "mixed message"
"$XRSIM" merge "$TMP/new.db" "$TMP/a.db" "$TMP/a.db" >/dev/null 2>&1 && fail "same input twice accepted"
[ -e "$TMP/new.db" ] && fail "refused merge left a new OUT behind"
"$XRSIM" merge "$merged" "$TMP/other.db" --allow-mixed --quiet || fail "--allow-mixed"
[ "$(q "$merged" "SELECT count(*) FROM runs")" = 5 ] || fail "--allow-mixed did not add the run"
ok "merge refuses duplicates, foreign, newer and mixed inputs"

out=$("$XRSIM" sweep "$scn" --out "$TMP/bad.db" --set 'sweep.grid={consensus.qorum: [0.7]}' 2>&1); rc=$?
[ $rc = 2 ] || fail "bad grid key exit $rc"
echo "$out" | grep -q "^--set sweep.grid:1:.*: error: sweep value 'consensus.qorum=0.7' does not apply: unknown key 'qorum'" \
  || fail "bad grid key message: $out"
[ -e "$TMP/bad.db" ] && fail "bad sweep created its results file"
out=$("$XRSIM" sweep "$scn" --out "$TMP/bad.db" --shard 3/2 2>&1); rc=$?
[ $rc = 2 ] || fail "bad shard exit $rc"
ok "bad input: exit 2, nothing written"
exit 0

# A grid value may be a list, and `none` is an empty list: 0% silent beside 10% and 25% in one sweep.
# The report gives the power those targets actually hold: whole verifiers of 10 equal ones, so 25%
# of the stake is 3 of them (30%).
n=$TMP/none.db
(cd "$SRC" && "$XRSIM" sweep scenarios/examples/quorum-sweep.yaml --out "$n" --quiet --jobs 2 --set sweep.seeds=1 \
  --set 'sweep.grid={verifiers.byzantine: [none, [{behaviour: silent, stake_fraction: 10%}], [{behaviour: silent, stake_fraction: 25%}]]}' \
  --set run.duration=1min) || fail "sweep with none beside lists"
[ "$(q "$n" "SELECT COUNT(*) FROM runs WHERE status = 'ok'")" = 3 ] || fail "want 3 ok runs"
[ "$(q "$n" "SELECT COUNT(DISTINCT run_id) FROM byzantine")" = 2 ] || fail "want Byzantine entries in 2 runs (none: 0)"
out=$("$XRSIM" report "$n") || fail "report of the none sweep"
echo "$out" | grep -Eq "byzantine\[0\] +silent, stake_fraction 1/10 +1 +10%$" || fail "10% target: power share"
echo "$out" | grep -Eq "byzantine\[0\] +silent, stake_fraction 1/4 +1 +30%$" || fail "25% target: 3 of 10 verifiers, 30%"
ok "grid values none and lists; actual power shares reported"
