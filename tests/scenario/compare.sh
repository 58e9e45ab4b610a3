# `xrsim export` and `xrsim compare` through the command line: a result
# file compared with itself reports no change (exit 0); a HEAD whose
# relayers wait longer (relayers.delay, left out of the matching with
# --ignore) is a fast-finality regression (exit 1) with one digest line per
# seed; export writes CSV and JSON; bad input -- a text file, a foreign
# SQLite file, a newer schema, an unknown metric, an unknown view -- exits
# 2 with a clear message and leaves every file byte-for-byte unchanged.
. "$(dirname "$0")/lib.sh"
base=$TMP/base.db
head=$TMP/head.db
for s in 1 2 3 4; do
  "$XRSIM" run "$DATA/e2e.yaml" --out "$base" --quiet --seed $s || fail "base run $s"
  "$XRSIM" run "$DATA/e2e.yaml" --out "$head" --quiet --seed $s --set relayers.delay=1500ms || fail "head run $s"
done

# identical
out=$("$XRSIM" compare "$base" "$base"); rc=$?
echo "$out"
[ $rc = 0 ] || fail "self-compare exit $rc"
echo "$out" | grep -q "no significant change beyond 5% in 5 comparisons" || fail "self-compare reports a change"
echo "$out" | grep -q "digest differs" && fail "self-compare reports digests"
ok "identical: no change"

# the parameters differ, so nothing matches without --ignore
out=$("$XRSIM" compare "$base" "$head" 2>&1); rc=$?
[ $rc = 2 ] || fail "unmatched compare exit $rc"
echo "$out" | grep -q "nothing to compare" || fail "no 'nothing to compare': $out"

# slower relaying: regression
out=$("$XRSIM" compare "$base" "$head" --ignore relayers.delay --tolerance 5%); rc=$?
echo "$out"
[ $rc = 1 ] || fail "regression not detected (exit $rc)"
echo "$out" | grep -Eq "^e2e#1 +fast_p50_s +4 .* WORSE$" || fail "no fast_p50_s WORSE line"
[ "$(echo "$out" | grep -c "^digest differs: e2e#1 seed ")" = 4 ] || fail "want 4 digest lines"
# and the other way round it is an improvement
"$XRSIM" compare "$head" "$base" --ignore relayers.delay --metric fast_p50_s | grep -Eq "fast_p50_s .* better$" ||
  fail "reverse compare is not an improvement"
"$XRSIM" compare "$head" "$base" --ignore relayers.delay --metric fast_p50_s >/dev/null || fail "improvement exits non-zero"
ok "slower relaying detected"

# export
csv=$("$XRSIM" export "$base" v_finality --csv --run 2) || fail "export csv"
echo "$csv" | head -1 | grep -q "^run_id,level,emitted_count,executed_count,p50_s," || fail "csv header: $csv"
[ "$(echo "$csv" | grep -c "^2,")" = 2 ] || fail "csv rows for run 2: $csv"
json=$("$XRSIM" export "$base" runs --json --run 3) || fail "export json"
echo "$json" | grep -q '"id":3,"status":"ok","error":null,' || fail "json row: $(echo "$json" | head -c 300)"
echo "$json" | grep -q '"seed":3,' || fail "json seed is not a number"
[ "$("$XRSIM" export "$base" v_runs | wc -l)" = 5 ] || fail "v_runs: header + 4 rows"
ok "export csv and json"

# bad input: exit 2, a clear message, nothing changed
txt=$TMP/notes.txt
printf 'these are notes, not a database; long enough to look like a file header\n' >"$txt"
foreign=$TMP/foreign.db
sqlite3 "$foreign" "CREATE TABLE t (x); INSERT INTO t VALUES (1);"
newer=$TMP/newer.db
cp "$base" "$newer"
sqlite3 "$newer" "PRAGMA user_version = 999;"
for f in "$txt" "$foreign" "$newer" "$base"; do cp "$f" "$f.orig"; done
expect2() { # expect2 WORDS command...
  words=$1; shift
  err=$("$@" 2>&1 >/dev/null); rc=$?
  [ $rc = 2 ] || fail "$* exited $rc, want 2"
  echo "$err" | grep -q "$words" || fail "$*: message lacks '$words': $err"
  echo "  $err" | head -1
}
expect2 "not an xrsim results database (not SQLite)" "$XRSIM" compare "$base" "$txt"
expect2 "not an xrsim results database (not SQLite)" "$XRSIM" export "$txt" runs
expect2 "not written by xrsim" "$XRSIM" compare "$foreign" "$base"
expect2 "not written by xrsim" "$XRSIM" export "$foreign" runs
expect2 "schema version 999, newer than this xrsim reads" "$XRSIM" compare "$base" "$newer"
expect2 "schema version 999, newer than this xrsim reads" "$XRSIM" export "$newer" v_runs
expect2 "unknown metric 'p42'; known: fast_p50_s" "$XRSIM" compare "$base" "$base" --metric p42
expect2 "unknown table or view 'sqlite_master'; known: runs, v_runs" "$XRSIM" export "$base" sqlite_master
expect2 "tolerance wants a percentage" "$XRSIM" compare "$base" "$base" --tolerance lots
for f in "$txt" "$foreign" "$newer" "$base"; do cmp -s "$f" "$f.orig" || fail "$f was changed"; done
[ ! -e "$TMP/missing.db" ] || fail "precondition"
expect2 "cannot open" "$XRSIM" export "$TMP/missing.db" runs
[ ! -e "$TMP/missing.db" ] || fail "export created a missing file"
ok "bad input refused, files unchanged"

# --ignore a key of a map the base never had: head sets consensus.timeouts.propose, base has no
# timeouts map; once the key is ignored the two match.  A metric no run has a value of (nothing
# finalized in one minute) is "without data", not "untested (fewer than 2 seeds)".
b2=$TMP/b2.db
h2=$TMP/h2.db
for s in 1 2; do
  "$XRSIM" run "$DATA/e2e.yaml" --out "$b2" --quiet --seed $s --set run.duration=1min || fail "b2 run $s"
  "$XRSIM" run "$DATA/e2e.yaml" --out "$h2" --quiet --seed $s --set run.duration=1min \
    --set consensus.timeouts.propose=2s || fail "h2 run $s"
done
q "$b2" "SELECT params_json FROM runs LIMIT 1" | grep -q '"timeouts"' && fail "precondition: base has a timeouts map"
out=$("$XRSIM" compare "$b2" "$h2" --ignore consensus.timeouts.propose); rc=$?
echo "$out" | tail -1
[ $rc = 0 ] || [ $rc = 1 ] || fail "compare --ignore of a key under a map the base lacks: exit $rc"
echo "$out" | grep -q "matched 2 runs\|2 seeds" || fail "runs not matched"
q "$b2" "SELECT COUNT(*) FROM v_finality WHERE level = 'finalized' AND executed_count > 0" | grep -qx 0 \
  || fail "precondition: something finalized in one minute"
echo "$out" | grep -q "without data (no run has a value)" || fail "no 'without data' count"
echo "$out" | grep -q "untested (fewer than 2 seeds)" && fail "a metric without data called untested for want of seeds"
ok "compare --ignore under a map the base lacks; metrics without data named so"
