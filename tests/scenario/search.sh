# xrsim search (issue 18), the cheap part that also runs under the
# sanitizers: bad search sections and options, and one tiny search (one
# candidate, a short shrink) through every stage -- run, shrink, write,
# reproduce, resume.  tests/scenario/search_attacks.sh (label heavy) checks
# what the searches find.
. "$(dirname "$0")/lib.sh"
F=$SRC/scenarios/attacks/search-forge.yaml

# bad input: at its place, nothing run
sed '/^search:/,$d' "$F" > "$TMP/bad.yaml"; printf 'search:\n  membrs: {from: 1, to: 3}\n  members: {from: 1, to: 11}\n  route: [{from: arb, to: nowhere}]\n' >> "$TMP/bad.yaml"
"$XRSIM" search "$TMP/bad.yaml" --out "$TMP/bad.db" 2>"$TMP/err" && fail "bad search section accepted"
grep -q "bad.yaml:[0-9]*:[0-9]*: error: unknown key 'membrs' in search (did you mean 'members'?)" "$TMP/err" || fail "$(cat "$TMP/err")"
grep -q "bad.yaml:[0-9]*:[0-9]*: error: .*10" "$TMP/err" || fail "members beyond the verifiers: $(cat "$TMP/err")"
grep -q "bad.yaml:[0-9]*:[0-9]*: error: unknown rollup 'nowhere'" "$TMP/err" || fail "$(cat "$TMP/err")"
[ -e "$TMP/bad.db" ] && fail "bad input wrote a results file"
sed '/^search:/,$d' "$F" > "$TMP/bad2.yaml"; printf 'search:\n  byzantine: [none, [{behaviour: silent, verifiers: [12]}]]\n' >> "$TMP/bad2.yaml"
"$XRSIM" search "$TMP/bad2.yaml" --out "$TMP/bad.db" 2>"$TMP/err" && fail "a choice that does not apply accepted"
grep -q "bad2.yaml:[0-9]*:[0-9]*: error: search: byzantine choice .* does not apply" "$TMP/err" || fail "$(cat "$TMP/err")"
"$XRSIM" search "$SRC/scenarios/attacks/forge-economics.yaml" --out "$TMP/bad.db" 2>"$TMP/err" && fail "no search section"
grep -q "no search: section" "$TMP/err" || fail "$(cat "$TMP/err")"
"$XRSIM" search "$F" --objective profit 2>/dev/null; [ $? = 2 ] || fail "--objective profit"
[ -e "$TMP/bad.db" ] && fail "bad input wrote a results file"
ok "bad search sections and options: errors at their place, exit 2, nothing written"

# one candidate (7 members forge at 20 s and withdraw at once), 3 shrink runs
tiny() {
  "$XRSIM" search "$F" --set run.duration=75s --set search.seeds=1 --set 'search.members=[7]' \
    --set 'search.attack=[forge]' --set 'search.route=[{from: arb, to: base}]' --set 'search.level=[latest]' \
    --set 'search.at=[20s]' --set 'search.withdraw=[{after: 0s}]' --set 'search.value=[100 ETH]' \
    --budget 1 --shrink-budget 3 --jobs 1 --out t.db "$@"
}
(cd "$TMP" && tiny >out 2>err) || fail "tiny search: $(cat "$TMP/err")"
grep -q 'found an attack above the bound; 5 runs (1 search, 3 shrink, 1 reproduction; 5 ran now)' "$TMP/out" \
  || fail "runs: $(cat "$TMP/out")"
grep -q '^  wrote t-shrunk.yaml: xrsim run reproduces it' "$TMP/out" || fail "$(cat "$TMP/out")"
grep -q 'verifiers: \[0, 1, 2, 3, 4, 5, 6\]' "$TMP/t-shrunk.yaml" || fail "shrunk: $(cat "$TMP/t-shrunk.yaml")"
cp "$TMP/t-shrunk.yaml" "$TMP/first.yaml"
(cd "$TMP" && tiny --fail-if-found >out2 2>&1); [ $? = 1 ] || fail "--fail-if-found: $(cat "$TMP/out2")"
grep -q '; 0 ran now)' "$TMP/out2" || fail "resume ran again: $(cat "$TMP/out2")"
cmp -s "$TMP/t-shrunk.yaml" "$TMP/first.yaml" || fail "the resumed search wrote another file"
ok "a tiny search runs, shrinks, writes a scenario xrsim run reproduces, and resumes"

# the other objectives on the same candidate: the forged value (found, and
# shrunk to acting at 0 s), the longest stall (29 s here: below the 30 s bound)
(cd "$TMP" && tiny --objective forged_value --shrunk fv.yaml >fv 2>&1) || fail "forged_value: $(cat "$TMP/fv")"
grep -q 'forged_value 100 ETH' "$TMP/fv" || fail "forged_value: $(cat "$TMP/fv")"
grep -q 'moves kept: at 20s -> 0s' "$TMP/fv" || fail "forged_value shrink: $(cat "$TMP/fv")"
(cd "$TMP" && tiny --objective stall >st 2>&1) || fail "stall: $(cat "$TMP/st")"
grep -q 'stall 29.001 s' "$TMP/st" || fail "stall: $(cat "$TMP/st")"
grep -q 'no attack with stall above 30 s in every seed within 1 runs' "$TMP/st" || fail "stall: $(cat "$TMP/st")"
ok "objectives forged_value and stall"

