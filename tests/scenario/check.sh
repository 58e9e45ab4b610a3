# `xrsim check`: the regression suite (scenarios/regression/*.yaml) holds;
# a tightened bound (--set) exits 1 with the exact one-line message per
# violated bound; every outcome is in the `expectations` table; bad input
# (unknown metric, bound without its unit) is reported at file:line:col
# with exit 2 and nothing written.
. "$(dirname "$0")/lib.sh"
REG=$SRC/scenarios/regression
db=$TMP/check.db

# the suite, as `make test` runs it
out=$(cd "$SRC" && "$XRSIM" check scenarios/regression/*.yaml --out "$db") || fail "regression suite: $out"
echo "$out"
n=$(ls "$REG"/*.yaml | wc -l)
[ "$(echo "$out" | grep -c ': ok (')" = "$n" ] || fail "expected $n ok lines"
echo "$out" | grep -qx "scenarios/regression/fast-honest.yaml: ok (8 bounds, run [0-9]* in $db)" || fail "ok line format"
[ "$(q "$db" "SELECT count(*) FROM runs WHERE status = 'ok'")" = "$n" ] || fail "one ok run per scenario"
[ "$(q "$db" "SELECT count(*) FROM expectations WHERE passed = 0")" = 0 ] || fail "failed outcomes recorded"
[ "$(q "$db" "SELECT count(DISTINCT run_id) FROM expectations")" = "$n" ] || fail "outcomes not recorded per run"
ok "regression suite holds"

# a violated bound: exit 1 and exactly one line, naming metric, value and bound
v=$TMP/v.db
out=$(cd "$SRC" && "$XRSIM" check scenarios/regression/fast-honest.yaml --out "$v" --set 'expect[0].max=2s' 2>"$TMP/err")
rc=$?
echo "$out"
[ "$rc" = 1 ] || fail "violated bound: exit $rc, want 1"
[ "$out" = "scenarios/regression/fast-honest.yaml: fast.p99 = 5.923 s > max 2 s" ] || fail "violation line: $out"
grep -q "1 of 1 scenario failed" "$TMP/err" || fail "summary on stderr: $(cat "$TMP/err")"
[ "$(q "$v" "SELECT metric || ' ' || bound_kind || ' ' || bound || ' ' || round(value, 3) || ' ' || unit || ' ' || passed
             FROM expectations WHERE passed = 0")" = "fast.p99 max 2.0 5.923 s 0" ] || fail "violation row"
[ "$(q "$v" "SELECT count(*) FROM expectations WHERE passed = 1")" = 7 ] || fail "passing rows"
ok "violated bound reported and recorded"

# a violated copy beside a passing scenario: one violation line, one ok line, exit 1
sed 's/{metric: consensus.heights, min: 20}/{metric: consensus.heights, min: 1000}/' \
  "$REG/byzantine-third.yaml" > "$TMP/byz.yaml"
grep -q "min: 1000" "$TMP/byz.yaml" || fail "sed did not tighten the bound"
out=$("$XRSIM" check "$TMP/byz.yaml" "$REG/finalized.yaml" --out "$v" 2>/dev/null)
rc=$?
echo "$out"
[ "$rc" = 1 ] || fail "violated copy: exit $rc, want 1"
h=$(q "$v" "SELECT heights_committed_count FROM consensus_summary WHERE run_id =
            (SELECT max(id) FROM runs WHERE scenario_name = 'regression-byzantine-third')")
echo "$out" | grep -qx "$TMP/byz.yaml: consensus.heights = $h < min 1000" || fail "violation line for the copy"
echo "$out" | grep -q "^$REG/finalized.yaml: ok (7 bounds, run " || fail "ok line for the passing file"
[ "$(echo "$out" | wc -l)" = 2 ] || fail "two lines expected"
ok "violated copy"

# bad input: an unknown metric and a bound without its unit -> exit 2, nothing written
bad=$TMP/bad.db
"$XRSIM" check "$REG/fast-honest.yaml" --out "$bad" --set 'expect[1].metric=fast.p95' \
  --set 'expect[0].max=20' >/dev/null 2>"$TMP/err"
rc=$?
cat "$TMP/err"
[ "$rc" = 2 ] || fail "bad input: exit $rc, want 2"
grep -q "^--set expect\[1\].metric:1:18: error: unknown metric 'fast.p95'; known metrics: fast.emitted, .*fast.p99,.*consensus.conflicts" "$TMP/err" \
  || fail "unknown metric message"
grep -q "^--set expect\[0\].max:1:15: error: expected a duration with a unit" "$TMP/err" || fail "unit message"
[ ! -e "$bad" ] || fail "bad input wrote $bad"
printf 'run: {duration: 10s}\nexpect:\n  - {metric: fast.p99, max: 20s}\n' > "$TMP/norollups.yaml"
"$XRSIM" check "$TMP/norollups.yaml" --out "$bad" >/dev/null 2>"$TMP/err"
[ $? = 2 ] || fail "metric without its part of the world: want exit 2"
grep -q "norollups.yaml:3:14: error: metric 'fast.p99' needs rollups, and this scenario has none" "$TMP/err" \
  || fail "needs message: $(cat "$TMP/err")"
[ ! -e "$bad" ] || fail "bad input wrote $bad"
"$XRSIM" check >/dev/null 2>&1
[ $? = 2 ] || fail "no FILE: want exit 2"
ok "bad input"
