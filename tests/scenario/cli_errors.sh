# Bad input: every YAML error at its file:line:column, all at once, exit 2,
# and a results file left untouched when it is not ours.
. "$(dirname "$0")/lib.sh"

out=$("$XRSIM" validate "$DATA/bad.yaml" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "validate bad.yaml exit $rc, want 2"
echo "$out"
for want in \
  "bad.yaml:3:13: error: expected a duration with a unit" \
  "bad.yaml:4:9: error:" \
  "bad.yaml:6:3: error: unknown key 'latncy' in network (did you mean 'latency'?)" \
  "bad.yaml:7:9: error:" \
  "bad.yaml:8:35: error: unknown key 'colour' in probes"; do
  echo "$out" | grep -qF "$want" || fail "missing: $want"
done
ok "validate reports every error with its place"

out=$("$XRSIM" validate "$DATA/small.yaml" --set network.loss=2 2>&1); rc=$?
[ $rc -eq 2 ] || fail "--set network.loss=2 accepted"
echo "$out" | grep -qF -- "--set network.loss" || fail "override error does not name the override: $out"
ok "errors in --set values point at the override"

"$XRSIM" run "$DATA/small.yaml" --set sections.bogus=1 --out "$TMP/x.db" >/dev/null 2>&1
[ $? -eq 2 ] || fail "unknown section accepted by run"
[ ! -e "$TMP/x.db" ] || fail "a scenario error created a results file"
ok "a bad scenario runs nothing and writes nothing"

printf 'this is not a database\n' > "$TMP/text.db"
cp "$TMP/text.db" "$TMP/text.orig"
out=$("$XRSIM" run "$DATA/small.yaml" --out "$TMP/text.db" --quiet 2>&1); rc=$?
[ $rc -eq 2 ] || fail "text file accepted as results (exit $rc)"
echo "$out" | grep -q "not an xrsim results database\|not SQLite" || fail "unclear refusal: $out"
cmp -s "$TMP/text.db" "$TMP/text.orig" || fail "refused file was modified"
ok "a non-SQLite file is refused and untouched: $out"

sqlite3 "$TMP/foreign.db" "CREATE TABLE foo(x); INSERT INTO foo VALUES (1);"
cp "$TMP/foreign.db" "$TMP/foreign.orig"
out=$("$XRSIM" run "$DATA/small.yaml" --out "$TMP/foreign.db" --quiet 2>&1); rc=$?
[ $rc -eq 2 ] || fail "foreign SQLite accepted (exit $rc)"
cmp -s "$TMP/foreign.db" "$TMP/foreign.orig" || fail "foreign file was modified"
ok "a foreign SQLite file is refused and untouched: $out"

"$XRSIM" run "$DATA/small.yaml" --out "$TMP/newer.db" --quiet || fail "run failed"
sqlite3 "$TMP/newer.db" "PRAGMA user_version = 99;"
cp "$TMP/newer.db" "$TMP/newer.orig"
out=$("$XRSIM" run "$DATA/small.yaml" --out "$TMP/newer.db" --quiet 2>&1); rc=$?
[ $rc -eq 2 ] || fail "newer schema accepted (exit $rc)"
echo "$out" | grep -q "99" || fail "refusal does not name the version: $out"
cmp -s "$TMP/newer.db" "$TMP/newer.orig" || fail "newer file was modified"
ok "a newer schema is refused and untouched: $out"

"$XRSIM" bogus >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown command not exit 2"
"$XRSIM" run >/dev/null 2>&1; [ $? -eq 2 ] || fail "run without FILE not exit 2"
"$XRSIM" run "$DATA/small.yaml" --seed x >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad --seed not exit 2"
"$XRSIM" --version | grep -q "^xrsim " || fail "--version"
"$XRSIM" help run | grep -q "usage: xrsim run" || fail "help run"
ok "usage errors exit 2"
