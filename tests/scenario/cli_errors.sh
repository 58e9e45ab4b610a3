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

out=$("$XRSIM" validate "$SRC/scenarios/examples/consensus.yaml" --set "consensus.block_parts=100 B" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "block_parts of 100 B accepted (exit $rc)"
echo "$out" | grep -qF "consensus.block_parts:1:23: error: value 100B out of range [1KiB, 16MiB]" || fail "unclear: $out"
ok "block_parts out of range: $out"

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

# An unknown key does not hide the errors after it: every section's values are still checked.
sed 's/relayers: {count: 2, delay: 200ms}/relayers: {colour: red, count: 2, delay: soon}/;
     s/verifiers: {count: 7, stake: 32 ETH}/verifiers: {count: 7, stake: 32 ETH}\nadversary: {bogus: 1, delay_bound: later}/' \
  "$DATA/e2e.yaml" >"$TMP/unknown.yaml"
out=$("$XRSIM" validate "$TMP/unknown.yaml" 2>&1); rc=$?
echo "$out"
[ $rc -eq 2 ] || fail "unknown keys accepted (exit $rc)"
for want in "unknown key 'colour' in relayers" "got 'soon'" "unknown key 'bogus' in adversary" "got 'later'"; do
  echo "$out" | grep -qF "$want" || fail "an unknown key hid an error: missing '$want'"
done
ok "an unknown key and the errors after it, all reported"

# A tab is named as a tab, at its place.
printf 'name: t\nrun: {duration: 1min}\nverifiers:\n\tcount: 4\n' >"$TMP/tab.yaml"
out=$("$XRSIM" validate "$TMP/tab.yaml" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "a tab accepted (exit $rc)"
echo "$out" | grep -qF "tab.yaml:4:1: error: a tab character: YAML indents with spaces only" || fail "tab not named: $out"
ok "a tab in YAML: $(echo "$out" | head -1)"

# Implausible values pass, with a warning at their place.
sed 's/slot: 12s/slot: 12ms/; s/stake: 32 ETH/stake: 32 gwei/; s/relayers: {count: 2/relayers: {count: 0/' \
  "$DATA/e2e.yaml" >"$TMP/odd.yaml"
out=$("$XRSIM" validate "$TMP/odd.yaml" 2>&1); rc=$?
echo "$out"
[ $rc -eq 0 ] || fail "warnings made validate fail (exit $rc)"
echo "$out" | grep -qF "odd.yaml:10:12: warning: l1.slot of 12 ms is implausibly short" || fail "no warning for l1.slot: 12ms"
echo "$out" | grep -qF "odd.yaml:8:30: warning: a stake of 32 gwei" || fail "no warning for a stake of 32 gwei"
echo "$out" | grep -qF "odd.yaml:17:19: warning: relayers.count: 0" || fail "no warning for relayers.count: 0"
out=$("$XRSIM" validate "$DATA/e2e.yaml" 2>&1)
echo "$out" | grep -q "warning" && fail "a warning for a plausible scenario: $out"
ok "implausible values warned with their place"
